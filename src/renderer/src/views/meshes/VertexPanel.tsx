import type { InstanceMesh, MeshData } from '../../../../shared/ipc/channels/meshes'
import { keypointColour } from '../../lib/palette'

interface Props {
  vertex: number | null
  /** The mesh the vertex was picked on (its features and deformation are read there). */
  mesh: MeshData | null
  meshLabel: string
  /** Instance meshes whose annotated keypoints may land on the vertex. */
  instances: readonly { label: string; mesh: InstanceMesh }[]
}

/** What one vertex is: its id, position, deformation, visibility, leading feature dims and the keypoints it carries. */
export function VertexPanel({ vertex, mesh, meshLabel, instances }: Props): React.JSX.Element {
  if (vertex === null || !mesh) {
    return (
      <aside className="vertex-panel" aria-label="Vertex">
        <p className="muted">Click the mesh (or the image) to pick a vertex.</p>
      </aside>
    )
  }
  const h = mesh.featureHead
  const feature = mesh.features.slice(vertex * h, (vertex + 1) * h)
  const p = mesh.vertices.slice(3 * vertex, 3 * vertex + 3)
  const visible = 'visible' in mesh ? (mesh as InstanceMesh).visible[vertex] === 1 : null
  const carried = instances.flatMap(({ label, mesh: m }) => m.keypoints.filter((k) => k.vertex === vertex).map((k) => ({ label, k })))
  return (
    <aside className="vertex-panel" aria-label="Vertex">
      <h3 data-testid="picked-vertex">vertex {vertex}</h3>
      <dl className="facts small">
        <div>
          <dt>on</dt>
          <dd>{meshLabel}</dd>
        </div>
        <div>
          <dt>position</dt>
          <dd>{p.map((v) => v.toFixed(3)).join(', ')}</dd>
        </div>
        <div>
          <dt>deformation</dt>
          <dd>{mesh.deformation[vertex]!.toFixed(4)}</dd>
        </div>
        {visible !== null ? (
          <div>
            <dt>visible</dt>
            <dd>{visible ? 'yes' : 'no'}</dd>
          </div>
        ) : null}
        <div>
          <dt>feature</dt>
          <dd data-testid="vertex-feature">
            [{feature.map((v) => v.toFixed(3)).join(', ')}
            {mesh.featureDims > h ? `, … ${mesh.featureDims - h} more` : ''}]
          </dd>
        </div>
        <div>
          <dt>source</dt>
          <dd>{mesh.featureSource === 'per-vertex' ? 'learned per vertex (Φ)' : 'feature field at the vertex'}</dd>
        </div>
      </dl>
      <h4>Keypoints it carries</h4>
      {instances.length === 0 ? <p className="muted small">Choose an image to see which of its annotated keypoints land on this vertex.</p> : null}
      {instances.length > 0 && carried.length === 0 ? <p className="muted small">None of the shown images’ annotated keypoints lands on it.</p> : null}
      {carried.length > 0 ? (
        <ul className="carried" data-testid="carried-keypoints">
          {carried.map(({ label, k }) => (
            <li key={`${label}-${k.id}`}>
              <span className="swatch" style={{ background: keypointColour(k.id) }} /> keypoint {k.id} of {label}
              {k.visible ? '' : ' (marked invisible)'}
            </li>
          ))}
        </ul>
      ) : null}
    </aside>
  )
}
