import { formatGain } from '../../../../shared/eval/gain'
import type { ReportSummary } from '../../../../shared/ipc/channels/eval'
import type { RunSummary } from '../../../../shared/ipc/channels/train'
import { runGain } from './run-gain'

/** What the run's 3-D model is worth to a user of its category: the hybrid's gain over 2-D matching, or how to find out. */
export function RunGainNote({ run, runs, reports }: { run: RunSummary; runs: readonly RunSummary[]; reports: readonly ReportSummary[] }): React.JSX.Element {
  const g = runGain(run, runs, reports)
  const { category, backbone } = run.config
  if (!g) {
    return (
      <p className="muted" data-testid="run-gain">
        Does the 3-D model help on {category}? Not scored yet: evaluate <code>hybrid:{run.id}</code> and <code>nn-{backbone}</code> on the test split in
        Reports, or run <code>semagic bench</code>.
      </p>
    )
  }
  const { verdict } = g.gain
  const says = verdict === 'helps' ? 'the 3-D model helps' : verdict === 'hurts' ? 'the 3-D model hurts: use plain 2-D matching' : 'no clear difference from 2-D matching'
  return (
    <p data-testid="run-gain" className={`gain gain-${verdict === 'no clear difference' ? 'unclear' : verdict}`}>
      On {category} ({g.dataset}, test, PCK@0.1 per image): hybrid minus {g.reference} <strong>{formatGain(g.gain)}</strong> over{' '}
      {g.seeds.length === 1 ? `seed ${g.seeds[0]}` : `seeds ${g.seeds.join(', ')}`}: {says}.
    </p>
  )
}
