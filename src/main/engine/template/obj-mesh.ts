/** A triangle mesh as a template start reads it. */
export interface TriangleMesh {
  positions: Float64Array
  faces: Uint32Array
}

/**
 * The vertices and faces of a Wavefront OBJ text (`v x y z`, `f a b c ...` with optional
 * /texture/normal parts and negative indices; polygons become fans; everything else is skipped).
 * A bad line throws naming `file`, the line number and the field.
 */
export function parseObjMesh(text: string, file: string): TriangleMesh {
  const positions: number[] = []
  const faces: number[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, k) => {
    const where = `${file}:${k + 1}`
    const parts = raw.trim().split(/\s+/)
    if (parts[0] === 'v') {
      const xyz = parts.slice(1, 4).map(Number)
      if (xyz.length !== 3 || !xyz.every(Number.isFinite)) throw new Error(`${where}: vertex needs three finite coordinates, got "${raw.trim()}"`)
      positions.push(...xyz)
    } else if (parts[0] === 'f') {
      const count = positions.length / 3
      const ids = parts.slice(1).map((p) => {
        const v = Number(p.split('/')[0])
        const id = v < 0 ? count + v : v - 1
        if (!Number.isInteger(v) || v === 0 || id < 0 || id >= count) throw new Error(`${where}: face index "${p}" is not a vertex defined above (1 to ${count}, or negative from the last)`)
        return id
      })
      if (ids.length < 3) throw new Error(`${where}: a face needs at least three vertices, got ${ids.length}`)
      for (let i = 1; i + 1 < ids.length; i++) faces.push(ids[0]!, ids[i]!, ids[i + 1]!)
    }
  })
  if (faces.length === 0) throw new Error(`${file}: no faces`)
  return { positions: Float64Array.from(positions), faces: Uint32Array.from(faces) }
}
