import { useEffect, useState } from 'react'
import { Nav } from './shell/Nav'
import { Placeholder } from './shell/Placeholder'
import { StatusBar } from './shell/StatusBar'
import { areaFromHash } from './shell/areas'
import { HealthView } from './views/health/HealthView'

/** Hash routing: the only kind that works under both app:// and a plain http server. */
function useArea(): ReturnType<typeof areaFromHash> {
  const [area, setArea] = useState(() => areaFromHash(window.location.hash))
  useEffect(() => {
    const onHash = (): void => setArea(areaFromHash(window.location.hash))
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  return area
}

export function App(): React.JSX.Element {
  const area = useArea()
  return (
    <div className="app">
      <Nav current={area} />
      <main className="main">{area.id === 'health' ? <HealthView /> : <Placeholder area={area} />}</main>
      <StatusBar />
    </div>
  )
}
