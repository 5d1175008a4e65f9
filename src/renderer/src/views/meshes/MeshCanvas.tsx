import { Canvas, useThree } from '@react-three/fiber'
import { useEffect, useMemo, useRef } from 'react'
import { BufferGeometry, Color, DoubleSide, Float32BufferAttribute, Raycaster, Vector2 } from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import { pickVertex } from './mesh-math'
import type { Vec3 } from './mesh-math'

/** One mesh in the scene: its geometry, its colours, where it is placed. */
export interface SceneMesh {
  key: string
  vertices: readonly number[]
  faces: readonly number[]
  colours: Float32Array
  /** Translation added to every vertex (meshes side by side). */
  offset: Vec3
}

/** A segment between the same vertex on two meshes. */
export interface SceneLine {
  from: Vec3
  to: Vec3
  colour: string
}

interface Props {
  meshes: readonly SceneMesh[]
  lines: readonly SceneLine[]
  /** The picked vertex, drawn as a marker on every mesh (vertex i is the same surface point on all of them). */
  picked: number | null
  /** Where the camera looks and how far the scene reaches across and up; the camera is placed along `direction`. */
  view: { target: Vec3; halfWidth: number; halfHeight: number; direction: Vec3 }
  onPick: (mesh: number, vertex: number) => void
  label: string
  /** Coloured points drawn over the meshes (an asset's keypoints), in scene coordinates. */
  markers?: readonly SceneMarker[]
}

export interface SceneMarker {
  key: string
  position: Vec3
  colour: string
}

const BACKGROUND = '#20242a'
const FOV = 35
/** Screen pixels a pointer may travel between down and up and still count as a click (not an orbit drag). */
const CLICK_SLOP = 4

function MeshObject({ mesh }: { mesh: SceneMesh }): React.JSX.Element {
  const invalidate = useThree((s) => s.invalidate)
  const geometry = useMemo(() => {
    const g = new BufferGeometry()
    g.setAttribute('position', new Float32BufferAttribute(mesh.vertices as number[], 3))
    g.setIndex(mesh.faces as number[])
    g.computeVertexNormals()
    g.setAttribute('color', new Float32BufferAttribute(new Float32Array(mesh.vertices.length), 3))
    return g
  }, [mesh.vertices, mesh.faces])
  useEffect(() => () => geometry.dispose(), [geometry])
  useEffect(() => {
    const attr = geometry.getAttribute('color') as Float32BufferAttribute
    ;(attr.array as Float32Array).set(mesh.colours)
    attr.needsUpdate = true
    invalidate()
  }, [geometry, mesh.colours, invalidate])
  return (
    <mesh geometry={geometry} position={mesh.offset as [number, number, number]}>
      <meshLambertMaterial vertexColors side={DoubleSide} />
    </mesh>
  )
}

function Lines({ lines }: { lines: readonly SceneLine[] }): React.JSX.Element | null {
  const geometry = useMemo(() => {
    const g = new BufferGeometry()
    const pos = new Float32Array(6 * lines.length)
    const col = new Float32Array(6 * lines.length)
    const c = new Color()
    lines.forEach((l, k) => {
      pos.set([...l.from, ...l.to], 6 * k)
      c.set(l.colour)
      col.set([c.r, c.g, c.b, c.r, c.g, c.b], 6 * k)
    })
    g.setAttribute('position', new Float32BufferAttribute(pos, 3))
    g.setAttribute('color', new Float32BufferAttribute(col, 3))
    return g
  }, [lines])
  useEffect(() => () => geometry.dispose(), [geometry])
  if (lines.length === 0) return null
  return (
    <lineSegments geometry={geometry}>
      <lineBasicMaterial vertexColors />
    </lineSegments>
  )
}

/** Orbit controls (three's own: no drei needed) that re-render on demand, and the camera placed for the scene. */
function Controls({ view }: { view: Props['view'] }): null {
  const gl = useThree((s) => s.gl)
  const get = useThree((s) => s.get)
  const controls = useRef<OrbitControls | null>(null)
  useEffect(() => {
    const { camera, invalidate } = get()
    const c = new OrbitControls(camera, gl.domElement)
    const onChange = (): void => invalidate()
    c.addEventListener('change', onChange)
    controls.current = c
    return () => {
      c.removeEventListener('change', onChange)
      c.dispose()
    }
  }, [get, gl])
  const { target, halfWidth, halfHeight, direction } = view
  const size = useThree((s) => s.size)
  useEffect(() => {
    const { camera, invalidate } = get()
    const [dx, dy, dz] = direction
    const len = Math.hypot(dx, dy, dz) || 1
    // Far enough that the scene's half extents fit the vertical and the horizontal field of view.
    const tanV = Math.tan(((FOV / 2) * Math.PI) / 180)
    const tanH = tanV * (size.width / Math.max(1, size.height))
    const distance = Math.max(halfHeight / tanV, halfWidth / tanH) * 1.1 + halfHeight
    camera.position.set(target[0] + (dx / len) * distance, target[1] + (dy / len) * distance, target[2] + (dz / len) * distance)
    camera.near = distance / 100
    camera.far = distance * 10
    camera.updateProjectionMatrix()
    controls.current?.target.set(...target)
    controls.current?.update()
    invalidate()
  }, [get, target, halfWidth, halfHeight, direction, size])
  return null
}

