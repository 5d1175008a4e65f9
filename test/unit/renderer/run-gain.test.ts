import { describe, expect, it } from 'vitest'
import type { ReportSummary } from '../../../src/shared/ipc/channels/eval'
import { TrainConfig } from '../../../src/shared/ipc/channels/train'
import type { RunSummary } from '../../../src/shared/ipc/channels/train'
import { runGain } from '../../../src/renderer/src/views/training/run-gain'

const run = (id: string, config: Partial<TrainConfig>): RunSummary => ({
  id,
  status: 'succeeded',
  config: TrainConfig.parse({ dataset: 'demo', category: 'bird', ...config }),
  folder: `runs/${id}`,
  device: 'cpu',
  adapter: null,
  createdAt: '',
  updatedAt: '',
  summary: null,
})

const report = (method: string, bird: number, options: Partial<ReportSummary['options']> = {}, dataset = 'demo', split: ReportSummary['split'] = 'test'): ReportSummary => ({
  key: `${method}:${dataset}:${split}:${bird}`,
  method,
  dataset,
  split,
  options: { alphas: [0.1], threshold: 'bbox', compare: 'le', ...options },
  createdAt: '',
  report: { categories: { bird: { '0.1': { perImage: bird, perPoint: bird, pairs: 1, points: 1 } } } } as unknown as ReportSummary['report'],
})

describe('does a run’s 3-D model help on its category', () => {
  const runs = [run('s0', { seed: 0 }), run('s1', { seed: 1 }), run('s2', { seed: 2 }), run('b0', { variant: 'baseline' }), run('l4', { templateLevel: 4 })]

  it('takes the hybrid minus the matcher on the run’s features over the seeds of its configuration, newest reports first', () => {
    const reports = [
      report('hybrid:s1', 0.4),
      report('hybrid:s0', 0.36),
      report('hybrid:s0', 0.1), // older: ignored
      report('hybrid:b0', 0.9), // another variant: not a seed of this configuration
      report('hybrid:l4', 0.9), // another template
      report('hybrid:s2', 0.9, { threshold: 'image' }), // another convention
      report('hybrid:s2', 0.9, {}, 'demo', 'val'), // not the test split
      report('nn-pretrained', 0.3),
      report('nn-handmade', 0.1),
    ]
    const g = runGain(runs[2]!, runs, reports)!
    expect(g).toMatchObject({ dataset: 'demo', reference: 'nn-pretrained', seeds: [0, 1] })
    expect(g.gain.gain.mean).toBeCloseTo(0.08, 12)
    expect(g.gain.gain.std).toBeCloseTo(Math.SQRT2 * 0.02, 12)
    expect(g.gain.verdict).toBe('helps')
  })

  it('says so when the 3-D model loses, and answers null until both a hybrid and its matcher are scored', () => {
    expect(runGain(runs[0]!, runs, [report('hybrid:s0', 0.2), report('nn-pretrained', 0.3)])!.gain.verdict).toBe('hurts')
    expect(runGain(runs[0]!, runs, [report('hybrid:s0', 0.2)])).toBeNull()
    expect(runGain(runs[0]!, runs, [report('nn-pretrained', 0.3)])).toBeNull()
    expect(runGain(runs[3]!, runs, [report('hybrid:s0', 0.2), report('nn-pretrained', 0.3)])).toBeNull()
  })

  it('prefers the data set with the most scored seeds, the run’s own on a tie', () => {
    const reports = [report('hybrid:s0', 0.5, {}, 'other'), report('hybrid:s1', 0.5, {}, 'other'), report('nn-pretrained', 0.2, {}, 'other'), report('hybrid:s0', 0.3), report('nn-pretrained', 0.3)]
    expect(runGain(runs[0]!, runs, reports)).toMatchObject({ dataset: 'other', seeds: [0, 1] })
    expect(runGain(runs[0]!, runs, reports.slice(1))).toMatchObject({ dataset: 'demo', seeds: [0] })
  })
})
