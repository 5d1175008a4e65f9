import { useEffect, useMemo, useState } from 'react'
import type { InstanceMesh, MeshData, MeshFormat } from '../../../../shared/ipc/channels/meshes'
import { modelLabel } from '../../../../shared/ipc/channels/train'
import { useClient } from '../../client'
import { useQuery } from '../../client/use-query'
import { downloadBlob } from '../../lib/download'
import { keypointColour } from '../../lib/palette'
import { ErrorAlert } from '../../shell/ErrorAlert'
import { patchParams } from '../../shell/route'
import type { Route } from '../../shell/route'
import { AssetKeypoints } from './AssetKeypoints'
import { ImageOverlay } from './ImageOverlay'
import { MeshCanvas } from './MeshCanvas'
import type { SceneLine, SceneMesh } from './MeshCanvas'
import { bounds, COLOUR_MODES, isColourMode, vertexColours } from './mesh-math'
import type { ColourMode, Vec3 } from './mesh-math'
import { VertexPanel } from './VertexPanel'

type Show = 'canonical' | 'instance' | 'pair'
const SHOWS: readonly { id: Show; label: string }[] = [
  { id: 'canonical', label: 'canonical' },
  { id: 'instance', label: 'instance' },
  { id: 'pair', label: 'source + target' },
]

/** Correspondence lines drawn besides the keypoints' and the picked vertex's: an even sample of the rest. */
const SAMPLE_LINES = 24

function Tabs<T extends string>({ label, options, value, onChange }: { label: string; options: readonly { id: T; label: string }[]; value: T; onChange: (v: T) => void }): React.JSX.Element {
  return (
    <div className="tabs row" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.id} type="button" aria-pressed={value === o.id} onClick={() => onChange(o.id)}>
          {o.label}
        </button>
      ))}
    </div>
  )
}

