import { cpSync, existsSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { PckReport } from '../../../shared/eval/pck-types'
import type { BenchStatus } from '../../../shared/ipc/channels/runs'
import type { RunSummary } from '../../../shared/ipc/channels/train'
import { listPlans } from '../../cluster/bench-plan'
import { benchProgress } from '../../cluster/bench-progress'
import { AppError } from '../../core/app-error'
import { removeQuietly, temporaryName } from '../../core/atomic-write'
import { storageError } from '../../core/storage-error'
import { latestCheckpoint } from '../../runs/checkpoint'
import { RUN_EVAL_DIR, readRunSummary } from '../../runs/run-folder'
import type { Db } from '../../store/migration'
import type { EvalService, ReportOptions } from '../eval/eval-service'
import { meshMethodKey } from '../eval/resolve-method'
import type { TrainService } from '../train/train-service'

export interface ImportedRun {
  run: RunSummary
  /** Where the folder was before: it was copied into the workspace's runs/ when it lay elsewhere. */
  source: string
  copied: boolean
  /** Evaluation reports found in the folder's eval/ and cached with the run. */
  reports: number
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** An alpha as the evaluation was asked for it: the report keeps its shortest decimal, which reads back as the same number. */
const askedAlpha = (a: string): number | string => (String(Number(a)) === a ? Number(a) : a)

/**
 * Run folders trained elsewhere (a cluster task, another machine, an older copy of the
 * workspace) brought into this workspace's index. Only finished runs enter: a folder is a run
 * when its run.json is whole, its data set is here at the same version, and its newest
 * checkpoint is whole (content hash checked) at the configured last step.
 */
export class RunsService {
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly train: TrainService,
    private readonly evals: EvalService,
  ) {}

  /** Each folder on its own: one refused folder (unfinished, other data) does not keep the others out. */
  importFolders(folders: readonly string[]): { imported: { id: string; copied: boolean; reports: number }[]; refused: { folder: string; message: string }[] } {
    const imported: { id: string; copied: boolean; reports: number }[] = []
    const refused: { folder: string; message: string }[] = []
    for (const folder of folders) {
      if (!isAbsolute(folder)) {
        refused.push({ folder, message: 'give the folder as an absolute path' })
        continue
      }
      try {
        const r = this.importFolder(folder)
        imported.push({ id: r.run.id, copied: r.copied, reports: r.reports })
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        refused.push({ folder, message: error.message })
      }
    }
    return { imported, refused }
  }

  /** The benches handed to a cluster from this workspace and where they stand. */
  async benches(): Promise<BenchStatus[]> {
    return Promise.all(
      listPlans(this.dataDir).map(async ({ dir, plan }) => {
        const p = await benchProgress(dir, plan)
        return { ...p, createdAt: plan.createdAt, folder: dir }
      }),
    )
  }

  importFolder(dir: string): ImportedRun {
    const source = resolve(dir)
    const manifest = this.train.checkedManifest(source)
    const { config } = manifest
    const ckpt = latestCheckpoint(source, () => {}, { clean: false })
    if (!ckpt || ckpt.step < config.steps) {
      throw new AppError(
        'BAD_INPUT',
        `${source}: run ${manifest.id} has not finished (${ckpt ? `checkpoint at step ${ckpt.step}` : 'no whole checkpoint'} of ${config.steps}); an unfinished run is not imported: resume it where it trained`,
      )
    }
    const target = resolve(this.train.runDir(manifest.id))
    let copied = false
    if (source !== target) {
      if (existsSync(target)) {
        const here = latestCheckpoint(target, () => {}, { clean: false })
        if (here?.weightsSha256 !== ckpt.weightsSha256) {
          throw new AppError('CONFLICT', `${source}: this workspace already has a different run ${manifest.id} in ${target}`)
        }
      } else {
        this.copyFolder(source, target)
        copied = true
      }
    }
    const reports = this.readReports(target, manifest.id, manifest.dataset.name)
    this.db.transaction(() => {
      this.train.index(manifest, 'succeeded', readRunSummary(target))
      for (const report of reports) {
        const options: ReportOptions = { alphas: report.alphas.map(askedAlpha), threshold: report.threshold, compare: report.compare, categories: null }
        this.evals.storeReport(meshMethodKey(ckpt.weightsSha256), manifest.dataset.version, options, report)
      }
    })()
    const run = this.train.runs().find((r) => r.id === manifest.id)!
    return { run, source, copied, reports: reports.length }
  }

  /**
   * A copy of the workspace index in one file (`VACUUM INTO`, consistent while others read),
   * for cluster tasks: each works on its own node-local copy and writes nothing to the shared one.
   */
  snapshot(file: string): void {
    const path = resolve(file)
    const tmp = temporaryName(path)
    try {
      this.db.prepare('VACUUM INTO ?').run(tmp)
      renameSync(tmp, path)
    } catch (error) {
      removeQuietly(tmp)
      throw storageError(error, path)
    }
  }

  /** Copies a run folder into runs/ atomically (a temporary name, then a rename), leaving out half-written checkpoints. */
  private copyFolder(source: string, target: string): void {
    const tmp = temporaryName(target)
    try {
      cpSync(source, tmp, { recursive: true, filter: (src) => !src.slice(source.length).includes('.tmp-') })
      renameSync(tmp, target)
    } catch (error) {
      removeQuietly(tmp)
      throw storageError(error, target)
    }
  }

  /**
   * The `mesh:<run>` reports a task left in the folder's eval/ (`semagic eval --json`) on the run's
   * own data set (the version run.json pins and the import checked), checked enough to be cached.
   */
  private readReports(runDir: string, runId: string, dataset: string): PckReport[] {
    const dir = join(runDir, RUN_EVAL_DIR)
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((name) => {
        const file = join(dir, name)
        let r: unknown
        try {
          r = JSON.parse(readFileSync(file, 'utf8'))
        } catch (error) {
          throw new AppError('BAD_INPUT', `${file}: ${(error as Error).message}`)
        }
        if (!isRecord(r)) throw new AppError('BAD_INPUT', `${file}: not a PCK report (a JSON object)`)
        if (r.method !== `mesh:${runId}`) throw new AppError('BAD_INPUT', `${file}: method is ${JSON.stringify(r.method)}, not "mesh:${runId}"`)
        if (r.dataset !== dataset) throw new AppError('BAD_INPUT', `${file}: dataset is ${JSON.stringify(r.dataset)}, not the run's "${dataset}", whose version the run folder pins`)
        for (const field of ['overall', 'categories', 'flags'] as const) if (!isRecord(r[field])) throw new AppError('BAD_INPUT', `${file}: ${field} is missing`)
        if (!Array.isArray(r.alphas) || !r.alphas.every((a) => typeof a === 'string')) throw new AppError('BAD_INPUT', `${file}: alphas is not a list of strings`)
        if (!['trn', 'val', 'test'].includes(r.split as string)) throw new AppError('BAD_INPUT', `${file}: split is ${JSON.stringify(r.split)}`)
        if (r.threshold !== 'bbox' && r.threshold !== 'image') throw new AppError('BAD_INPUT', `${file}: threshold is ${JSON.stringify(r.threshold)}`)
        if (r.compare !== 'le' && r.compare !== 'lt') throw new AppError('BAD_INPUT', `${file}: compare is ${JSON.stringify(r.compare)}`)
        return r as unknown as PckReport
      })
  }
}
