import { annotateKeypoints, azimuthBin, maskBBox, poseOfBin, touchesBorder } from './annotate'
import type { BBox, PixelPoint, Pose } from './annotate'
import { paintBackground } from './background'
import type { CategoryDefinition } from './categories/category'
import type { ObjectModel } from './model-builder'
import { Rng } from './random'
import { renderScene } from './render-scene'
import type { RenderedScene } from './render-scene'
import { sampleScene } from './scene'
import type { SceneSpec } from './scene'

/** What one image's annotation files say about it. */
export interface ImageFacts {
  width: number
  height: number
  bbox: BBox
  /** One entry per category keypoint id. */
  keypoints: readonly (PixelPoint | null)[]
  azimuth: number
  elevation: number
  azimuthId: number
  pose: Pose
  truncated: boolean
  occluded: boolean
}

export interface SampledImage {
  facts: ImageFacts
  model: ObjectModel
  scene: SceneSpec
  rendered: RenderedScene
}

const MAX_ATTEMPTS = 12
/** Reject draws where the visible object is tiny or shows too few keypoints to pair. */
const MIN_MASK_FRACTION = 0.01
const MIN_VISIBLE_KEYPOINTS = 4
/** An occluder counts when it hides at least this share of the object's pixels. */
const MIN_OCCLUDED_FRACTION = 0.01

/**
 * Draws instance, scene and background from one stream keyed by `key`, renders and annotates,
 * redrawing (from the same stream, so still deterministic) when the view is unusable.
 */
export function sampleImage(category: CategoryDefinition, key: readonly (string | number)[]): SampledImage {
  const rng = new Rng(...key)
  let best: SampledImage | null = null
  let bestVisible = -1
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const model = category.build(rng)
    const scene = sampleScene(rng, model)
    const background = paintBackground(rng, scene.width, scene.height)
    const rendered = renderScene(model, scene, background, rng.int(0, 0x7fffffff))
    const bbox = maskBBox(rendered.mask, scene.width, scene.height)
    if (bbox === null) continue
    const keypoints = annotateKeypoints(model, scene, rendered)
    const visible = keypoints.filter((k) => k !== null).length
    let maskPixels = 0
    let hidden = 0
    let covered = 0
    for (let p = 0; p < rendered.mask.length; p++) {
      if (rendered.mask[p] !== 0) maskPixels++
      if (rendered.objectCoverage[p] !== 0) {
        covered++
        if (rendered.mask[p] === 0) hidden++
      }
    }
    const azimuthId = azimuthBin(scene.azimuth)
    const sample: SampledImage = {
      facts: {
        width: scene.width,
        height: scene.height,
        bbox,
        keypoints,
        azimuth: scene.azimuth,
        elevation: scene.elevation,
        azimuthId,
        pose: poseOfBin(azimuthId),
        truncated: touchesBorder(rendered.objectCoverage, scene.width, scene.height),
        occluded: hidden > 0 && hidden >= MIN_OCCLUDED_FRACTION * covered,
      },
      model,
      scene,
      rendered,
    }
    if (maskPixels >= MIN_MASK_FRACTION * scene.width * scene.height && visible >= Math.min(MIN_VISIBLE_KEYPOINTS, keypoints.length)) {
      return sample
    }
    if (visible > bestVisible) {
      best = sample
      bestVisible = visible
    }
  }
  if (best === null) throw new Error(`no view of ${category.name} showed the object in ${MAX_ATTEMPTS} draws (${key.join('/')})`)
  return best
}
