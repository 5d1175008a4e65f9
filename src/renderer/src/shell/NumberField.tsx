/** What a number field accepts: at least `min`, at most `max`, whole unless `integer` is false. */
export interface NumberBounds {
  min: number
  max?: number
  integer?: boolean
}

/** Whether `value` (NaN while the field is empty) is one the field accepts: what a form checks before it submits. */
export function inBounds(value: number, { min, max = Infinity, integer = true }: NumberBounds): boolean {
  return value >= min && value <= max && (!integer || Number.isInteger(value))
}

/** A labelled number input whose limits are the ones the form checks (`inBounds`). */
export function NumberField({
  label,
  name,
  value,
  bounds,
  onChange,
  title,
}: {
  label: string
  name: string
  value: number
  bounds: NumberBounds
  onChange: (value: number) => void
  title?: string
}): React.JSX.Element {
  return (
    <label title={title}>
      {label}
      <input type="number" min={bounds.min} max={bounds.max} step={bounds.integer === false ? 'any' : 1} value={value} onChange={(e) => onChange(e.target.valueAsNumber)} name={name} required />
    </label>
  )
}
