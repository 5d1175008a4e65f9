import type { Area } from './areas'

/** Areas whose view has not been built yet say so plainly. */
export function Placeholder({ area }: { area: Area }): React.JSX.Element {
  return (
    <section className="panel">
      <h1>{area.label}</h1>
      <p>{area.purpose}</p>
      <p className="muted">This view is not built yet.</p>
    </section>
  )
}
