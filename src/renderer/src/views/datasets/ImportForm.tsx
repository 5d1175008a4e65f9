import { useState } from 'react'
import { DATASET_FORMAT_LABELS, DATASET_FORMATS, ImportResult } from '../../../../shared/ipc/channels/datasets'
import type { CubSampling, DatasetFormat } from '../../../../shared/ipc/channels/datasets'
import type { Job } from '../../../../shared/ipc/channels/jobs'
import { useClient } from '../../client'
import { count } from '../../lib/format'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { JobProgress } from '../../shell/JobProgress'

const PLACEHOLDERS: Record<DatasetFormat, string> = {
  spair: '/data/SPair-71k',
  'pf-pascal': '/data/PF-dataset-PASCAL',
  'pf-willow': '/data/PF-WILLOW',
  cub: '/data/CUB_200_2011',
}

/**
 * Index a data set folder that is already on the machine running the core: the path is the
 * core's path, which is the same machine in Electron and the GPU box behind `semagic serve`.
 * CUB ships no val split and no pairs: they are drawn with the seed and counts given here.
 */
export function ImportForm({ onImported }: { onImported: (name: string) => void }): React.JSX.Element {
  const client = useClient()
  const [root, setRoot] = useState('')
  const [name, setName] = useState('')
  const [format, setFormat] = useState<DatasetFormat>('spair')
  const [sampling, setSampling] = useState({ seed: '0', pairsPerSpecies: '50', valFraction: '0.1' })
  const [jobId, setJobId] = useState<string | null>(null)
  const [startError, setStartError] = useState<Error | null>(null)
  const [result, setResult] = useState<ImportResult | null>(null)
  const [resultError, setResultError] = useState<string | null>(null)

  const submit = (e: React.FormEvent): void => {
    e.preventDefault()
    setStartError(null)
    setResult(null)
    setResultError(null)
    setJobId(null)
    const cub: Partial<CubSampling> | undefined =
      format === 'cub' ? { seed: Number(sampling.seed), pairsPerSpecies: Number(sampling.pairsPerSpecies), valFraction: Number(sampling.valFraction) } : undefined
    const request = { root: root.trim(), format, ...(name.trim() ? { name: name.trim() } : {}), ...(cub ? { sampling: cub } : {}) }
    client.call('datasets.import', request).then(
      (r) => setJobId(r.jobId),
      (error: Error) => setStartError(error),
    )
  }

  const settled = (job: Job): void => {
    if (job.status !== 'succeeded') return
    const parsed = ImportResult.safeParse(job.result)
    if (!parsed.success) {
      setResultError('the import finished but its result does not match the contract')
      return
    }
    setResult(parsed.data)
    onImported(parsed.data.name)
  }

  return (
    <form className="form" onSubmit={submit} aria-label="Import data set folder">
      <h2>Import data set folder</h2>
      <label>
        Format
        <select value={format} onChange={(e) => setFormat(e.target.value as DatasetFormat)} name="format">
          {DATASET_FORMATS.map((f) => (
            <option key={f} value={f}>
              {DATASET_FORMAT_LABELS[f]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Folder (absolute path on the studio machine)
        <input
          value={root}
          onChange={(e) => setRoot(e.target.value)}
          placeholder={PLACEHOLDERS[format]}
          required
          spellCheck={false}
          name="root"
        />
      </label>
      <label>
        Name (optional)
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="from the folder name" name="name" spellCheck={false} />
      </label>
      {format === 'cub' ? (
        <fieldset className="form-row">
          <legend>Val split and pairs (recorded with the set)</legend>
          {(
            [
              ['seed', 'Seed', '1'],
              ['pairsPerSpecies', 'Pairs per species', '1'],
              ['valFraction', 'Val share of train', '0.05'],
            ] as const
          ).map(([key, label, step]) => (
            <label key={key}>
              {label}
              <input
                type="number"
                min={key === 'pairsPerSpecies' ? 1 : 0}
                max={key === 'valFraction' ? 0.9 : undefined}
                step={step}
                value={sampling[key]}
                onChange={(e) => setSampling({ ...sampling, [key]: e.target.value })}
                name={key}
                required
              />
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="row">
        <button type="submit" disabled={root.trim() === ''}>
          Import
        </button>
      </div>
      <ErrorAlert error={startError} context="import" />
      {jobId ? <JobProgress key={jobId} jobId={jobId} onSettled={settled} /> : null}
      <ErrorAlert error={resultError} />
      {result ? <ImportSummary result={result} /> : null}
    </form>
  )
}

function ImportSummary({ result }: { result: ImportResult }): React.JSX.Element {
  const s = result.summary
  return (
    <div className="result" data-testid="import-result">
      <p>
        <strong>{result.name}</strong> {result.status} in {result.seconds.toFixed(2)} s: {count(s.images)} images in{' '}
        {Object.keys(s.categories).length} categories, {count(s.pairs.trn + s.pairs.val + s.pairs.test)} pairs (trn {count(s.pairs.trn)}, val{' '}
        {count(s.pairs.val)}, test {count(s.pairs.test)}), {count(s.keypoints)} keypoints.
      </p>
      {s.sampling ? (
        <p className="muted">
          Val and pairs drawn with seed {s.sampling.seed}: {s.sampling.pairsPerSpecies} pairs per species and split, val = {s.sampling.valFraction} of
          each species&apos; training images.
        </p>
      ) : null}
      <p className={s.warningCount > 0 ? 'warn' : 'muted'}>
        {s.warningCount} warning{s.warningCount === 1 ? '' : 's'}; skipped {s.skipped.images} image and {s.skipped.pairs} pair files.
      </p>
      {result.warnings.length > 0 ? (
        <details>
          <summary>First {result.warnings.length} warnings</summary>
          <ul className="warnings">
            {result.warnings.map((w, i) => (
              <li key={i}>
                <code>{w.file}</code> <code>{w.field}</code>: {w.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  )
}
