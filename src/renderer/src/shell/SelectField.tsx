/** A labelled choice among plain names, the shape every form's data set, category or split field takes. */
export function SelectField<T extends string>({
  label,
  name,
  value,
  options,
  onChange,
  required,
}: {
  label: string
  name: string
  value: T
  options: readonly T[]
  onChange: (value: T) => void
  required?: boolean
}): React.JSX.Element {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as T)} name={name} required={required}>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  )
}
