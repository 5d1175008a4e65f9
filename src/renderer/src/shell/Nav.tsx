import { AREAS } from './areas'
import type { Area } from './areas'

export function Nav({ current }: { current: Area }): React.JSX.Element {
  return (
    <nav className="nav" aria-label="Studio areas">
      <div className="brand">SEMAGIC</div>
      <ul>
        {AREAS.map((area) => (
          <li key={area.id}>
            <a href={`#/${area.id}`} aria-current={area.id === current.id ? 'page' : undefined}>
              {area.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
