import { pixelIndexAt } from '../../engine/render/buffers'
import { projectPoints } from '../../engine/render/camera'
import type { Keypoint3D, ObjectModel } from './model-builder'
import type { RenderedScene } from './render-scene'
import type { SceneSpec } from './scene'

/** Integer pixel (column, row) of a keypoint: the index of the pixel its projection falls in. */
export type PixelPoint = readonly [number, number]
/** [x1, y1, x2, y2], inclusive pixel indices of the extreme mask pixels. */
export type BBox = readonly [number, number, number, number]
export type Pose = 'Frontal' | 'Left' | 'Rear' | 'Right' | 'Unspecified'

/**
 * A keypoint is annotated when it projects inside the image onto a pixel whose visible
 * surface is one of its parts (so not an occluder, not another part in front) at a depth
 * within its tolerance (so not the far side of its own part). Otherwise null.
 */
export function annotateKeypoints(model: ObjectModel, scene: SceneSpec, rendered: RenderedScene): (PixelPoint | null)[] {
  const points = new Float32Array(model.keypoints.length * 3)
  model.keypoints.forEach((k, i) => points.set(k.position, 3 * i))
  const projected = projectPoints(points, scene.camera, scene.width, scene.height)
  const { faceId, depth } = rendered.buffers
  const { width, height } = scene
  const showsKeypoint = (k: Keypoint3D, z: number, p: number): boolean => {
    const f = faceId[p]!
    return f >= 0 && f < rendered.objectFaceCount && k.parts.includes(model.mesh.faceParts[f]!) && Math.abs(z - depth[p]!) <= k.tolerance
  }
  return model.keypoints.map((k, i) => {
    const x = projected[3 * i]!
    const y = projected[3 * i + 1]!
    const z = projected[3 * i + 2]!
    const p = pixelIndexAt(width, height, x, y)
    if (p < 0) return null
    const reach = k.reach ?? 0
    if (reach === 0) return showsKeypoint(k, z, p) ? [Math.floor(x), Math.floor(y)] : null
    // An occluder on the keypoint's own pixel hides it, whatever its neighbours show.
    const f = faceId[p]!
    if (f >= rendered.objectFaceCount && depth[p]! < z - k.tolerance) return null
    const px = Math.floor(x)
    const py = Math.floor(y)
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const qx = px + dx
        const qy = py + dy
        if (qx >= 0 && qx < width && qy >= 0 && qy < height && showsKeypoint(k, z, qy * width + qx)) return [px, py]
      }
    }
    return null
  })
}

export function maskBBox(mask: Uint8Array, width: number, height: number): BBox | null {
  let x1 = width
  let y1 = height
  let x2 = -1
  let y2 = -1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] === 0) continue
      if (x < x1) x1 = x
      if (x > x2) x2 = x
      if (y < y1) y1 = y
      y2 = y
    }
  }
  return x2 < 0 ? null : [x1, y1, x2, y2]
}

export function touchesBorder(coverage: Uint8Array, width: number, height: number): boolean {
  for (let x = 0; x < width; x++) {
    if (coverage[x] !== 0 || coverage[(height - 1) * width + x] !== 0) return true
  }
  for (let y = 0; y < height; y++) {
    if (coverage[y * width] !== 0 || coverage[y * width + width - 1] !== 0) return true
  }
  return false
}

/** 8 bins of 45 degrees centred on 0, 45, ... 315: bin 0 is [-22.5, 22.5). */
export function azimuthBin(azimuthDegrees: number): number {
  return Math.floor((((azimuthDegrees + 22.5) % 360) + 360) % 360 / 45)
}

/** The four faces at even bins; the diagonal bins are ambiguous, which VOC labels Unspecified. */
export function poseOfBin(bin: number): Pose {
  return (['Frontal', 'Unspecified', 'Left', 'Unspecified', 'Rear', 'Unspecified', 'Right', 'Unspecified'] as const)[bin] ?? 'Unspecified'
}
