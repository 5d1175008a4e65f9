import { useState } from 'react'
import type { ResponseOf } from '../../../../shared/ipc/contract'
import { useClient } from '../../client'
import { ErrorAlert } from '../../shell/ErrorAlert'

/**
 * Brings finished run folders trained elsewhere (a cluster's shared disk, another machine) into
 * this workspace: absolute paths, one per line. Each refused folder says why; the rest come in.
 */
export function ImportRunsForm({ onImported }: { onImported: () => void }): React.JSX.Element {
  const client = useClient()
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<ResponseOf<'runs.import'> | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const folders = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

  const submit = (e: React.FormEvent): void => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setResult(null)
    client.call('runs.import', { folders }).then(
      (r) => {
        setResult(r)
        setBusy(false)
        if (r.imported.length > 0) onImported()
      },
      (err: Error) => {
        setError(err)
        setBusy(false)
      },
    )
  }

  return (
    <form className="form wide" onSubmit={submit} aria-label="Import run folders">
      <h2 className="small-h">Import run folders</h2>
      <label>
        Run folders (absolute paths, one per line)
        <textarea rows={2} value={text} onChange={(e) => setText(e.target.value)} name="folders" spellCheck={false} placeholder="/shared/workspace/runs/bird-semagic-seed0-…" />
      </label>
      <button type="submit" disabled={busy || folders.length === 0}>
        Import run folders
      </button>
      <ErrorAlert error={error} context="import" />
      {result ? (
        <p role="status">
          {result.imported.length} imported{result.imported.some((r) => r.copied) ? ` (${result.imported.filter((r) => r.copied).length} copied into this workspace)` : ''}
          {result.refused.length > 0 ? `, ${result.refused.length} refused` : ''}
        </p>
      ) : null}
      {result?.refused.map((r) => <ErrorAlert key={r.folder} error={r.message} context={r.folder} />)}
    </form>
  )
}
