import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SeededRandom } from '../../../src/main/engine/math/seeded-random'
import { resolveConfig } from '../../../src/main/engine/model/config'
import { parseObjMesh } from '../../../src/main/engine/template/obj-mesh'
import { shrinkWrap } from '../../../src/main/engine/template/shrink-wrap'
import { createTemplate } from '../../../src/main/engine/template/template'
import { startTraining } from '../../../src/main/engine/train/train-category'
import { renderView, syntheticObject } from './synthetic-views'

/** An axis-aligned box as OBJ quads, corners (x0, y0, z0) and (x1, y1, z1). */
function boxObj([x0, y0, z0]: number[], [x1, y1, z1]: number[]): string {
  const v: string[] = []
  for (const x of [x0, x1]) for (const y of [y0, y1]) for (const z of [z0, z1]) v.push(`v ${x} ${y} ${z}`)
  const f = ['1 2 4 3', '5 7 8 6', '1 5 6 2', '3 4 8 7', '1 3 7 5', '2 6 8 4']
  return `# a box\n${v.join('\n')}\n${f.map((q) => `f ${q}`).join('\n')}\n`
}

describe('OBJ meshes for a template start', () => {
  it('reads vertices and faces, polygons as fans, slashed and negative indices', () => {
    const mesh = parseObjMesh('v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvn 0 0 1\nf 1/1/1 2/2/1 3/3/1 4/4/1\nf -4 -3 -2\n', 'quad.obj')
    expect(mesh.positions.length).toBe(12)
    expect([...mesh.faces]).toEqual([0, 1, 2, 0, 2, 3, 0, 1, 2])
  })

  it('names the file, the line and the field of a bad line', () => {
    expect(() => parseObjMesh('v 0 0\n', 'a.obj')).toThrow(/a\.obj:1: vertex needs three finite coordinates/)
    expect(() => parseObjMesh('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n', 'b.obj')).toThrow(/b\.obj:4: face index "4" is not a vertex defined above \(1 to 3/)
    expect(() => parseObjMesh('v 0 0 0\n', 'c.obj')).toThrow(/c\.obj: no faces/)
  })
})

describe('shrink-wrapping the template onto a mesh', () => {
  const template = createTemplate(2)

  it('puts every vertex on a box\'s surface along its own direction, centred and scaled to a forward half-length of 1, mirror pairs kept', () => {
    // A box 0.8 x 0.5 x 2 wherever it is: after centring and scaling, half-extents 0.4, 0.25, 1.
    const v = shrinkWrap(template, parseObjMesh(boxObj([3, -1, 10], [3.8, -0.5, 12]), 'box.obj'))
    for (let i = 0; i < template.vertexCount; i++) {
      const [x, y, z] = [v[3 * i]!, v[3 * i + 1]!, v[3 * i + 2]!]
      expect(Math.max(Math.abs(x) / 0.4, Math.abs(y) / 0.25, Math.abs(z))).toBeCloseTo(1, 9)
      // Along the template's own direction from the centre.
      const [a, b, c] = [template.rest[3 * i]!, template.rest[3 * i + 1]!, template.rest[3 * i + 2]!]
      expect(Math.hypot(y * c - z * b, z * a - x * c, x * b - y * a)).toBeLessThan(1e-9)
      const m = template.mirror[i]!
      expect(v[3 * m]).toBeCloseTo(-x, 9)
      expect(v[3 * m + 1]).toBeCloseTo(y, 9)
    }
  })

  it('refuses a mesh with no forward extent', () => {
    expect(() => shrinkWrap(template, parseObjMesh('v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n', 'flat.obj'))).toThrow(/no extent along z/)
  })
})

describe('startMesh in training', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semagic-start-mesh-'))
  const file = join(dir, 'car.obj')
  writeFileSync(file, `${boxObj([-0.9, 0, -2.35], [0.9, 0.95, 2.35])}${boxObj([-0.75, 0.95, -1.55], [0.75, 1.45, 0.75]).replace(/f (\d+) (\d+) (\d+) (\d+)/g, (_, a, b, c, d) => `f ${[a, b, c, d].map((k) => Number(k) + 8).join(' ')}`)}`)
  const rng = new SeededRandom(2)
  const object = syntheticObject(2)
  const images = Array.from({ length: 3 }, (_, k) => ({ key: `view-${k}`, ...renderView(object, [2 * rng.next() - 1, 0.25, 0, Math.log(0.6), 0, 0]) }))

  it('starts the shape on the mesh (the cabin set back: higher behind the middle than at the front)', () => {
    const { state } = startTraining({ images }, { templateLevel: 2, hypotheses: 2, startMesh: file })
    const expected = shrinkWrap(state.model.template, parseObjMesh(readFileSync(file, 'utf8'), file))
    expect(state.model.shape.value).toEqual(Float32Array.from(expected))
    const top = (from: number, to: number): number => {
      let y = -Infinity
      const v = state.model.shape.value
      for (let i = 0; i < v.length; i += 3) if (v[i + 2]! >= from && v[i + 2]! < to) y = Math.max(y, v[i + 1]!)
      return y
    }
    expect(top(-0.5, 0)).toBeGreaterThan(top(0.6, 1.01) + 0.15)
  })

  it('is null or a path, and not with articulation', () => {
    expect(resolveConfig({}).startMesh).toBeNull()
    expect(() => resolveConfig({ startMesh: '' })).toThrow(/startMesh must be null or an OBJ file's path/)
    expect(() => resolveConfig({ startMesh: file, articulation: { parts: 6 } })).toThrow(/startMesh with articulation is not supported/)
    expect(() => startTraining({ images }, { templateLevel: 2, startMesh: join(dir, 'absent.obj') })).toThrow(/ENOENT.*absent\.obj/)
  })
})
