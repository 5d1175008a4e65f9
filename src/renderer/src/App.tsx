import { lazy, Suspense } from 'react'
import { Nav } from './shell/Nav'
import { Placeholder } from './shell/Placeholder'
import { StatusBar } from './shell/StatusBar'
import { useRoute } from './shell/route'
import type { Route } from './shell/route'
import { AnnotateView } from './views/annotate/AnnotateView'
import { DatasetsView } from './views/datasets/DatasetsView'
import { HealthView } from './views/health/HealthView'
import { ReportsView } from './views/reports/ReportsView'
import { TrainingView } from './views/training/TrainingView'
import { TransferView } from './views/transfer/TransferView'

/** three.js and r3f are only fetched when the Meshes view opens: the other views start without them. */
const MeshesView = lazy(() => import('./views/meshes/MeshesView').then((m) => ({ default: m.MeshesView })))

function View({ route }: { route: Route }): React.JSX.Element {
  switch (route.area.id) {
    case 'datasets':
      return <DatasetsView route={route} />
    case 'annotate':
      return <AnnotateView route={route} />
    case 'transfer':
      return <TransferView route={route} />
    case 'meshes':
      return (
        <Suspense fallback={<p className="muted">Loading the 3-D viewer…</p>}>
          <MeshesView route={route} />
        </Suspense>
      )
    case 'training':
      return <TrainingView route={route} />
    case 'reports':
      return <ReportsView route={route} />
    case 'health':
      return <HealthView />
    default:
      return <Placeholder area={route.area} />
  }
}

export function App(): React.JSX.Element {
  const route = useRoute()
  return (
    <div className="app">
      <Nav current={route.area} />
      <main className="main">
        <View route={route} />
      </main>
      <StatusBar />
    </div>
  )
}
