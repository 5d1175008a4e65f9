import { describe, expect, it } from 'vitest'
import { keypointFileOf, mirrorPairs, moveKeypoint, placeKeypoint, removeKeypoint } from '../../../src/renderer/src/views/meshes/asset-keypoints'
import type { KeypointDraft } from '../../../src/renderer/src/views/meshes/asset-keypoints'

const empty: KeypointDraft = { mesh: 'fox1', primitive: 0, keypoints: [], mirror: {}, credits: [] }
const at = (vertex: number, mesh = 'fox1', primitive = 0): { mesh: string; primitive: number; vertex: number } => ({ mesh, primitive, vertex })

function place(draft: KeypointDraft, name: string, vertex: number): KeypointDraft {
  const next = placeKeypoint(draft, name, at(vertex))
  if (typeof next === 'string') throw new Error(next)
  return next
}

describe('editing an asset keypoint draft', () => {
  it('adds keypoints in order, moves one to a new vertex by naming it again, removes and reorders', () => {
    let d = place(place(place(empty, 'nose', 29), 'left_eye', 419), 'right_eye', 721)
    expect(d.keypoints.map((k) => k.name)).toEqual(['nose', 'left_eye', 'right_eye'])
    d = place(d, 'nose', 30)
    expect(d.keypoints[0]).toEqual({ name: 'nose', vertex: 30 })
    expect(d.keypoints).toHaveLength(3)
    d = moveKeypoint(d, 'right_eye', -1)
    expect(d.keypoints.map((k) => k.name)).toEqual(['nose', 'right_eye', 'left_eye'])
    expect(moveKeypoint(d, 'nose', -1)).toBe(d)
    d = removeKeypoint(d, 'right_eye')
    expect(d.keypoints.map((k) => k.name)).toEqual(['nose', 'left_eye'])
  })

  it('refuses bad names and a second primitive, and says why', () => {
    expect(placeKeypoint(empty, 'Left Eye', at(1))).toMatch(/lower-case letters/)
    const d = place(empty, 'nose', 1)
    expect(placeKeypoint(d, 'tail', at(2, 'collar', 0))).toMatch(/one mesh primitive: this one is on "collar" primitive 0, the others on "fox1" primitive 0/)
    // The first keypoint may choose the primitive.
    const other = placeKeypoint(empty, 'tail', at(2, 'collar', 1))
    expect(typeof other !== 'string' && [other.mesh, other.primitive]).toEqual(['collar', 1])
  })

  it('pairs left_/right_ twins and keeps the opened file\'s pairs that still hold', () => {
    const kps = ['nose', 'left_eye', 'right_eye', 'left_paw', 'right_paw', 'front', 'back'].map((name, vertex) => ({ name, vertex }))
    expect(mirrorPairs(kps, { front: 'back', nose: 'gone' })).toEqual({ front: 'back', left_eye: 'right_eye', left_paw: 'right_paw' })
    // A pair from the file wins over the naming rule.
    expect(mirrorPairs(kps, { left_eye: 'right_paw' })).toEqual({ left_eye: 'right_paw' })
  })

  it('builds the file the shared schema accepts, or names the field it rejects', () => {
    const d = place(place(empty, 'left_ear', 23), 'right_ear', 160)
    expect(keypointFileOf(d, 'Fox.glb')).toEqual({
      asset: 'Fox.glb',
      mesh: 'fox1',
      primitive: 0,
      keypoints: [
        { name: 'left_ear', vertex: 23 },
        { name: 'right_ear', vertex: 160 },
      ],
      mirror: { left_ear: 'right_ear' },
      credits: [],
    })
    expect(keypointFileOf(empty, 'Fox.glb')).toMatch(/^keypoints: /)
  })
})
