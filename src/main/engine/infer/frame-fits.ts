import { mirrorCamera, turnCamera } from '../camera/view-camera'
import type { ViewShape } from '../losses/view-loss'
import { instanceForward, mirrorInstance } from '../model/category-model'
import type { CategoryModel, CategoryShape } from '../model/category-model'
import { meshGeometry } from './fit-image'
import type { MeshFit } from './fit-image'

/**
 * The frames in which a near-symmetric object's fit can be wrong while its silhouette is right
 * (the right-bin diagnostics count fits in each): as fitted; turned half a circle (front and
 * back swapped, the same silhouette where the shape is front-back symmetric, as a car nearly
 * is); mirrored (the mirror camera on the mirror instance: left and right swapped, the same
 * silhouette exactly, view-camera's mirrorCamera); and both.
 */
export const FIT_FRAMES = ['same', 'turned', 'mirrored', 'mirrored+turned'] as const

/**
 * A fit seen in each of FIT_FRAMES, in that order (the first is the fit itself): the same code
 * and scale and position, the camera turned or mirrored, each with the instance its camera sees
 * (their loss and hypothesis are the fit's: they are views of it, not fits of their own).
 * A pair's transfer under these tells which relative frame of its two fits the 2-D features
 * agree with. Needs the fit's hypotheses (its code and whether its kept camera is a mirror).
 */
export function frameFits(model: CategoryModel, shape: CategoryShape, fit: MeshFit): MeshFit[] {
  if (!fit.hypotheses) throw new RangeError('frameFits: the fit kept no hypotheses (it was stored before fits kept them)')
  const { code, ranked } = fit.hypotheses
  const kept = ranked[0]!
  const inst = instanceForward(model, shape, code)
  const mirror = mirrorInstance(model, shape, inst, code)
  const own = kept.mirrored ? { view: mirror.inst.view, row: mirror.row } : { view: inst.view, row: Float64Array.from(code) }
  const other = kept.mirrored ? { view: inst.view, row: Float64Array.from(code) } : { view: mirror.inst.view, row: mirror.row }
  const mirrored = mirrorCamera(kept.params)
  const seen = (side: { view: ViewShape; row: Float64Array }, params: ArrayLike<number>): MeshFit => ({
    ...meshGeometry(side.view, params, fit.cropSize, model.config.visibility),
    loss: fit.loss,
    hypothesis: fit.hypothesis,
    code: Float32Array.from(side.row),
  })
  return [fit, seen(own, turnCamera(kept.params)), seen(other, mirrored), seen(other, turnCamera(mirrored))]
}
