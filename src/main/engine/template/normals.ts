/** Area-weighted unit vertex normals of a mesh (zero for a vertex whose faces cancel out). */
export function vertexNormals(positions: ArrayLike<number>, faces: Uint32Array): Float64Array {
  const normals = new Float64Array(positions.length)
  for (let f = 0; f < faces.length; f += 3) {
    const a = 3 * faces[f]!
    const b = 3 * faces[f + 1]!
    const c = 3 * faces[f + 2]!
    const ux = positions[b]! - positions[a]!
    const uy = positions[b + 1]! - positions[a + 1]!
    const uz = positions[b + 2]! - positions[a + 2]!
    const vx = positions[c]! - positions[a]!
    const vy = positions[c + 1]! - positions[a + 1]!
    const vz = positions[c + 2]! - positions[a + 2]!
    const nx = uy * vz - uz * vy
    const ny = uz * vx - ux * vz
    const nz = ux * vy - uy * vx
    for (const v of [a, b, c]) {
      normals[v]! += nx
      normals[v + 1]! += ny
      normals[v + 2]! += nz
    }
  }
  for (let i = 0; i < normals.length; i += 3) {
    const l = Math.hypot(normals[i]!, normals[i + 1]!, normals[i + 2]!)
    if (l > 0) for (let c = 0; c < 3; c++) normals[i + c] = normals[i + c]! / l
  }
  return normals
}
