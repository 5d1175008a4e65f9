export interface Area {
  id: string
  label: string
  /** What the area is for, shown until its view exists. */
  purpose: string
}

export const AREAS: readonly Area[] = [
  { id: 'datasets', label: 'Data sets', purpose: 'Browse data sets, images, pairs and keypoints; filter and save views.' },
  { id: 'annotate', label: 'Annotate', purpose: 'Move, add and hide keypoints, fix boxes, exclude and tag; every edit undoable.' },
  { id: 'meshes', label: 'Meshes', purpose: 'Inspect the category template and predicted instance meshes in 3-D.' },
  { id: 'transfer', label: 'Transfer', purpose: 'Click a source keypoint and compare every method’s predicted target.' },
  { id: 'training', label: 'Training', purpose: 'Start, watch, cancel and resume training runs.' },
  { id: 'reports', label: 'Reports', purpose: 'PCK tables and curves by category, SPair flag and keypoint.' },
  { id: 'health', label: 'Health', purpose: 'Versions, workspace, database and compute backends.' },
]

export function areaFromHash(hash: string): Area {
  const id = hash.replace(/^#\/?/, '').split('?')[0]
  return AREAS.find((a) => a.id === id) ?? AREAS[AREAS.length - 1]!
}
