import { show } from './json-fields'
import type { Bbox, Point, SpairImage, SpairPair, Warn } from './types'

/**
 * A pair repeats what the two image annotations say (sizes, boxes, the keypoints of the ids
 * both images annotate). Disagreement means one of the files is stale: warn, keep the pair
 * as written (evaluations read the pair's own lists), and let the user decide.
 */
export function checkPairAgainstImages(pair: SpairPair, src: SpairImage, trg: SpairImage, warn: Warn): void {
  for (const [side, image, imsize, bbox, kps] of [
    ['src', src, pair.srcImsize, pair.srcBbox, pair.srcKps],
    ['trg', trg, pair.trgImsize, pair.trgBbox, pair.trgKps],
  ] as const) {
    if (imsize && (imsize[0] !== image.width || imsize[1] !== image.height || (imsize[2] !== undefined && image.depth !== null && imsize[2] !== image.depth))) {
      warn(pair.file, `${side}_imsize`, `${show(imsize)} but ${image.annotationFile} says ${image.width}x${image.height}`)
    }
    if (bbox && image.bbox && !sameBox(bbox, image.bbox)) {
      warn(pair.file, `${side}_bndbox`, `${show(bbox)} but ${image.annotationFile} has ${show(image.bbox)}`)
    }
    checkKeypoints(pair, side, kps, image, warn)
  }
}

function checkKeypoints(pair: SpairPair, side: 'src' | 'trg', kps: Point[], image: SpairImage, warn: Warn): void {
  let bad = 0
  let first = ''
  for (const [i, id] of pair.kpsIds.entries()) {
    const mine = kps[i] as Point
    const theirs = image.keypoints[id] ?? null
    if (theirs !== null && theirs[0] === mine[0] && theirs[1] === mine[1]) continue
    if (bad++ === 0) first = `row ${i} (id ${id}) is ${show(mine)}, the image has ${theirs === null ? 'no keypoint' : show(theirs)}`
  }
  if (bad > 0) {
    warn(pair.file, `${side}_kps`, `${bad} of ${pair.kpsIds.length} rows disagree with ${image.annotationFile}; first: ${first}`)
  }
}

function sameBox(a: Bbox, b: Bbox): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3]
}
