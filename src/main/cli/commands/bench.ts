import { writeFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { PckReport } from '../../../shared/eval/pck-types'
import type { ImportResult } from '../../../shared/ipc/channels/datasets'
import { MAX_ARTICULATION_PARTS, TrainConfig, Variant, modelLabel } from '../../../shared/ipc/channels/train'
import { createCore } from '../../core/create-core'
import type { EvalResult } from '../../services/eval/eval-service'
import { benchTable, combineCategoryReports, gainOver, gainTable, summarizeMethod } from '../../services/bench/bench-summary'
import type { MethodSummary } from '../../services/bench/bench-summary'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'
import { followJob } from '../follow-job'
import { absoluteMethod } from '../method-name'
import { prepareDataset } from '../prepare-dataset'

const USAGE =
  'semagic bench (--dataset NAME | --spair ROOT) [--train-dataset NAME] [--categories a,b] [--methods nn-pretrained,...] ' +
  '[--variants semagic,baseline,semagic-i,semagic-ii] [--articulation PARTS[,PARTS...]] [--seeds 3] [--steps N] [--backbone pretrained] [--quick] [--json FILE] [--data-dir DIR]'
const ALPHA = '0.1'

/**
 * Every method and trained variant on the test split of one data set, in one table (PCK@0.1
 * per image, target box, mean ± spread over seeds). Variants train one model per category and
 * seed on the trn split of the training data set (the evaluated one by default), reusing any
 * finished run with the same configuration; test images are never trained on. Each variant is
 * trained once per articulation setting (parts, 0 = off), a row each (`semagic+art6`). Each
 * trained row has its hybrid beside it (`hybrid-semagic`: weight and gate chosen on val pairs),
 * and under the table, where the matcher on the runs' backbone is among the methods, the
 * hybrid's gain over it per category, on the mean and per viewpoint level.
 */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'evaluate several methods on the test split and print one PCK table',
  usage: USAGE,
  options: {
    dataset: { type: 'string' },
    spair: { type: 'string' },
    categories: { type: 'string' },
    methods: { type: 'string', default: 'nn-pretrained' },
    variants: { type: 'string' },
    'train-dataset': { type: 'string' },
    articulation: { type: 'string', default: '0' },
    seeds: { type: 'string', default: '3' },
    steps: { type: 'string' },
    backbone: { type: 'string', default: 'pretrained' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
  async run(values, _positionals, io) {
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
    const methods = String(values.methods)
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)
      .map(absoluteMethod)
    const categories = typeof values.categories === 'string' ? values.categories.split(',').map((c) => c.trim()).filter(Boolean) : undefined
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`) })
    const started = performance.now()
    try {
      let dataset = typeof values.dataset === 'string' ? values.dataset : ''
      await prepareDataset(core, io, dataset)
      if (typeof values.spair === 'string') {
        const root = resolve(values.spair)
        dataset = (await followJob<ImportResult>(core, io, 'import', () => core.services.datasets.startImport(root, basename(root)).jobId)).name
      }
      const summaries: Record<string, MethodSummary> = {}
      for (const method of methods) {
        io.stderr.write(`${method}\n`)
        const report = await followJob<EvalResult>(core, io, method, () =>
          core.services.eval.startEval({ dataset, split: 'test', method, categories, alphas: [0.05, 0.1, 0.15], threshold: 'bbox', compare: 'le' })
            .jobId,
        )
        summaries[method] = summarizeMethod([0], [report], ALPHA)
      }
      const trainDataset = typeof values['train-dataset'] === 'string' ? values['train-dataset'] : dataset
      await prepareDataset(core, io, trainDataset)
      const cats = categories ?? Object.keys(core.services.datasets.get(dataset).categories)
      const evalTest = (label: string, method: string): Promise<EvalResult> =>
        followJob<EvalResult>(core, io, label, () =>
          core.services.eval.startEval({ dataset, split: 'test', method, alphas: [0.05, 0.1, 0.15], threshold: 'bbox', compare: 'le' }).jobId,
        )
      const hybrids: string[] = []
      for (const [variant, articulation] of (variants as Variant[]).flatMap((v) => articulations.map((a) => [v, a] as const))) {
        const perSeed: PckReport[] = []
        const hybridPerSeed: PckReport[] = []
        for (let seed = 0; seed < seeds; seed++) {
          const reports: PckReport[] = []
          const hybridReports: PckReport[] = []
          for (const category of cats) {
            const config = TrainConfig.parse({ dataset: trainDataset, category, variant, articulation, steps, seed, backbone: String(values.backbone) })
            const runId =
              core.services.train.findFinished(config)?.id ??
              (await (async () => {
                const started = core.services.train.start(config)
                io.stderr.write(`training ${modelLabel(config)} on ${category}, seed ${seed} (run ${started.runId})\n`)
                await followJob(core, io, 'train', () => started.jobId)
                return started.runId
              })())
            reports.push(await evalTest(`${modelLabel(config)} ${category}`, `mesh:${runId}`))
            const hybrid = await evalTest(`hybrid-${modelLabel(config)} ${category}`, `hybrid:${runId}`)
            for (const w of hybrid.warnings.filter((w) => w.startsWith('hybrid weight'))) io.stderr.write(`${category}, seed ${seed}: ${w}\n`)
            hybridReports.push(hybrid)
          }
          perSeed.push(combineCategoryReports(reports, ALPHA))
          hybridPerSeed.push(combineCategoryReports(hybridReports, ALPHA))
        }
        const seedList = Array.from({ length: seeds }, (_, s) => s)
        const label = modelLabel({ variant, articulation })
        summaries[label] = summarizeMethod(seedList, perSeed, ALPHA)
        summaries[`hybrid-${label}`] = summarizeMethod(seedList, hybridPerSeed, ALPHA)
        hybrids.push(`hybrid-${label}`)
      }
      io.stdout.write(`${dataset}, test split, PCK@${ALPHA} per image (%), target box\n${benchTable(summaries)}`)
      // The hybrid refines the 2-D matcher on the runs' own features: whether the 3-D model helps is its gain over that matcher.
      const nn = `nn-${String(values.backbone)}`
      const gains = summaries[nn] ? Object.fromEntries(hybrids.map((h) => [h, gainOver(summaries[h]!, summaries[nn]!)])) : {}
      if (Object.keys(gains).length > 0) io.stdout.write(`\ndoes the 3-D model help? the hybrid's PCK minus ${nn}'s (points; helps/hurts: beyond the spread over seeds)\n${gainTable(gains, nn)}`)
      if (typeof values.json === 'string') {
        const doc = { dataset, split: 'test', alpha: ALPHA, methods: summaries, gains: { reference: nn, methods: gains }, durationSeconds: (performance.now() - started) / 1000 }
        writeFileSync(resolve(values.json), `${JSON.stringify(doc, null, 2)}\n`)
      }
      return 0
    } finally {
      core.close()
    }
  },
}
