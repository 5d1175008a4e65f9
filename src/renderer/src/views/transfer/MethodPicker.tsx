import { useState } from 'react'
import { methodColour } from '../../lib/palette'

/**
 * The methods to compare: every suggestion as a checkbox (evaluated methods, the data set's
 * trained runs as mesh:/hybrid:, the NN baselines), plus any method typed by name.
 */
export function MethodPicker({
  candidates,
  selected,
  onChange,
}: {
  candidates: readonly string[]
  selected: readonly string[]
  onChange: (methods: string[]) => void
}): React.JSX.Element {
  const [typed, setTyped] = useState('')
  const all = [...selected, ...candidates.filter((c) => !selected.includes(c))]
  const add = (): void => {
    const m = typed.trim()
    if (m && !selected.includes(m)) onChange([...selected, m])
    setTyped('')
  }
  return (
    <div className="row method-picker" role="group" aria-label="Methods">
      <span className="muted">Methods:</span>
      {all.map((m) => {
        const i = selected.indexOf(m)
        return (
          <label key={m} className="check">
            <input
              type="checkbox"
              checked={i >= 0}
              onChange={(e) => onChange(e.target.checked ? [...selected, m] : selected.filter((s) => s !== m))}
            />
            {i >= 0 ? <span className="swatch" style={{ background: methodColour(i) }} /> : null}
            {m}
          </label>
        )
      })}
      <form
        className="row"
        aria-label="Add method"
        onSubmit={(e) => {
          e.preventDefault()
          add()
        }}
      >
        <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="nn-pretrained, mesh:<run>…" aria-label="Method name" />
        <button type="submit" disabled={!typed.trim()}>
          Add
        </button>
      </form>
    </div>
  )
}
