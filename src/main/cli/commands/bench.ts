import { writeFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { ImportResult } from '../../../shared/ipc/channels/datasets'
import { createCore } from '../../core/create-core'
import type { EvalResult } from '../../services/eval/eval-service'
import { benchTable, summarizeMethod } from '../../services/bench/bench-summary'
import type { MethodSummary } from '../../services/bench/bench-summary'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'
import { followJob } from '../follow-job'
import { absoluteMethod } from '../method-name'
import { prepareDataset } from '../prepare-dataset'

const USAGE =
  'semagic bench (--dataset NAME | --spair ROOT) [--categories a,b] [--methods nn-pretrained,nn-handmade,...] [--json FILE] [--data-dir DIR]'
const ALPHA = '0.1'

/**
 * Every method on the test split of one data set, in one table (PCK@0.1 per image, target
 * box). Trained variants (semagic, baseline, semagic-i, semagic-ii) join this table once the
 * engine is part of the studio; until then `--variants` is refused rather than faked.
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
    json: { type: 'string' },
  },
  async run(values, _positionals, io) {
    if ((values.dataset === undefined) === (values.spair === undefined)) {
      throw new CliUsageError(`give exactly one of --dataset NAME or --spair ROOT\nusage: ${USAGE}`)
    }
    if (values.variants !== undefined) {
      throw new CliUsageError('--variants needs the SEMAGIC training engine, which this studio version does not include yet')
    }
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
      io.stdout.write(`${dataset}, test split, PCK@${ALPHA} per image (%), target box\n${benchTable(summaries)}`)
      if (typeof values.json === 'string') {
        const doc = { dataset, split: 'test', alpha: ALPHA, methods: summaries, durationSeconds: (performance.now() - started) / 1000 }
        writeFileSync(resolve(values.json), `${JSON.stringify(doc, null, 2)}\n`)
      }
      return 0
    } finally {
      core.close()
    }
  },
}
