import { useMemo, useState } from 'react'
import type { AssetView } from '../../../../shared/ipc/channels/assets'
import { useClient } from '../../client'
import { useQuery } from '../../client/use-query'
import { keypointColour } from '../../lib/palette'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { patchParams } from '../../shell/route'
import type { Route } from '../../shell/route'
import { keypointFileOf, mirrorPairs, moveKeypoint, placeKeypoint, removeKeypoint } from './asset-keypoints'
import type { KeypointDraft } from './asset-keypoints'
import { MeshCanvas } from './MeshCanvas'
import type { SceneMarker, SceneMesh } from './MeshCanvas'
import { bounds } from './mesh-math'
import type { Vec3 } from './mesh-math'

const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path

function draftOf(view: AssetView): KeypointDraft {
  const k = view.keypoints
  const first = view.primitives[0]!
  return k
    ? { mesh: k.mesh, primitive: k.primitive, keypoints: k.keypoints, mirror: k.mirror, ...(k.category ? { category: k.category } : {}), credits: k.credits }
    : { mesh: first.mesh, primitive: first.primitive, keypoints: [], mirror: {}, credits: [] }
}

/**
 * The Meshes view's "keypoints of an asset" mode: open a .glb (a path on the studio machine),
 * click vertices of its rest pose to name them, save the keypoint file beside the asset; that
 * file is what `datasets make --keypoints` renders a benchmark from. Route parameter: asset.
 */
