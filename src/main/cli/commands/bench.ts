import { basename, resolve } from 'node:path'
import type { PckReport } from '../../../shared/eval/pck-types'
import type { ImportResult } from '../../../shared/ipc/channels/datasets'
import { ranOnLabel } from '../../../shared/device'
import { DEFAULT_BATCH_SIZE, DEFAULT_HYPOTHESES, MAX_APPEARANCE, MAX_ARTICULATION_PARTS, MAX_BATCH_SIZE, MAX_HYPOTHESES, MAX_LARGE_STEPS, TrainConfig, Variant, modelLabel } from '../../../shared/ipc/channels/train'
import { AppError } from '../../core/app-error'
import { writeFileAtomic } from '../../core/atomic-write'
import { createCore } from '../../core/create-core'
import type { Core } from '../../core/create-core'
import type { EvalResult } from '../../services/eval/eval-service'
import { benchTable, combineCategoryReports, gainOver, gainTable, summarizeMethod } from '../../services/bench/bench-summary'
import type { MethodSummary } from '../../services/bench/bench-summary'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { CliIo, Command, Values } from '../command'
import { DEVICE_OPTIONS, DEVICE_USAGE, checkFitsDevice, parseDevice, sayWhereFitsRan } from '../device-option'
import { followJob } from '../follow-job'
import { HYBRID_KINDS } from '../../../shared/eval/hybrid-kinds'
import { absoluteMethod } from '../method-name'
import { prepareDataset } from '../prepare-dataset'
import { parseSwitchWeights } from '../switch-weights'
import { SLURM_OPTIONS, parseSlurmOptions, runOnSlurm } from './bench-slurm'

const USAGE =
  'semagic bench (--dataset NAME | --spair ROOT) [--train-dataset NAME] [--categories a,b] [--methods nn-pretrained,...] ' +
  '[--variants semagic,baseline,semagic-i,semagic-ii] [--articulation PARTS[,PARTS...]] [--appearance W[,W...]] [--large-steps L[,L...]] [--seeds 3] [--steps N] [--batch-size 24] [--hypotheses 8] [--backbone pretrained] [--hybrids hybrid[,hybrid-fitted,hybrid-open,hybrid-topk,hybrid-topk-apart,hybrid-guarded]] [--quick] ' +
  `${DEVICE_USAGE} [--json FILE] [--data-dir DIR]\n` +
  '       ... [--from-runs]: the table from imported finished runs only (semagic runs import), training nothing\n' +
  '       ... --on slurm [--partition P] [--time T] [--cpus-per-task N] [--gpus-per-task N] [--requeue-max 3] [--checkpoint-every 50] [--dry-run] [--wait]'
const ALPHA = '0.1'
const EVAL_OPTIONS = { alphas: [0.05, 0.1, 0.15], threshold: 'bbox', compare: 'le' } as const

/** What a bench measures, parsed and checked once for every way of running it. */
export interface BenchSpec {
  dataset: string
  spair: string | null
  trainDataset: string | null
  categories: string[] | undefined
  methods: string[]
  variants: Variant[]
  articulations: number[]
  /** Appearance weights (the image's colour in the feature term), a row each; 0 is off. */
  appearances: number[]
  /** Large-steps lambdas (the canonical shape's update), a row each; 0 is off. */
  largeSteps: number[]
  seeds: number
  steps: number
  batchSize: number
  hypotheses: number
  backbone: string
  /** The hybrid kinds beside each trained row (hybrid-kinds): the studio's hybrid, then any ablations. */
  hybrids: string[]
}

/** One model a bench trains: a category, variant, articulation and seed. */
export interface BenchRun {
  category: string
  seed: number
  config: TrainConfig
}

