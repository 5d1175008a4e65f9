import { useState } from 'react'
import type { Split } from '../../../../shared/ipc/channels/datasets'
import { useQuery } from '../../client/use-query'
import { pct } from '../../lib/format'
import { mediaUrl } from '../../lib/media'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { transferHref } from '../transfer/transfer-route'

const SHOWN = 12

function Thumb({ dataset, category, stem, role }: { dataset: string; category: string; stem: string; role: string }): React.JSX.Element {
  const image = useQuery('datasets.image', { name: dataset, category, stem })
  return image.data ? (
    <img src={mediaUrl(dataset, image.data.file)} alt={`${role} ${stem}`} loading="lazy" draggable={false} />
  ) : (
    <span className="muted" title={image.error?.message}>
      {image.error ? 'no image' : '…'}
    </span>
  )
}

/**
 * The pairs a method got most wrong (lowest PCK at alpha, then largest mean error), each a link
 * into the Transfer view with that pair and method selected.
 */
export function WorstPairs({ dataset, split, methods, alpha }: { dataset: string; split: Split; methods: readonly string[]; alpha: string }): React.JSX.Element {
  const [chosen, setChosen] = useState<string | null>(null)
  const method = chosen !== null && methods.includes(chosen) ? chosen : (methods[0] ?? null)
  const a = Number(alpha)
  const q = useQuery('eval.pairs', method ? { dataset, split, method, alpha: a, limit: SHOWN } : null)
  return (
    <section aria-label="Worst pairs">
      <div className="toolbar">
        <h3>Worst pairs</h3>
        <label className="field">
          Method
          <select aria-label="Worst pairs of" value={method ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {methods.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        {q.data ? (
          <span className="muted">
            {Math.min(SHOWN, q.data.total)} of {q.data.total} pairs, lowest PCK@{alpha} first
          </span>
        ) : null}
      </div>
      <ErrorAlert error={q.error} context={`worst pairs of ${method ?? ''}`} />
      <div className="worst-pairs" aria-busy={q.loading}>
        {method &&
          q.data?.items.map((p, i) => (
            <a
              key={p.name}
              className="worst-pair"
              href={transferHref({ ds: dataset, split, pair: p.name, methods: [method], rank: method, alpha: a })}
              data-testid={`worst-pair-${i}`}
              data-pair={p.name}
              title={`open ${p.name} in Transfer`}
            >
              <span className="thumbs">
                <Thumb dataset={dataset} category={p.category} stem={p.srcStem} role="source" />
                <Thumb dataset={dataset} category={p.category} stem={p.trgStem} role="target" />
              </span>
              <span>
                <strong>
                  {p.category} {p.pairId}
                </strong>{' '}
                PCK@{alpha} <span data-testid="worst-pair-pck">{pct(p.pck)}</span> ({p.correct}/{p.points}) · error{' '}
                {p.meanNormError === null ? `${p.missing} missing` : p.meanNormError.toFixed(3)}
              </span>
            </a>
          ))}
      </div>
    </section>
  )
}