function ImageSelect({ label, value, stems, onChange }: { label: string; value: string | null; stems: readonly string[]; onChange: (stem: string | null) => void }): React.JSX.Element {
  return (
    <label className="field">
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">(none)</option>
        {stems.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </label>
  )
}

type Mode = 'runs' | 'asset'
const MODES: readonly { id: Mode; label: string }[] = [
  { id: 'runs', label: 'meshes of a run' },
  { id: 'asset', label: 'keypoints of an asset' },
]

/** Route parameter mode: runs (a trained run's meshes, the default) or asset (naming an asset's keypoints). */
export function MeshesView({ route }: { route: Route }): React.JSX.Element {
  const mode: Mode = route.params.get('mode') === 'asset' ? 'asset' : 'runs'
  return (
    <div className="stack">
      <Tabs label="Mode" options={MODES} value={mode} onChange={(v) => patchParams(route, { mode: v === 'runs' ? null : v })} />
      {mode === 'asset' ? <AssetKeypoints route={route} /> : <RunMeshes route={route} />}
    </div>
  )
}

/**
 * Route parameters: run, dataset, src and trg (image stems of the run's category), show
 * (canonical | instance | pair), colour (pca | index | deformation | visibility).
 */
function RunMeshes({ route }: { route: Route }): React.JSX.Element {
  const client = useClient()
  const runs = useQuery('train.runs', {})
  const datasets = useQuery('datasets.list', {})
  const finished = useMemo(() => (runs.data ?? []).filter((r) => r.status === 'succeeded'), [runs.data])
  const runId = route.params.get('run')
  const run = finished.find((r) => r.id === runId) ?? null

  // The newest finished run, until the user picks one.
  useEffect(() => {
    if (!runId && finished.length > 0) patchParams(route, { run: finished[0]!.id }, { replace: true })
  }, [runId, finished, route])

  const dataset = route.params.get('dataset') ?? run?.config.dataset ?? null
  const category = run?.config.category ?? null
  const src = route.params.get('src')
  const trg = route.params.get('trg')
  const colour: ColourMode = isColourMode(route.params.get('colour')) ? (route.params.get('colour') as ColourMode) : 'pca'
  const showParam = route.params.get('show')
  const show: Show = showParam === 'canonical' || showParam === 'instance' || showParam === 'pair' ? showParam : trg && src ? 'pair' : src ? 'instance' : 'canonical'

  const images = useQuery('datasets.images', dataset && category ? { name: dataset, category, limit: 1000 } : null)
  const canonical = useQuery('meshes.canonical', run ? { runId: run.id } : null)
  // The source is fitted on the canonical view too: it lends the template its visibility, deformation and keypoints.
  const wantSrc = run && dataset && category && src
  const wantTrg = run && dataset && category && trg && show === 'pair'
  const source = useQuery('meshes.instance', wantSrc ? { runId: run.id, dataset, image: { category, stem: src } } : null)
  const target = useQuery('meshes.instance', wantTrg ? { runId: run.id, dataset, image: { category, stem: trg } } : null)

  const [pick, setPick] = useState<{ mesh: string; vertex: number } | null>(null)
  const [exportError, setExportError] = useState<Error | null>(null)
  const [exporting, setExporting] = useState(false)

  // What the 3-D view shows, in order; each with the instance it comes from (null: canonical).
  const shown: { key: string; label: string; data: MeshData; instance: InstanceMesh | null }[] = useMemo(() => {
    if (show === 'canonical') return canonical.data ? [{ key: 'canonical', label: 'canonical template', data: canonical.data, instance: null }] : []
    const out: { key: string; label: string; data: MeshData; instance: InstanceMesh | null }[] = []
    if (source.data) out.push({ key: 'source', label: `source ${source.data.image.stem}`, data: source.data, instance: source.data })
    if (show === 'pair' && target.data) out.push({ key: 'target', label: `target ${target.data.image.stem}`, data: target.data, instance: target.data })
    return out
  }, [show, canonical.data, source.data, target.data])

  // The canonical mesh borrows the chosen source image's visibility and deformation when there is one: vertex i is the same point on both.
  const lent = (m: { data: MeshData; instance: InstanceMesh | null }): { deformation: readonly number[]; visible: readonly number[] | null } =>
    m.instance ? m.instance : source.data ? source.data : { deformation: m.data.deformation, visible: null }
  const colours = useMemo(
    () =>
      shown.map((m) => {
        const { deformation, visible } = lent(m)
        return vertexColours({ vertexCount: m.data.vertexCount, pcaColours: m.data.pcaColours, deformation, visible }, colour)
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- lent() reads source.data, listed
    [shown, colour, source.data],
  )
  const legend = useMemo(() => {
    const m = shown[0]
    if (!m) return ''
    const { deformation, visible } = lent(m)
    const from = m.instance ? '' : source.data ? ` (of ${source.data.image.stem}, lent to the template)` : ''
    if (colour === 'pca') return `RGB = the first 3 PCA components of the ${m.data.featureDims}-d vertex features, scaled over the template`
    if (colour === 'index') return `hue from vertex 0 (red) to vertex ${m.data.vertexCount - 1} (magenta)`
    if (colour === 'deformation') return `|V − V0| from 0 (dark violet) to ${Math.max(0, ...deformation).toFixed(3)} (yellow)${from}${!m.instance && !source.data ? ': the template is undeformed; choose a source image' : ''}`
    return visible ? `green: visible from the fitted camera, grey: hidden${from}` : 'no camera: choose a source image to see what it shows of the template'
    // eslint-disable-next-line react-hooks/exhaustive-deps -- lent() reads source.data, listed
  }, [shown, colour, source.data])

  // Side by side along the model's forward axis (z), seen from its left (+x): each mesh in profile.
  const scene = useMemo(() => {
    const b = shown.map((m) => bounds(m.data.vertices))
    const gap = shown.length > 1 ? Math.max(...b.map((x) => x.radius)) * 1.1 : 0
    const meshes: SceneMesh[] = shown.map((m, k) => {
      const z = shown.length > 1 ? (k === 0 ? gap : -gap) : 0
      const c = b[k]!.centre
      return { key: m.key, vertices: m.data.vertices, faces: m.data.faces, colours: colours[k]!, offset: [-c[0], -c[1], z - c[2]] as Vec3 }
    })
    const radius = Math.max(...b.map((x) => x.radius), 0.1)
    const direction: Vec3 = shown.length > 1 ? [1, 0.35, 0] : [1, 0.45, 0.9]
    return { meshes, view: { target: [0, 0, 0] as Vec3, halfWidth: gap + 0.8 * radius, halfHeight: 0.8 * radius, direction } }
  }, [shown, colours])

  const pickedMesh = shown.find((m) => m.key === pick?.mesh) ?? shown[0] ?? null
  const picked = pick && pickedMesh && pick.vertex < pickedMesh.data.vertexCount ? pick.vertex : null

  const lines: SceneLine[] = useMemo(() => {
    if (scene.meshes.length < 2 || !source.data) return []
    const [a, b] = scene.meshes as [SceneMesh, SceneMesh]
    const at = (m: SceneMesh, i: number): Vec3 => [m.vertices[3 * i]! + m.offset[0], m.vertices[3 * i + 1]! + m.offset[1], m.vertices[3 * i + 2]! + m.offset[2]]
    const out: SceneLine[] = source.data.keypoints.flatMap((k) => (k.vertex === null ? [] : [{ from: at(a, k.vertex), to: at(b, k.vertex), colour: keypointColour(k.id) }]))
    const n = source.data.vertexCount
    const visible = source.data.visible
    for (let s = 0; s < SAMPLE_LINES; s++) {
      const i = Math.floor(((s + 0.5) * n) / SAMPLE_LINES)
      if (visible[i]) out.push({ from: at(a, i), to: at(b, i), colour: '#8a94a6' })
    }
    if (picked !== null) out.push({ from: at(a, picked), to: at(b, picked), colour: '#ffffff' })
    return out
  }, [scene.meshes, source.data, picked])

  const instances = [source.data && show !== 'canonical' ? { label: `source ${source.data.image.stem}`, mesh: source.data } : null, target.data && show === 'pair' ? { label: `target ${target.data.image.stem}`, mesh: target.data } : null].filter(
    (x): x is { label: string; mesh: InstanceMesh } => x !== null,
  )
  // On the canonical mesh, the keypoints of the chosen source image (if it was fitted already).
  const carriers = show === 'canonical' && source.data ? [{ label: `source ${source.data.image.stem}`, mesh: source.data }] : instances

  const exportMesh = async (format: MeshFormat): Promise<void> => {
    if (!run) return
    setExportError(null)
    setExporting(true)
    try {
      const instance = show !== 'canonical' && dataset && category && src ? { dataset, image: { category, stem: src } } : {}
      const r = await client.call('meshes.export', { runId: run.id, format, ...instance })
      const bytes = Uint8Array.from(atob(r.base64 ?? ''), (c) => c.charCodeAt(0))
      downloadBlob(r.suggestedName, new Blob([bytes], { type: format === 'obj' ? 'text/plain' : 'model/gltf-binary' }))
    } catch (error) {
      setExportError(error as Error)
    } finally {
      setExporting(false)
    }
  }

  const stems = images.data?.items.map((i) => i.stem) ?? []
  const loading = (wantSrc && source.loading) || (wantTrg && target.loading)
  return (
    <div className="stack">
      <section className="panel">
        <h1>Meshes</h1>
        <ErrorAlert error={runs.error} context="training runs" />
        <ErrorAlert error={datasets.error} context="data sets" />
        {runs.data && finished.length === 0 ? <p className="muted">No finished training run yet: train one in the Training view, then come back.</p> : null}
        <ErrorAlert error={runId && runs.data && finished.length > 0 && !run ? `run ${runId} is not a finished training run; choose one below` : null} context="run" />
        <form className="form wide" aria-label="Choose meshes" onSubmit={(e) => e.preventDefault()}>
          <div className="form-row">
            <label className="field">
              Run
              <select value={run?.id ?? ''} onChange={(e) => patchParams(route, { run: e.target.value, src: null, trg: null })}>
                {finished.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.id} ({modelLabel(r.config)}, {r.config.category})
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Data set
              <select value={dataset ?? ''} onChange={(e) => patchParams(route, { dataset: e.target.value, src: null, trg: null })}>
                {(datasets.data ?? []).map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <ImageSelect label="Source image" value={src} stems={stems} onChange={(v) => patchParams(route, { src: v, show: v ? (trg ? 'pair' : 'instance') : 'canonical' })} />
            <ImageSelect label="Target image" value={trg} stems={stems} onChange={(v) => patchParams(route, { trg: v, show: v && src ? 'pair' : src ? 'instance' : 'canonical' })} />
          </div>
        </form>
        <div className="toolbar">
          <Tabs label="Show" options={SHOWS.filter((s) => s.id === 'canonical' || (s.id === 'instance' && src) || (s.id === 'pair' && src && trg))} value={show} onChange={(v) => patchParams(route, { show: v })} />
          <Tabs label="Colour by" options={COLOUR_MODES} value={colour} onChange={(v) => patchParams(route, { colour: v })} />
          <div className="row">
            <button type="button" disabled={!run || exporting} onClick={() => void exportMesh('obj')}>
              Export OBJ
            </button>
            <button type="button" disabled={!run || exporting} onClick={() => void exportMesh('glb')}>
              Export glTF
            </button>
          </div>
        </div>
        <ErrorAlert error={exportError} context="export" onDismiss={() => setExportError(null)} />
        <ErrorAlert error={canonical.error} context="canonical mesh" />
        <ErrorAlert error={source.error} context={`instance mesh of ${src}`} />
        <ErrorAlert error={target.error} context={`instance mesh of ${trg}`} />
        {loading ? (
          <p className="muted" role="status">
            Fitting the image{wantSrc && wantTrg ? 's' : ''} with the run’s model (once; cached afterwards)…
          </p>
        ) : null}
      </section>
      {scene.meshes.length > 0 ? (
        <section className="panel meshes-layout" aria-label="Mesh view">
          <div>
            <h2>
              {shown.map((m) => m.label).join(' ↔ ')}
              <span className="muted">
                {shown[0]!.data.vertexCount} vertices, {shown[0]!.data.variant}; drag to orbit, wheel to zoom, click to pick a vertex
              </span>
            </h2>
            <MeshCanvas
              meshes={scene.meshes}
              lines={lines}
              picked={picked}
              view={scene.view}
              onPick={(k, vertex) => setPick({ mesh: shown[k]!.key, vertex })}
              label={`3-D view: ${shown.map((m) => m.label).join(', ')}`}
            />
            <p className="muted small" data-testid="colour-legend">
              {legend}
            </p>
          </div>
          <VertexPanel vertex={picked} mesh={pickedMesh?.data ?? null} meshLabel={pickedMesh?.label ?? ''} instances={carriers} />
        </section>
      ) : null}
      {show !== 'canonical' && instances.length > 0 ? (
        <section className="panel" aria-label="Projected meshes">
          <h2>Projected onto the image{instances.length > 1 ? 's' : ''}</h2>
          <div className="mesh-overlays">
            {instances.map(({ label, mesh }, k) => (
              <ImageOverlay
                key={label}
                mesh={mesh}
                colours={colours[shown.findIndex((m) => m.instance === mesh)] ?? colours[k]!}
                picked={picked}
                onPick={(vertex) => setPick({ mesh: k === 0 ? 'source' : 'target', vertex })}
                label={`${label} with its projected mesh`}
              />
            ))}
          </div>
        </section>
      ) : null}
    </div>
  )
}
