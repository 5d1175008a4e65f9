import { useState } from 'react'
import { SPAIR_SPLITS } from '../../../../shared/ipc/channels/datasets'
import type { Split } from '../../../../shared/ipc/channels/datasets'
import type { Job } from '../../../../shared/ipc/channels/jobs'
import type { Compare, ThresholdKind } from '../../../../shared/eval/pck-types'
import { useClient } from '../../client'
import { BackboneDatalist } from '../../shell/BackboneDatalist'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { JobProgress } from '../../shell/JobProgress'
import { SelectField } from '../../shell/SelectField'

/** Methods the core resolves today (see `semagic eval --help`); any other text is sent as typed. */
const METHOD_HINTS = ['nn-handmade', 'nn-pretrained', 'nn-mobilenetv2', 'nn-inceptionv3', 'predictions:/absolute/path/predictions.jsonl']

export function RunEvalForm({
  datasets,
  initialDataset,
  onDone,
}: {
  datasets: readonly string[]
  initialDataset: string | null
  onDone: (dataset: string, split: Split) => void
}): React.JSX.Element {
  const client = useClient()
  const [dataset, setDataset] = useState<string | null>(null)
  const [split, setSplit] = useState<Split>('test')
  const [method, setMethod] = useState('nn-handmade')
  // Empty alphas and "the set's own" threshold and comparison leave them to the data set's convention.
  const [alphas, setAlphas] = useState('')
  const [threshold, setThreshold] = useState<ThresholdKind | 'own'>('own')
  const [compare, setCompare] = useState<Compare | 'own'>('own')
  const [run, setRun] = useState<{ jobId: string; dataset: string; split: Split } | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const chosen = dataset ?? initialDataset ?? datasets[0] ?? ''

  const submit = (e: React.FormEvent): void => {
    e.preventDefault()
    setError(null)
    setRun(null)
    // Kept as written ("0.10" stays "0.10"), the report's keys follow what the user typed.
    const list = alphas
      .split(/[\s,]+/)
      .map((a) => a.trim())
      .filter(Boolean)
    const request = {
      dataset: chosen,
      split,
      method: method.trim(),
      ...(list.length ? { alphas: list } : {}),
      ...(threshold === 'own' ? {} : { threshold }),
      ...(compare === 'own' ? {} : { compare }),
    }
    client.call('eval.run', request).then(
      (r) => setRun({ jobId: r.jobId, dataset: chosen, split }),
      (err: Error) => setError(err),
    )
  }
  const settled = (job: Job): void => {
    if (job.status === 'succeeded' && run) onDone(run.dataset, run.split)
  }

  return (
    <form className="form wide" onSubmit={submit} aria-label="Run evaluation">
      <h2 className="small-h">Run evaluation</h2>
      <div className="form-row">
        <SelectField label="Data set" name="dataset" value={chosen} options={datasets} onChange={setDataset} required />
        <SelectField label="Split" name="split" value={split} options={SPAIR_SPLITS} onChange={setSplit} />
        <label>
          Method
          <input value={method} onChange={(e) => setMethod(e.target.value)} list="eval-methods" name="method" required spellCheck={false} />
          <BackboneDatalist id="eval-methods" hints={METHOD_HINTS} prefix="nn-" />
        </label>
        <label>
          Alphas
          <input value={alphas} onChange={(e) => setAlphas(e.target.value)} name="alphas" placeholder="the set's own (0.05, 0.1, 0.15)" spellCheck={false} />
        </label>
        <label>
          Threshold
          <select value={threshold} onChange={(e) => setThreshold(e.target.value as ThresholdKind | 'own')} name="threshold">
            <option value="own">the set&apos;s own</option>
            <option value="bbox">bbox (max side)</option>
            <option value="image">image (max side)</option>
            <option value="bbox-kp">keypoints&apos; box (max side)</option>
          </select>
        </label>
        <label>
          Correct when
          <select value={compare} onChange={(e) => setCompare(e.target.value as Compare | 'own')} name="compare">
            <option value="own">the set&apos;s own</option>
            <option value="le">err ≤ α·T (HPF, DIFT)</option>
            <option value="lt">err &lt; α·T (SD-DINO, GeoAware)</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={!chosen || !method.trim()}>
          Evaluate
        </button>
      </div>
      <ErrorAlert error={error} context="evaluation" />
      {run ? <JobProgress key={run.jobId} jobId={run.jobId} onSettled={settled} /> : null}
    </form>
  )
}
