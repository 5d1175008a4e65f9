import type { Progress } from '../../../../shared/ipc/channels/jobs'
import { duration } from '../../lib/format'

/** A slow call (features to compute, meshes to fit) says how far it is and can be stopped. */
export function CallProgress({ method, progress, onCancel }: { method: string; progress: Progress | null; onCancel: () => void }): React.JSX.Element {
  const fraction = progress && progress.total ? Math.min(1, progress.done / progress.total) : undefined
  return (
    <span className="row" data-testid={`progress-${method}`}>
      transferring…
      <progress max={1} value={fraction} aria-label={`progress of ${method}`} />
      {progress ? (
        <span data-testid="call-progress">
          {progress.message ? `${progress.message}: ` : ''}
          {progress.done}
          {progress.total !== null ? ` / ${progress.total}` : ''} {progress.unit}
          {progress.etaSec !== null ? `, ETA ${duration(progress.etaSec)}` : ''}
        </span>
      ) : null}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </span>
  )
}
