import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { adapterLabel, ranOnLabel } from '../../../shared/device'
import type { AdapterSummary, DeviceChoice, RanOn } from '../../../shared/device'
import { TrainConfig, modelLabel } from '../../../shared/ipc/channels/train'
import type { RunSummary, TrainSummary } from '../../../shared/ipc/channels/train'
import { AppError, notFound } from '../../core/app-error'
import { writeFileAtomic } from '../../core/atomic-write'
import { APP_VERSION } from '../../core/version'
import type { CategoryModel } from '../../engine/model/category-model'
import { DEFAULT_ENGINE_CONFIG, LARGE_STEPS_SHAPE_RATE, resolveConfig } from '../../engine/model/config'
import type { EngineConfig, EngineConfigInput } from '../../engine/model/config'
import { deserializeTrainState, manifestConfig } from '../../engine/train/checkpoint'
import type { SerializedTrainState, TrainState } from '../../engine/train/checkpoint'
import { TRAIN_SHARDS } from '../../engine/train/shards'
import { latestCheckpoint } from '../../runs/checkpoint'
import { RUN_MANIFEST, RUN_SUMMARY, checkRunId, readRunManifest } from '../../runs/run-folder'
import type { RunManifest } from '../../runs/run-folder'
import type { FitPoolOptions } from '../../train/fit-pool'
import { GpuUnavailableError, checkEngineDevice } from '../../engine/gpu/adapter'
import { ThreadSlots } from '../../train/thread-slots'
import { launchTrainJob } from '../../train/train-host'
import type { TrainEvent } from '../../train/train-protocol'
import type { StoredCheckpoint } from '../../runs/checkpoint'
import { settingsHash } from '../../features/backbones/settings-hash'
import type { Db } from '../../store/migration'
import { findDataset, requireDataset } from '../datasets/dataset-queries'
import { datasetVersion } from '../eval/eval-pairs'
import type { FeaturesService } from '../features/features-service'
import type { JobContext, JobManager } from '../jobs/job-manager'
import { imageInputs } from './training-inputs'

const PCA_DIMS = 64
const CHECKPOINT_EVERY = 50
const LOG_EVERY = 10

interface RunRow {
  id: string
  status: string
  config: string
  folder: string
  created_at: string
  updated_at: string
  summary: string | null
  device: 'cpu' | 'gpu'
  adapter: string | null
}

type Summary = TrainSummary

export interface TrainServiceOptions {
  /** The built training worker (out/main/train-worker.js); absent in source checkouts, where training runs in this thread between awaits. */
  workerFile: string | null
  /** Threads computing each step's shards (the training worker included), at most TRAIN_SHARDS; the results do not depend on it. */
  threads: number
  /** Steps between checkpoints (default 50): what a killed run loses at most; the results do not depend on it. */
  checkpointEvery?: number
  /** Where runs train when the caller names no device: the command's --device, else the workspace setting. */
  device?: () => DeviceChoice
}

/** The training state in a checkpoint; a manifest that does not describe one is refused naming the file and field. */
function restoreTrainState(ckpt: StoredCheckpoint): TrainState {
  try {
    return deserializeTrainState({ manifest: ckpt.state as unknown as SerializedTrainState['manifest'], weights: ckpt.tensors })
  } catch (error) {
    throw new AppError('BAD_INPUT', `${join(ckpt.dir, 'manifest.json')}: state: ${(error as Error).message}`)
  }
}

/**
 * What the engine is asked for; everything else is the engine's default of the day. Large steps
 * bring the shape's rate they were chosen with; off, the engine's own rate and update stand.
 */
function engineInput(config: TrainConfig): EngineConfigInput {
  const largeSteps = config.largeSteps > 0 ? { largeSteps: config.largeSteps, lr: { shape: LARGE_STEPS_SHAPE_RATE } } : {}
  return { variant: config.variant, steps: config.steps, batchSize: config.batchSize, hypotheses: config.hypotheses, seed: config.seed, templateLevel: config.templateLevel, articulation: { parts: config.articulation }, appearance: config.appearance, ...largeSteps }
}