export function AssetKeypoints({ route }: { route: Route }): React.JSX.Element {
  const client = useClient()
  const assetPath = route.params.get('asset')
  const [pathInput, setPathInput] = useState(assetPath ?? '')
  const view = useQuery('assets.open', assetPath ? { path: assetPath } : null)
  const [draft, setDraft] = useState<KeypointDraft | null>(null)
  const [pick, setPick] = useState<{ mesh: string; primitive: number; vertex: number } | null>(null)
  const [name, setName] = useState('')
  const [editError, setEditError] = useState<string | null>(null)
  const [saveError, setSaveError] = useState<Error | string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)

  // A newly opened asset (or its reload) starts the draft from its keypoint file.
  const [openedFrom, setOpenedFrom] = useState<AssetView | null>(null)
  if (view.data !== openedFrom) {
    setOpenedFrom(view.data)
    setDraft(view.data ? draftOf(view.data) : null)
    setPick(null)
    setSaved(null)
  }

  const scene = useMemo(() => {
    const data = view.data
    if (!data) return null
    const b = bounds(data.primitives.flatMap((p) => p.vertices))
    const offset: Vec3 = [-b.centre[0], -b.centre[1], -b.centre[2]]
    // Texture colours are sRGB; three.js takes vertex colours as linear, so decode them to look as the asset does.
    const meshes: SceneMesh[] = data.primitives.map((p) => ({
      key: `${p.mesh}/${p.primitive}`,
      vertices: p.vertices,
      faces: p.faces,
      colours: Float32Array.from(p.colours, (c) => c ** 2.2),
      offset,
    }))
    return { meshes, offset, radius: b.radius, view: { target: [0, 0, 0] as Vec3, halfWidth: 0.7 * b.radius, halfHeight: 0.7 * b.radius, direction: [1, 0.45, 0.9] as Vec3 } }
  }, [view.data])

  const at = (mesh: string, primitive: number, vertex: number): Vec3 | null => {
    const p = view.data?.primitives.find((q) => q.mesh === mesh && q.primitive === primitive)
    if (!p || !scene || vertex >= p.vertexCount) return null
    return [p.vertices[3 * vertex]! + scene.offset[0], p.vertices[3 * vertex + 1]! + scene.offset[1], p.vertices[3 * vertex + 2]! + scene.offset[2]]
  }
  const markers: SceneMarker[] = []
  draft?.keypoints.forEach((k, id) => {
    const position = at(draft.mesh, draft.primitive, k.vertex)
    if (position) markers.push({ key: k.name, position, colour: keypointColour(id) })
  })
  const pickedAt = pick ? at(pick.mesh, pick.primitive, pick.vertex) : null
  if (pickedAt) markers.push({ key: '(picked)', position: pickedAt, colour: '#ffffff' })

  const open = (e: React.FormEvent): void => {
    e.preventDefault()
    patchParams(route, { asset: pathInput.trim() || null })
  }
  const edit = (next: KeypointDraft | string): void => {
    if (typeof next === 'string') setEditError(next)
    else {
      setEditError(null)
      setDraft(next)
      setSaved(null)
    }
  }
  const save = async (): Promise<void> => {
    if (!draft || !view.data || !assetPath) return
    setSaveError(null)
    const file = keypointFileOf(draft, fileName(assetPath))
    if (typeof file === 'string') {
      setSaveError(file)
      return
    }
    try {
      const r = await client.call('assets.saveKeypoints', { path: view.data.keypointsPath, assetPath, file })
      setSaved(`${r.keypoints} keypoint${r.keypoints === 1 ? '' : 's'} saved to ${r.path}`)
    } catch (error) {
      setSaveError(error as Error)
    }
  }

  const mirror = draft ? mirrorPairs(draft.keypoints, draft.mirror) : {}
  return (
    <>
      <section className="panel">
        <h1>Keypoints of an asset</h1>
        <p className="muted">
          Open a binary glTF (.glb) on the studio machine, click a vertex of its rest pose, name it, and save: <code>semagic datasets make --keypoints FILE</code> then renders a
          benchmark from its animations with these vertices as keypoints. Names <code>left_…</code> and <code>right_…</code> are paired as mirror twins.
        </p>
        <form className="form wide" aria-label="Open an asset" onSubmit={open}>
          <div className="form-row">
            <label className="field">
              Asset (.glb, absolute path on the studio machine)
              <input value={pathInput} onChange={(e) => setPathInput(e.target.value)} placeholder="/data/assets/Fox.glb" spellCheck={false} name="asset" />
            </label>
            <button type="submit" disabled={pathInput.trim() === ''}>
              Open
            </button>
          </div>
        </form>
        <ErrorAlert error={view.error} context="asset" />
        <ErrorAlert error={view.data?.keypointsError ?? null} context="its keypoint file (starting afresh)" />
        {view.loading ? <p className="muted" role="status">Reading the asset…</p> : null}
      </section>
      {scene && view.data && draft ? (
        <section className="panel meshes-layout" aria-label="Asset keypoints">
          <div>
            <h2>
              {fileName(view.data.path)}
              <span className="muted">
                {view.data.primitives.reduce((n, p) => n + p.vertexCount, 0)} vertices, animations: {view.data.animations.map((a) => a.name).join(', ') || 'none'}; drag to orbit, click to pick a
                vertex
              </span>
            </h2>
            <MeshCanvas
              meshes={scene.meshes}
              lines={[]}
              picked={null}
              markers={markers}
              view={scene.view}
              onPick={(k, vertex) => {
                const p = view.data!.primitives[k]!
                setPick({ mesh: p.mesh, primitive: p.primitive, vertex })
              }}
              label={`3-D view: ${fileName(view.data.path)} in its rest pose`}
            />
          </div>
          <div className="stack" aria-label="Keypoint list">
            <p data-testid="asset-picked-vertex">
              {pick ? (
                <>
                  Picked vertex <strong>{pick.vertex}</strong> of “{pick.mesh}” primitive {pick.primitive}
                </>
              ) : (
                <span className="muted">Click the mesh to pick a vertex.</span>
              )}
            </p>
            <form
              className="row"
              aria-label="Name the picked vertex"
              onSubmit={(e) => {
                e.preventDefault()
                if (!pick) return
                edit(placeKeypoint(draft, name.trim(), pick))
                setName('')
              }}
            >
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder="left_ear_tip" spellCheck={false} name="keypoint-name" aria-label="Keypoint name" />
              <button type="submit" disabled={!pick || name.trim() === ''}>
                Name it
              </button>
            </form>
            <ErrorAlert error={editError} onDismiss={() => setEditError(null)} />
            <div className="asset-keypoint-list">
              <table className="table table-compact" data-testid="asset-keypoints">
                <thead>
                  <tr>
                    <th>id</th>
                    <th>name</th>
                    <th>vertex</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {draft.keypoints.map((k, id) => {
                    const twin = mirror[k.name] ?? Object.entries(mirror).find(([, b]) => b === k.name)?.[0]
                    return (
                      <tr key={k.name}>
                        <td>
                          <span className="swatch" style={{ background: keypointColour(id) }} /> {id}
                        </td>
                        <td>
                          {k.name}
                          {twin ? <span className="muted small"> ↔ {twin}</span> : null}
                        </td>
                        <td>{k.vertex}</td>
                        <td className="nowrap">
                          <button type="button" aria-label={`Move ${k.name} up`} disabled={id === 0} onClick={() => edit(moveKeypoint(draft, k.name, -1))}>
                            ↑
                          </button>
                          <button type="button" aria-label={`Remove ${k.name}`} onClick={() => edit(removeKeypoint(draft, k.name))}>
                            ✕
                          </button>
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
            <div className="row">
              <button type="button" disabled={draft.keypoints.length === 0} onClick={() => void save()}>
                Save keypoints
              </button>
              <span className="muted small">{view.data.keypointsPath}</span>
            </div>
            <ErrorAlert error={saveError} context="save" onDismiss={() => setSaveError(null)} />
            {saved ? (
              <p role="status" data-testid="keypoints-saved">
                {saved}
              </p>
            ) : null}
          </div>
        </section>
      ) : null}
    </>
  )
}