function parseSpec(values: Values): BenchSpec {
  if ((values.dataset === undefined) === (values.spair === undefined)) {
    throw new CliUsageError(`give exactly one of --dataset NAME or --spair ROOT\nusage: ${USAGE}`)
  }
  const variants = typeof values.variants === 'string' ? values.variants.split(',').map((v) => v.trim()).filter(Boolean) : []
  for (const v of variants) if (!Variant.safeParse(v).success) throw new CliUsageError(`unknown variant "${v}": use ${Variant.options.join(', ')}`)
  const articulations = String(values.articulation)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map(Number)
  const { articulation: Parts } = TrainConfig.shape
  if (articulations.length === 0 || articulations.some((a) => !Parts.safeParse(a).success)) throw new CliUsageError(`--articulation takes part counts 0..${MAX_ARTICULATION_PARTS} (0 is off), got ${String(values.articulation)}`)
  const seeds = Number(values.seeds)
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20) throw new CliUsageError(`--seeds must be 1..20, got ${String(values.seeds)}`)
  const steps = values.steps !== undefined ? Number(values.steps) : values.quick ? 30 : 600
  if (!Number.isInteger(steps) || steps < 1) throw new CliUsageError(`--steps must be a positive integer, got ${String(values.steps)}`)
  const batchSize = Number(values['batch-size'])
  if (!TrainConfig.shape.batchSize.safeParse(batchSize).success) throw new CliUsageError(`--batch-size must be an integer 1..${MAX_BATCH_SIZE}, got ${String(values['batch-size'])}`)
  const hypotheses = Number(values.hypotheses)
  if (!TrainConfig.shape.hypotheses.safeParse(hypotheses).success) throw new CliUsageError(`--hypotheses must be an integer 1..${MAX_HYPOTHESES}, got ${String(values.hypotheses)}`)
  const methods = String(values.methods)
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
    .map(absoluteMethod)
  const hybrids = String(values.hybrids)
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
  for (const h of hybrids) if (!Object.hasOwn(HYBRID_KINDS, h)) throw new CliUsageError(`unknown hybrid "${h}" in --hybrids: use ${Object.keys(HYBRID_KINDS).join(', ')}`)
  const categories = typeof values.categories === 'string' ? values.categories.split(',').map((c) => c.trim()).filter(Boolean) : undefined
  return {
    dataset: typeof values.dataset === 'string' ? values.dataset : '',
    spair: typeof values.spair === 'string' ? resolve(values.spair) : null,
    trainDataset: typeof values['train-dataset'] === 'string' ? values['train-dataset'] : null,
    categories,
    methods,
    variants: variants as Variant[],
    articulations,
    appearances: parseSwitchWeights('--appearance', values.appearance, MAX_APPEARANCE),
    largeSteps: parseSwitchWeights('--large-steps', values['large-steps'], MAX_LARGE_STEPS),
    seeds,
    steps,
    batchSize,
    hypotheses,
    backbone: String(values.backbone),
    hybrids,
  }
}

/** The bench's data sets made ready (the demo generated, an SPair tree imported): the evaluated one's name. */
async function prepareData(core: Core, io: CliIo, spec: BenchSpec): Promise<string> {
  await prepareDataset(core, io, spec.dataset)
  let dataset = spec.dataset
  if (spec.spair !== null) {
    const root = spec.spair
    dataset = (await followJob<ImportResult>(core, io, 'import', () => core.services.datasets.startImport(root, basename(root)).jobId)).name
  }
  if (spec.trainDataset !== null) await prepareDataset(core, io, spec.trainDataset)
  return dataset
}

/** One row of trained models: its label and a run per seed and category. */
export interface BenchGroup {
  label: string
  runs: BenchRun[]
}

/** Every model of the bench, in table order: variant, articulation, appearance and large steps, then seed, then category. */
function benchRuns(spec: BenchSpec, dataset: string, allCategories: string[]): BenchGroup[] {
  const cats = spec.categories ?? allCategories
  const rows = spec.variants.flatMap((variant) =>
    spec.articulations.flatMap((articulation) => spec.appearances.flatMap((appearance) => spec.largeSteps.map((largeSteps) => ({ variant, articulation, appearance, largeSteps })))),
  )
  return rows.map((row) => ({
    label: modelLabel({ ...row, batchSize: spec.batchSize, hypotheses: spec.hypotheses }),
    runs: Array.from({ length: spec.seeds }, (_, seed) => seed).flatMap((seed) =>
      cats.map((category) => ({
        category,
        seed,
        config: TrainConfig.parse({ dataset: spec.trainDataset ?? dataset, category, ...row, steps: spec.steps, batchSize: spec.batchSize, hypotheses: spec.hypotheses, seed, backbone: spec.backbone }),
      })),
    ),
  }))
}