/** Picks on click only: a pointer down and up close together, then one pass over the faces. */
function Picker({ meshes, onPick }: { meshes: readonly SceneMesh[]; onPick: Props['onPick'] }): null {
  const gl = useThree((s) => s.gl)
  const get = useThree((s) => s.get)
  const latest = useRef({ meshes, onPick })
  useEffect(() => {
    latest.current = { meshes, onPick }
  })
  useEffect(() => {
    const el = gl.domElement
    let down: { x: number; y: number } | null = null
    const raycaster = new Raycaster()
    const onDown = (e: PointerEvent): void => {
      down = { x: e.clientX, y: e.clientY }
    }
    const onUp = (e: PointerEvent): void => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > CLICK_SLOP) return
      down = null
      const rect = el.getBoundingClientRect()
      raycaster.setFromCamera(new Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1), get().camera)
      const { origin, direction } = raycaster.ray
      let best: { mesh: number; vertex: number; t: number } | null = null
      latest.current.meshes.forEach((m, k) => {
        const o: Vec3 = [origin.x - m.offset[0], origin.y - m.offset[1], origin.z - m.offset[2]]
        const hit = pickVertex(m.vertices, m.faces, o, [direction.x, direction.y, direction.z])
        if (hit && (!best || hit.t < best.t)) best = { mesh: k, vertex: hit.vertex, t: hit.t }
      })
      const b = best as { mesh: number; vertex: number } | null
      if (b) latest.current.onPick(b.mesh, b.vertex)
    }
    el.addEventListener('pointerdown', onDown)
    el.addEventListener('pointerup', onUp)
    return () => {
      el.removeEventListener('pointerdown', onDown)
      el.removeEventListener('pointerup', onUp)
    }
  }, [get, gl])
  return null
}

function Markers({ meshes, picked, radius, markers }: { meshes: readonly SceneMesh[]; picked: number | null; radius: number; markers: readonly SceneMarker[] }): React.JSX.Element {
  return (
    <>
      {markers.map((m) => (
        <mesh key={m.key} position={m.position as [number, number, number]}>
          <sphereGeometry args={[radius * 0.025, 12, 8]} />
          <meshBasicMaterial color={m.colour} />
        </mesh>
      ))}
      {picked !== null &&
        meshes.map((m) => (
          <mesh key={m.key} position={[m.vertices[3 * picked]! + m.offset[0], m.vertices[3 * picked + 1]! + m.offset[1], m.vertices[3 * picked + 2]! + m.offset[2]]}>
            <sphereGeometry args={[radius * 0.03, 12, 8]} />
            <meshBasicMaterial color="#ffffff" />
          </mesh>
        ))}
    </>
  )
}

/**
 * The 3-D view of one or two meshes: r3f renders on demand (a frame only after a change or an
 * orbit), so an idle view costs nothing, which matters on a 2-core machine and in SwiftShader.
 */
export function MeshCanvas({ meshes, lines, picked, view, onPick, label, markers = [] }: Props): React.JSX.Element {
  return (
    <div className="mesh-canvas" data-testid="mesh-canvas" aria-label={label} data-meshes={meshes.length}>
      <Canvas frameloop="demand" dpr={1} gl={{ preserveDrawingBuffer: true, antialias: true }} camera={{ fov: FOV, position: [0, 0, 4] }}>
        <color attach="background" args={[BACKGROUND]} />
        <ambientLight intensity={1.6} />
        <directionalLight position={[2, 3, 4]} intensity={1.4} />
        <directionalLight position={[-3, -1, -2]} intensity={0.5} />
        {meshes.map((m) => (
          <MeshObject key={m.key} mesh={m} />
        ))}
        <Lines lines={lines} />
        <Markers meshes={meshes} picked={picked} radius={view.halfHeight} markers={markers} />
        <Controls view={view} />
        <Picker meshes={meshes} onPick={onPick} />
      </Canvas>
    </div>
  )
}
