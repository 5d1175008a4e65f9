/**
 * Experiment: how often the viewpoint prior's look-alike neighbours (engine train/viewpoint-prior)
 * are seen from the same azimuth, by the annotations. Over the synthetic category's training
 * images and each one's PRIOR_NEIGHBOURS links: the share whose annotated azimuth bin is the
 * image's own, one bin off, two, three, and opposite (half a circle).
 *
 *   ENGINE_CATEGORY=car ENGINE_EXPERIMENT_DIR=... npx vite-node bench/experiments/viewpoint-neighbours.bench.ts
 */
import { imageTarget } from '../../src/main/engine/train/training-data'
import { viewpointGraph } from '../../src/main/engine/train/viewpoint-prior'
import { CATEGORY, experimentPca, features, prepare } from './synthetic-category'

const { images } = await prepare()
const pca = experimentPca(images)
const trn = [...images.values()].filter((im) => im.split === 'trn')
const graph = viewpointGraph(trn.map((im) => imageTarget({ features: features(im.stem), mask: im.mask }, pca, 0, im.stem)))
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