/**
 * Every method and trained variant on the test split of one data set, in one table (PCK@0.1
 * per image, target box, mean ± spread over seeds). Variants train one model per category and
 * seed on the trn split of the training data set (the evaluated one by default), reusing any
 * finished run with the same configuration; test images are never trained on. Each variant is
 * trained once per articulation setting (parts, 0 = off), a row each (`semagic+art6`). Each
 * trained row has its hybrid beside it (`hybrid-semagic`: weight and gate chosen on val pairs),
 * and `--hybrids` adds the ablations' rows (`hybrid-open-semagic`: the gate kept open; `hybrid-topk-semagic`:
 * a prior over several camera hypotheses; see hybrid-kinds), and under the table, where the matcher on the runs' backbone is among the methods, the
 * hybrid's gain over it per category, on the mean and per viewpoint level.
 * `--on slurm` hands the same table to a cluster (bench-slurm.ts); `--from-runs` only reads
 * finished runs that are already indexed (what the cluster's collecting job prints).
 */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'evaluate several methods on the test split and print one PCK table (here, or on a Slurm cluster)',
  usage: USAGE,
  options: {
    dataset: { type: 'string' },
    spair: { type: 'string' },
    categories: { type: 'string' },
    methods: { type: 'string', default: 'nn-pretrained' },
    variants: { type: 'string' },
    'train-dataset': { type: 'string' },
    articulation: { type: 'string', default: '0' },
    appearance: { type: 'string', default: '0' },
    'large-steps': { type: 'string', default: '0' },
    seeds: { type: 'string', default: '3' },
    steps: { type: 'string' },
    'batch-size': { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
    hypotheses: { type: 'string', default: String(DEFAULT_HYPOTHESES) },
    backbone: { type: 'string', default: 'pretrained' },
    hybrids: { type: 'string', default: 'hybrid' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    'from-runs': { type: 'boolean', default: false },
    ...DEVICE_OPTIONS,
    ...SLURM_OPTIONS,
  },
  async run(values, _positionals, io) {
    const spec = parseSpec(values)
    const slurm = parseSlurmOptions(values)
    if (slurm && values['from-runs']) throw new CliUsageError('--from-runs reads runs already imported here; it does not go with --on')
    const device = parseDevice(values)
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`), ...(device ? { device } : {}) })
    const started = performance.now()
    try {
      if (spec.variants.length > 0 && !slurm) {
        // Before any data is prepared or run stored: a GPU that cannot run fails here, within seconds.
        io.stderr.write(`device ${core.device()}: runs to train use ${ranOnLabel(await core.services.train.checkDevice())}\n`)
        await checkFitsDevice(core.device(), io)
      }
      const dataset = await prepareData(core, io, spec)
      const groups = benchRuns(spec, dataset, Object.keys(core.services.datasets.get(dataset).categories))
      if (slurm) {
        const json = typeof values.json === 'string' ? resolve(values.json) : null
        const code = await runOnSlurm(core, io, { spec, dataset, groups, slurm, json, device: device ?? null })
        if (code !== null) return code
      }
      const summaries: Record<string, MethodSummary> = {}
      for (const method of spec.methods) {
        io.stderr.write(`${method}\n`)
        const report = await followJob<EvalResult>(core, io, method, () =>
          core.services.eval.startEval({ dataset, split: 'test', method, categories: spec.categories, ...EVAL_OPTIONS, alphas: [...EVAL_OPTIONS.alphas] }).jobId,
        )
        summaries[method] = summarizeMethod([0], [report], ALPHA)
      }
      const evalTest = async (label: string, method: string): Promise<EvalResult> => {
        const req = { dataset, split: 'test' as const, method, ...EVAL_OPTIONS, alphas: [...EVAL_OPTIONS.alphas] }
        const cached = core.services.eval.cachedRunReport(req)
        if (cached) return cached
        const report = await followJob<EvalResult>(core, io, label, () => core.services.eval.startEval(req).jobId)
        sayWhereFitsRan(label, report.fitsRanOn, io)
        return report
      }
      const hybrids: string[] = []
      for (const group of groups) {
        const perSeed: PckReport[] = []
        const hybridPerSeed = new Map(spec.hybrids.map((kind) => [kind, [] as PckReport[]]))
        for (let seed = 0; seed < spec.seeds; seed++) {
          const reports: PckReport[] = []
          const hybridReports = new Map(spec.hybrids.map((kind) => [kind, [] as PckReport[]]))
          for (const { category, config } of group.runs.filter((r) => r.seed === seed)) {
            const runId = core.services.train.findFinished(config)?.id ?? (await train(core, io, config, values['from-runs'] === true))
            reports.push(await evalTest(`${group.label} ${category}`, `mesh:${runId}`))
            for (const kind of spec.hybrids) {
              const hybrid = await evalTest(`${kind}-${group.label} ${category}`, `${kind}:${runId}`)
              const said = kind === 'hybrid' ? '' : `${kind}: `
              for (const w of hybrid.warnings.filter((w) => w.startsWith('hybrid weight'))) io.stderr.write(`${category}, seed ${seed}: ${said}${w}\n`)
              hybridReports.get(kind)!.push(hybrid)
            }
          }
          perSeed.push(combineCategoryReports(reports, ALPHA))
          for (const kind of spec.hybrids) hybridPerSeed.get(kind)!.push(combineCategoryReports(hybridReports.get(kind)!, ALPHA))
        }
        const seedList = Array.from({ length: spec.seeds }, (_, s) => s)
        summaries[group.label] = summarizeMethod(seedList, perSeed, ALPHA)
        for (const kind of spec.hybrids) {
          summaries[`${kind}-${group.label}`] = summarizeMethod(seedList, hybridPerSeed.get(kind)!, ALPHA)
          hybrids.push(`${kind}-${group.label}`)
        }
      }
      io.stdout.write(`${dataset}, test split, PCK@${ALPHA} per image (%), target box\n${benchTable(summaries)}`)
      // The hybrid refines the 2-D matcher on the runs' own features: whether the 3-D model helps is its gain over that matcher.
      const nn = `nn-${spec.backbone}`
      const gains = summaries[nn] ? Object.fromEntries(hybrids.map((h) => [h, gainOver(summaries[h]!, summaries[nn]!)])) : {}
      if (Object.keys(gains).length > 0) io.stdout.write(`\ndoes the 3-D model help? the hybrid's PCK minus ${nn}'s (points; helps/hurts: beyond the spread over seeds)\n${gainTable(gains, nn)}`)
      if (typeof values.json === 'string') {
        const doc = { dataset, split: 'test', alpha: ALPHA, methods: summaries, gains: { reference: nn, methods: gains }, durationSeconds: (performance.now() - started) / 1000 }
        writeFileAtomic(resolve(values.json), `${JSON.stringify(doc, null, 2)}\n`)
      }
      return 0
    } finally {
      core.close()
    }
  },
}

/** Trains one model of the bench here; with --from-runs a missing run is an error instead. */
async function train(core: Core, io: CliIo, config: TrainConfig, fromRuns: boolean): Promise<string> {
  if (fromRuns) {
    throw new AppError('NOT_FOUND', `no finished run of ${modelLabel(config)} on ${config.dataset}/${config.category}, seed ${config.seed}, ${config.steps} steps is indexed: import its folder (semagic runs import DIR) or drop --from-runs`)
  }
  const started = core.services.train.start(config)
  io.stderr.write(`training ${modelLabel(config)} on ${config.category}, seed ${config.seed} (run ${started.runId})\n`)
  await followJob(core, io, 'train', () => started.jobId)
  return started.runId
}
