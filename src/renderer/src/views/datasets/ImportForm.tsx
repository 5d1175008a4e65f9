import { useState } from 'react'
import { ImportResult } from '../../../../shared/ipc/channels/datasets'
import type { Job } from '../../../../shared/ipc/channels/jobs'
import { useClient } from '../../client'
import { count } from '../../lib/format'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { JobProgress } from '../../shell/JobProgress'

/**
 * Index an SPair-layout folder that is already on the machine running the core: the path is the
 * core's path, which is the same machine in Electron and the GPU box behind `semagic serve`.
 */
export function ImportForm({ onImported }: { onImported: (name: string) => void }): React.JSX.Element {
  const client = useClient()
  const [root, setRoot] = useState('')
  const [name, setName] = useState('')
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
    client.call('datasets.import', { root: root.trim(), ...(name.trim() ? { name: name.trim() } : {}) }).then(
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
    <form className="form" onSubmit={submit} aria-label="Import SPair-layout folder">
      <h2>Import SPair-layout folder</h2>
      <label>
        Folder (absolute path on the studio machine)
        <input
          value={root}
          onChange={(e) => setRoot(e.target.value)}
          placeholder="/data/SPair-71k"
          required
          spellCheck={false}
          name="root"
        />
      </label>
      <label>
        Name (optional)
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="from the folder name" name="name" spellCheck={false} />
      </label>
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
