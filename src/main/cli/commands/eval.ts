import { writeFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { ImportResult, Split } from '../../../shared/ipc/channels/datasets'
import { EvalOverrides } from '../../../shared/ipc/channels/eval'
import { pckPlotSvg } from '../../../shared/eval/pck-plot-svg'
import { reportsToCsv, reportsToMarkdown } from '../../../shared/eval/report-tables'
import { writeFileAtomic } from '../../core/atomic-write'
import { createCore } from '../../core/create-core'
import type { EvalResult } from '../../services/eval/eval-service'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'
import { DEVICE_OPTIONS, DEVICE_USAGE, checkFitsDevice, parseDevice, sayWhereFitsRan } from '../device-option'
import { followJob } from '../follow-job'
import { absoluteMethod } from '../method-name'
import { prepareDataset } from '../prepare-dataset'

const USAGE =
  'semagic eval (--dataset NAME | --spair ROOT) [--split test] --method METHOD [--alpha 0.05,0.1,0.15] ' +
  `[--threshold bbox|image|bbox-kp] [--compare le|lt] [--json FILE] [--csv FILE] [--markdown FILE] [--svg FILE] ${DEVICE_USAGE} [--db FILE] [--data-dir DIR]\n` +
  "  defaults: the data set's own PCK convention (SPair-71k, CUB: bbox; PF-PASCAL: image; PF-WILLOW: bbox-kp; all <=, 0.05,0.1,0.15)\n" +
  '  METHOD: nn-<backbone> (nn-pretrained, nn-mobilenetv2, nn-inceptionv3, nn-handmade, nn-/path/model.onnx, nn-hf:ORG/NAME)\n' +
  '          predictions:/path/predictions.jsonl (one {"pair", "split", "kps"} object per line)\n' +
  '  --device: where mesh:/hybrid: fit images with the run\'s model (default: the workspace setting engine.device, else auto)'

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a keypoint-transfer method by PCK on a split of a data set',
  usage: USAGE,
  options: {
    dataset: { type: 'string' },
    spair: { type: 'string' },
    split: { type: 'string', default: 'test' },
    method: { type: 'string' },
    alpha: { type: 'string' },
    threshold: { type: 'string' },
    compare: { type: 'string' },
    json: { type: 'string' },
    csv: { type: 'string' },
    markdown: { type: 'string' },
    svg: { type: 'string' },
    db: { type: 'string' },
    ...DEVICE_OPTIONS,
  },
  async run(values, _positionals, io) {
    if ((values.dataset === undefined) === (values.spair === undefined)) {
      throw new CliUsageError(`give exactly one of --dataset NAME or --spair ROOT\nusage: ${USAGE}`)
    }
    if (typeof values.method !== 'string') throw new CliUsageError(`--method is required\nusage: ${USAGE}`)
    const split = String(values.split) as Split
    if (!['trn', 'val', 'test'].includes(split)) throw new CliUsageError(`--split must be trn, val or test, got ${split}`)
    const parsed = EvalOverrides.safeParse({
      ...(typeof values.alpha === 'string' ? { alphas: values.alpha.split(',').map((a) => a.trim()) } : {}),
      ...(values.threshold === undefined ? {} : { threshold: values.threshold }),
      ...(values.compare === undefined ? {} : { compare: values.compare }),
    })
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new CliUsageError(`${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`)
    }
    const method = absoluteMethod(values.method)
    const device = parseDevice(values)
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`), ...(typeof values.db === 'string' ? { dbFile: values.db } : {}), ...(device ? { device } : {}) })
    try {
      if (/^(mesh|hybrid):/.test(method)) await checkFitsDevice(core.device(), io)
      let dataset = typeof values.dataset === 'string' ? values.dataset : ''
      await prepareDataset(core, io, dataset)
      if (typeof values.spair === 'string') {
        const root = resolve(values.spair)
        const imported = await followJob<ImportResult>(core, io, 'import', () => core.services.datasets.startImport(root, basename(root)).jobId)
        io.stderr.write(`${imported.name}: ${imported.status}\n`)
        dataset = imported.name
      }
      const report = await followJob<EvalResult>(core, io, 'eval', () =>
        core.services.eval.startEval({ dataset, split, method, ...parsed.data }).jobId,
      )
      sayWhereFitsRan(method, report.fitsRanOn, io)
      for (const w of report.warnings.slice(0, 20)) io.stderr.write(`warning: ${w}\n`)
      if (report.warnings.length > 20) io.stderr.write(`... and ${report.warnings.length - 20} more warnings\n`)
      const { warnings: _warnings, ...json } = report
      // Whole or absent: a cluster task's report in a run folder is read by another process.
      if (typeof values.json === 'string') writeFileAtomic(resolve(values.json), `${JSON.stringify(json, null, 2)}\n`)
      if (typeof values.csv === 'string') writeFileSync(resolve(values.csv), reportsToCsv([json]))
      if (typeof values.markdown === 'string') writeFileSync(resolve(values.markdown), reportsToMarkdown([json]))
      if (typeof values.svg === 'string') writeFileSync(resolve(values.svg), pckPlotSvg([json]))
      io.stderr.write(`report: ${report.cache === 'hit' ? 'from the cache' : 'computed'}\n`)
      io.stdout.write(reportsToMarkdown([json]))
      return 0
    } finally {
      core.close()
    }
  },
}
