/**
 * Experiment: how much the viewpoint prior's descriptors (engine train/viewpoint-prior) say
 * about the azimuth, by the annotations, over the synthetic category's training images:
 * - look-alikes: of each image's PRIOR_NEIGHBOURS links, the share whose annotated azimuth bin is
 *   the image's own, one bin off, two, three, and opposite (half a circle);
 * - regression: the prior's regression given every other fold's annotated azimuths (bin
 *   centres) in place of kept ones: the share of images it predicts in their own bin, and of the
 *   front and back views (bins 7, 0, 1 and 3, 4, 5) the share it puts facing the right way
 *   (the predicted azimuth's cosine of the right sign).
 *
 *   ENGINE_CATEGORY=car ENGINE_EXPERIMENT_DIR=... npx vite-node bench/experiments/viewpoint-neighbours.bench.ts
 */
import { wrapAngle } from '../../src/main/engine/camera/view-camera'
import { imageTarget } from '../../src/main/engine/train/training-data'
import { regressionPriors, viewpointGraph, viewpointRegression } from '../../src/main/engine/train/viewpoint-prior'
import { CATEGORY, azimuthBin, experimentPca, features, prepare } from './synthetic-category'

const { images } = await prepare()
const pca = experimentPca(images)
const trn = [...images.values()].filter((im) => im.split === 'trn')
const targets = trn.map((im) => imageTarget({ features: features(im.stem), mask: im.mask }, pca, 0, im.stem))
const graph = viewpointGraph(targets)
const offsets = [0, 0, 0, 0, 0]
trn.forEach((im, i) => {
  for (let m = 0; m < graph.k; m++) {
    const off = (trn[graph.neighbours[i * graph.k + m]!]!.azimuthBin - im.azimuthBin + 8) % 8
    offsets[Math.min(off, 8 - off)]!++
  }
})
const links = trn.length * graph.k
const share = (k: number): string => `${((100 * offsets[k]!) / links).toFixed(1)} %`
console.log(`${CATEGORY}: ${trn.length} images, ${graph.k} neighbours each; neighbour's bin same ${share(0)}, 1 off ${share(1)}, 2 off ${share(2)}, 3 off ${share(3)}, opposite ${share(4)}`)

const annotated = Float32Array.from(trn, (im) => wrapAngle((im.azimuthBin * Math.PI) / 4))
const prior = regressionPriors(viewpointRegression(targets), annotated)
const end = (bin: number): number => ([7, 0, 1].includes(bin) ? 1 : [3, 4, 5].includes(bin) ? -1 : 0)
let sameBin = 0
let ends = 0
let rightEnd = 0
trn.forEach((im, i) => {
  const predicted = prior(i)[0] ?? Number.NaN
  if (azimuthBin(predicted) === im.azimuthBin) sameBin++
  if (end(im.azimuthBin) === 0) return
  ends++
  if (Math.sign(Math.cos(predicted)) === end(im.azimuthBin)) rightEnd++
})
console.log(`${CATEGORY}: regression from the other folds' annotated azimuths: own bin ${((100 * sameBin) / trn.length).toFixed(1)} % of ${trn.length} images; right end ${((100 * rightEnd) / ends).toFixed(1)} % of ${ends} front and back views`)