/**
 * A run's stored configuration, with the defaults of settings added since it was stored (a run
 * from before articulation existed trained without it, which is the default).
 */
function storedConfig(json: string): TrainConfig {
  return TrainConfig.parse(JSON.parse(json))
}

/**
 * The engine settings a finished run's checkpoint was trained with; null when the run has no
 * whole checkpoint at its last step (a damaged or unreadable folder is not reused, it is trained
 * again).
 */
function trainedWith(runDir: string, steps: number): EngineConfig | null {
  try {
    const ckpt = latestCheckpoint(runDir)
    if (!ckpt || ckpt.step < steps) return null
    const config = ckpt.state.config
    return typeof config === 'object' && config !== null ? manifestConfig(config as EngineConfigInput) : null
  } catch {
    return null
  }
}

type HashedSettings = Parameters<typeof settingsHash>[0]

/** The settings that shape a run's result: the angles' weight and the rig's kind do nothing without articulated parts. */
const effective = (c: EngineConfig): HashedSettings =>
  (c.articulation.parts > 0 ? c : { ...c, weights: { ...c.weights, articulation: 0 }, articulation: DEFAULT_ENGINE_CONFIG.articulation }) as unknown as HashedSettings

const sameSettings = (a: EngineConfig, b: EngineConfig): boolean => settingsHash(effective(a)) === settingsHash(effective(b))

const sameConfig = (a: TrainConfig, b: TrainConfig): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())

/** The first setting two configurations differ in, for messages. */
const firstDifference = (a: TrainConfig, b: TrainConfig): keyof TrainConfig =>
  (Object.keys(a) as (keyof TrainConfig)[]).find((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])) ?? 'dataset'

/**
 * Training runs as jobs. Each run is a relocatable folder under the workspace (`runs/<id>`):
 * `run.json` (config, data set version, backend, code version), `metrics.jsonl` (the loss
 * curve) and atomic checkpoints; SQLite indexes the runs. A cancelled or crashed run resumes
 * from its newest whole checkpoint and ends where an uninterrupted run would.
 */
