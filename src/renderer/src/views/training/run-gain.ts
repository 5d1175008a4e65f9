import { gainOf, meanStd } from '../../../../shared/eval/gain'
import type { Gain } from '../../../../shared/eval/gain'
import type { ReportSummary } from '../../../../shared/ipc/channels/eval'
import type { RunSummary, TrainConfig } from '../../../../shared/ipc/channels/train'

export interface RunGain {
  dataset: string
  /** The 2-D matcher on the run's features that the hybrid refines: `nn-<backbone>`. */
  reference: string
  /** Seeds of this configuration whose hybrid was scored, ascending. */
  seeds: number[]
  gain: Gain
}

const sameButSeed = (a: TrainConfig, b: TrainConfig): boolean => JSON.stringify({ ...a, seed: 0 }) === JSON.stringify({ ...b, seed: 0 })

/** The newest report (the list is newest first) of a method on a data set's test split under SPair's conventions. */
function newestTest(reports: readonly ReportSummary[], method: string, dataset: string): ReportSummary | undefined {
  return reports.find((r) => r.method === method && r.dataset === dataset && r.split === 'test' && r.options.threshold === 'bbox' && r.options.compare === 'le')
}

/** A report's PCK per image in one category at alpha, matched by value ("0.10" finds 0.1). */
function categoryPck(report: ReportSummary, category: string, alpha: string): number | undefined {
  const cell = report.report.categories[category]
  const key = cell ? Object.keys(cell).find((a) => Number(a) === Number(alpha)) : undefined
  return key ? cell?.[key]?.perImage : undefined
}

/**
 * Does this run's 3-D model help on its category? The test-split PCK of `hybrid:<run>` minus the
 * 2-D matcher's on the same features, over every seed of the same configuration that has both
 * reports (as `semagic bench` leaves them), on the data set with the most such seeds (the run's
 * own first). Null until a hybrid and its matcher have been scored.
 */
export function runGain(run: RunSummary, runs: readonly RunSummary[], reports: readonly ReportSummary[], alpha = '0.1'): RunGain | null {
  const { category, backbone } = run.config
  const reference = `nn-${backbone}`
  const siblings = runs.filter((r) => sameButSeed(r.config, run.config))
  const datasets = [...new Set(reports.filter((r) => r.method.startsWith('hybrid:')).map((r) => r.dataset))]
  datasets.sort((a, b) => Number(b === run.config.dataset) - Number(a === run.config.dataset))
  let best: RunGain | null = null
  for (const dataset of datasets) {
    const nnReport = newestTest(reports, reference, dataset)
    const nn = nnReport ? categoryPck(nnReport, category, alpha) : undefined
    if (nn === undefined) continue
    const scored = siblings
      .map((s) => {
        const h = newestTest(reports, `hybrid:${s.id}`, dataset)
        const v = h ? categoryPck(h, category, alpha) : undefined
        return v === undefined ? null : { seed: s.config.seed, v }
      })
      .filter((x) => x !== null)
      .sort((a, b) => a.seed - b.seed)
    if (scored.length > (best?.seeds.length ?? 0)) {
      best = { dataset, reference, seeds: scored.map((s) => s.seed), gain: gainOf(meanStd(scored.map((s) => s.v)), { mean: nn, std: 0 }) }
    }
  }
  return best
}