export class TrainService {
  private readonly fitSlots: ThreadSlots

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly jobs: JobManager,
    private readonly features: FeaturesService,
    private readonly options: TrainServiceOptions = { workerFile: null, threads: 1 },
  ) {
    this.fitSlots = new ThreadSlots(Math.max(1, options.threads))
    // Runs whose job died with its process (the job manager has marked those) can be resumed.
    db.prepare(
      `UPDATE runs SET status = 'interrupted' WHERE kind = 'train' AND status IN ('queued', 'running')
       AND (job_id IS NULL OR job_id IN (SELECT id FROM jobs WHERE status = 'interrupted'))`,
    ).run()
  }

  /** The built worker entry when it exists (source checkouts have none). */
  private builtWorker(): string | null {
    return this.options.workerFile !== null && existsSync(this.options.workerFile) ? this.options.workerFile : null
  }

  /**
   * Where and how runs train, for their manifests: the CPU engine until the job has opened its
   * device, then what it opened (a resumed run: where its latest steps ran).
   */
  backend(ranOn?: RanOn): string {
    const worker = this.builtWorker() !== null
    const thread = worker ? 'in a worker' : 'in the main thread'
    if (ranOn?.device === 'gpu' && ranOn.adapter) return `WebGPU engine (WGSL kernels through Dawn; docs/gpu.md says which parts of a step) on ${adapterLabel(ranOn.adapter)}, ${thread}`
    const threads = worker ? Math.max(1, Math.min(TRAIN_SHARDS, this.options.threads)) : 1
    return `js (plain TypeScript), ${TRAIN_SHARDS} gradient shards on ${threads} thread${threads > 1 ? 's' : ''}, ${thread}`
  }

  /** The device a run asked for nothing in particular trains on. */
  private chosenDevice(asked?: DeviceChoice): DeviceChoice {
    return asked ?? this.options.device?.() ?? 'auto'
  }

  /**
   * What a run asking for `device` would train on. Called before start, trainInto or resume: a
   * `gpu` that cannot run (no adapter, no Vulkan loader, too-small limits, no GPU engine) fails
   * here within seconds, naming why, before a run row or folder exists.
   */
  async checkDevice(device?: DeviceChoice): Promise<RanOn> {
    try {
      return await checkEngineDevice(this.chosenDevice(device))
    } catch (error) {
      if (error instanceof GpuUnavailableError) throw new AppError('BAD_INPUT', `device gpu: ${error.message}`)
      throw error
    }
  }

  runDir(runId: string): string {
    return join(this.dataDir, 'runs', runId)
  }

  /** A new run; `runId` names its folder when the caller chose one (a cluster task's, known before it starts). */
  start(config: TrainConfig, runId?: string, device?: DeviceChoice): { jobId: string; runId: string } {
    const ds = requireDataset(this.db, config.dataset)
    const category = this.db
      .prepare('SELECT 1 FROM categories WHERE dataset_id = ? AND name = ?')
      .get(ds.id, config.category)
    if (!category) throw new AppError('BAD_INPUT', `data set "${config.dataset}" has no category "${config.category}"`)
    const id = runId ?? `${defaultRunName(config)}-${randomBytes(3).toString('hex')}`
    checkRunId(id)
    if (existsSync(join(this.runDir(id), RUN_MANIFEST))) throw new AppError('CONFLICT', `${this.runDir(id)} already holds a run`)
    mkdirSync(this.runDir(id), { recursive: true })
    const manifest: RunManifest = {
      id,
      config,
      dataset: { name: config.dataset, version: datasetVersion(this.db, ds) },
      backend: this.backend(),
      codeVersion: APP_VERSION,
      createdAt: new Date().toISOString(),
    }
    writeFileAtomic(join(this.runDir(id), RUN_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
    this.index(manifest, 'queued', null)
    return { jobId: this.launch(id, config, null, device), runId: id }
  }

  /**
   * Trains `config` into the run folder `runId` whatever state a killed process left it in:
   * started when there is none, resumed from its newest whole checkpoint when one exists (a
   * folder this index has never seen, from a cluster task's private index, is indexed from its
   * run.json first), left alone when it has finished (jobId null). What a requeued task runs.
   */
  trainInto(config: TrainConfig, runId: string, device?: DeviceChoice): { jobId: string | null; runId: string } {
    checkRunId(runId)
    const dir = this.runDir(runId)
    if (!this.findRow(runId)) {
      if (!existsSync(join(dir, RUN_MANIFEST))) return this.start(config, runId, device)
      const manifest = this.checkedManifest(dir)
      if (manifest.id !== runId) throw new AppError('BAD_INPUT', `${join(dir, RUN_MANIFEST)}: id is "${manifest.id}", not the folder's name "${runId}"`)
      this.index(manifest, 'interrupted', null)
    }
    const stored = this.config(runId)
    if (!sameConfig(stored, config)) {
      const field = firstDifference(stored, config)
      throw new AppError('CONFLICT', `${join(dir, RUN_MANIFEST)}: config.${field} is ${JSON.stringify(stored[field])}, not ${JSON.stringify(config[field])} as asked`)
    }
    const ckpt = latestCheckpoint(dir)
    if (ckpt && ckpt.step >= config.steps) {
      this.setStatus(runId, 'succeeded', null)
      return { jobId: null, runId }
    }
    return ckpt ? this.resume(runId, device) : { jobId: this.launch(runId, config, null, device), runId }
  }

  /**
   * A run folder's manifest, checked against this workspace: its data set must be here at the
   * version it was trained on (another version would make every cached score of it wrong).
   */
  checkedManifest(dir: string): RunManifest {
    const manifest = readRunManifest(dir)
    const ds = findDataset(this.db, manifest.dataset.name)
    const file = join(dir, RUN_MANIFEST)
    if (!ds) throw new AppError('BAD_INPUT', `${file}: dataset.name "${manifest.dataset.name}" is not a data set of this workspace`)
    const version = datasetVersion(this.db, ds)
    if (version !== manifest.dataset.version) {
      throw new AppError('BAD_INPUT', `${file}: dataset.version ${manifest.dataset.version} is not the workspace's "${ds.name}" (${version}): the run was trained on other data`)
    }
    return manifest
  }

  /** Adds or updates the index row of a run folder that lies at `runs/<id>`. */
  index(manifest: RunManifest, status: string, summary: Summary | null): void {
    const now = new Date().toISOString()
    this.db
      .prepare(
        `INSERT INTO runs (id, kind, job_id, config, folder, status, summary, device, adapter, created_at, updated_at) VALUES (?, 'train', NULL, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, summary = COALESCE(excluded.summary, runs.summary),
           device = CASE WHEN excluded.summary IS NULL THEN runs.device ELSE excluded.device END,
           adapter = CASE WHEN excluded.summary IS NULL THEN runs.adapter ELSE excluded.adapter END, updated_at = excluded.updated_at`,
      )
      .run(
        manifest.id,
        JSON.stringify(manifest.config),
        join('runs', manifest.id),
        status,
        summary ? JSON.stringify(summary) : null,
        summary?.ranOn?.device ?? 'cpu',
        summary?.ranOn?.adapter ? JSON.stringify(summary.ranOn.adapter) : null,
        manifest.createdAt,
        now,
      )
  }

  resume(runId: string, device?: DeviceChoice): { jobId: string; runId: string } {
    const run = this.row(runId)
    const config = storedConfig(run.config)
    const ckpt = latestCheckpoint(this.runDir(runId))
    if (!ckpt) throw new AppError('BAD_INPUT', `run ${runId} has no checkpoint to resume from; start it again instead`)
    if (ckpt.step >= config.steps) throw new AppError('CONFLICT', `run ${runId} already finished its ${config.steps} steps`)
    const serialized: SerializedTrainState = { manifest: ckpt.state as unknown as SerializedTrainState['manifest'], weights: ckpt.tensors }
    restoreTrainState(ckpt) // a damaged manifest is refused here, naming the file, not later inside the job
    this.trimCurve(runId, ckpt.step)
    return { jobId: this.launch(runId, config, serialized, device), runId }
  }

  /**
   * A finished run with exactly this configuration, trained with the engine settings a new run
   * would get today, to be reused instead of training again: a run from before a change of the
   * engine's defaults is not a result of today's engine.
   */
  findFinished(config: TrainConfig): RunSummary | null {
    const engine = resolveConfig(engineInput(config))
    return (
      this.runs().find((r) => {
        if (r.status !== 'succeeded' || !sameConfig(r.config, config)) return false
        const used = trainedWith(this.runDir(r.id), config.steps)
        return used !== null && sameSettings(used, engine)
      }) ?? null
    )
  }

  runs(): RunSummary[] {
    return (this.db.prepare(`SELECT * FROM runs WHERE kind = 'train' ORDER BY created_at DESC`).all() as RunRow[]).map((r) => this.toSummary(r))
  }

  curve(runId: string): { step: number; losses: Record<string, number>; seconds: number }[] {
    this.row(runId)
    const file = join(this.runDir(runId), 'metrics.jsonl')
    if (!existsSync(file)) return []
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { step: number; losses: Record<string, number>; seconds: number })
  }

  /** The finished model of a run, and the content hash of its checkpoint (the key of every cache of its outputs). */
  loadModel(runId: string): { model: CategoryModel; checkpoint: string; config: TrainConfig } {
    const config = this.config(runId)
    const ckpt = latestCheckpoint(this.runDir(runId))
    if (!ckpt || ckpt.step < config.steps) {
      throw new AppError('BAD_INPUT', `run ${runId} has not finished its ${config.steps} steps${ckpt ? ` (at ${ckpt.step})` : ''}; resume it first`)
    }
    const state = restoreTrainState(ckpt)
    return { model: state.model, checkpoint: ckpt.weightsSha256, config }
  }

  /**
   * Where fits of trained models run: on the device runs train on (the command's --device, else
   * the workspace's engine.device, asked at each call), a GPU in one helper; on the CPU, the
   * training worker's `fit` role on as many threads as training uses. Each call starts its own
   * helpers, but their fits take turns on one set of slots that every call (an evaluation, the
   * Meshes view, Transfer clicks) shares.
   */
  fitPool(): FitPoolOptions {
    return { workerFile: this.builtWorker(), threads: this.fitSlots.size, slots: this.fitSlots, device: () => this.chosenDevice() }
  }

  config(runId: string): TrainConfig {
    return storedConfig(this.row(runId).config)
  }

  private findRow(runId: string): RunRow | undefined {
    return this.db.prepare(`SELECT * FROM runs WHERE id = ? AND kind = 'train'`).get(runId) as RunRow | undefined
  }

  private row(runId: string): RunRow {
    const r = this.findRow(runId)
    if (!r) throw notFound(`training run ${runId}`)
    return r
  }

  /** Drops loss rows past the checkpoint a run resumes from: the resumed run logs those steps again. */
  private trimCurve(runId: string, step: number): void {
    const file = join(this.runDir(runId), 'metrics.jsonl')
    if (!existsSync(file)) return
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean)
    const kept = lines.filter((l) => {
      try {
        return (JSON.parse(l) as { step: number }).step <= step
      } catch {
        return false // a line cut short by the kill
      }
    })
    if (kept.length !== lines.length) writeFileAtomic(file, kept.map((l) => `${l}\n`).join(''))
  }

  private toSummary(r: RunRow): RunSummary {
    return {
      id: r.id,
      status: r.status,
      config: storedConfig(r.config),
      folder: r.folder,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      summary: r.summary ? (JSON.parse(r.summary) as Summary) : null,
      device: r.device,
      adapter: r.adapter ? (JSON.parse(r.adapter) as AdapterSummary) : null,
    }
  }

  private setStatus(runId: string, status: string, jobId: string | null, summary?: Summary): void {
    this.db
      .prepare('UPDATE runs SET status = ?, job_id = COALESCE(?, job_id), summary = COALESCE(?, summary), updated_at = ? WHERE id = ?')
      .run(status, jobId, summary ? JSON.stringify(summary) : null, new Date().toISOString(), runId)
  }

  /** Where the run's steps run, once its job has opened the device (a resumed run: where its last steps ran). */
  private setDevice(runId: string, ran: RanOn): void {
    this.db.prepare('UPDATE runs SET device = ?, adapter = ? WHERE id = ?').run(ran.device, ran.adapter ? JSON.stringify(ran.adapter) : null, runId)
    const dir = this.runDir(runId)
    writeFileAtomic(join(dir, RUN_MANIFEST), `${JSON.stringify({ ...readRunManifest(dir), backend: this.backend(ran) }, null, 2)}\n`)
  }

  private launch(runId: string, config: TrainConfig, resumeFrom: SerializedTrainState | null, asked?: DeviceChoice): string {
    const device = this.chosenDevice(asked)
    if (!findDataset(this.db, config.dataset)) throw notFound(`data set "${config.dataset}"`)
    const title = `${resumeFrom ? 'Resume' : 'Train'} ${modelLabel(config)} on ${config.dataset}/${config.category} (seed ${config.seed})`
    const jobId = this.jobs.start('train', title, { runId, ...config }, (ctx) => this.execute(runId, config, resumeFrom, device, ctx))
    this.setStatus(runId, 'running', jobId)
    return jobId
  }

  private async execute(runId: string, config: TrainConfig, resumeFrom: SerializedTrainState | null, device: DeviceChoice, ctx: JobContext): Promise<Summary> {
    const started = performance.now()
    const dir = this.runDir(runId)
    try {
      ctx.progress(0, config.steps, 'steps', 'features and masks of the training images')
      const { inputs, skipped } = await imageInputs(this.db, this.features, config.dataset, config.backbone, { category: config.category, split: config.split }, ctx, { colour: config.appearance > 0 })
      if (inputs.length === 0) throw new AppError('BAD_INPUT', `no ${config.split} images with masks and features for ${config.category}`)
      const saved: { checkpoint: string | null } = { checkpoint: null }
      let lastLosses: Record<string, number> = {}
      let stepNow = resumeFrom ? resumeFrom.manifest.step : 0
      const firstStep = stepNow
      ctx.progress(stepNow, config.steps, 'steps', 'PCA of the features, distance transforms of the masks')
      let where = ''
      let ranOn: RanOn | null = null
      const onEvent = (event: TrainEvent): void => {
        if (event.type === 'checkpoint') saved.checkpoint = event.dir
        if (event.type === 'device') {
          this.setDevice(runId, event.ranOn)
          ranOn = event.ranOn
          where = ranOnLabel(event.ranOn)
          ctx.progress(stepNow, config.steps, 'steps', `training on ${where}`)
        }
        if (event.type !== 'step') return
        const { step, losses } = event
        stepNow = step
        lastLosses = losses
        if (step % LOG_EVERY === 0 || step === config.steps) {
          appendFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify({ step, losses, seconds: (performance.now() - started) / 1000 })}\n`)
        }
        ctx.progress(step, config.steps, 'steps', `${progressMessage(losses)} on ${where}`)
      }
      const engineConfig = engineInput(config)
      const job = {
        runDir: dir,
        inputs: inputs.map((i) => ({ key: i.key, mask: i.mask, featureFile: i.entry.file, ...(i.colour ? { colour: i.colour } : {}) })),
        pcaDims: PCA_DIMS,
        pcaSeed: config.seed,
        engineConfig,
        resumeFrom,
        checkpointEvery: this.options.checkpointEvery ?? CHECKPOINT_EVERY,
        threads: this.options.threads,
        device,
      }
      const handle = launchTrainJob(job, { workerFile: this.options.workerFile, onEvent })
      const onAbort = (): void => handle.stop()
      ctx.signal.addEventListener('abort', onAbort)
      if (ctx.signal.aborted) handle.stop()
      let result
      try {
        result = await handle.done
      } finally {
        ctx.signal.removeEventListener('abort', onAbort)
      }
      const seconds = (performance.now() - started) / 1000
      const summary: Summary = {
        step: stepNow,
        losses: lastLosses,
        seconds,
        stepsPerSecond: stepNow > firstStep ? (stepNow - firstStep) / seconds : null,
        checkpoint: saved.checkpoint ? join('runs', runId, basename(saved.checkpoint)) : null,
        images: inputs.length,
        skipped,
        ...(ranOn ? { ranOn } : {}),
      }
      // The folder says it ended well by itself, so that it can be imported elsewhere without this index.
      if (!result.stopped) writeFileAtomic(join(dir, RUN_SUMMARY), `${JSON.stringify(summary, null, 2)}\n`)
      this.setStatus(runId, result.stopped ? 'cancelled' : 'succeeded', null, summary)
      ctx.throwIfCancelled()
      return summary
    } catch (error) {
      const cancelled = error instanceof AppError && error.code === 'CANCELLED'
      this.setStatus(runId, cancelled ? 'cancelled' : 'failed', null)
      throw error
    }
  }
}

/** The job's progress line: the total and each loss term. */
function progressMessage(losses: Record<string, number>): string {
  const total = losses.total ?? Object.values(losses).reduce((a, b) => a + b, 0)
  const terms = ['dt', 'chamfer', 'feature'].filter((k) => losses[k] !== undefined).map((k) => `${k} ${losses[k]!.toFixed(4)}`)
  return `loss ${total.toFixed(4)}${terms.length ? ` (${terms.join(', ')})` : ''}`
}

/** A run's folder name before its random suffix: what it trains. */
function defaultRunName(config: TrainConfig): string {
  return `${config.category}-${modelLabel(config).replaceAll('+', '-')}-seed${config.seed}`
}
