/**
 * Measures of a trained canonical shape V0 (docs/experiments/edge-length-regularisers.md): normal
 * consistency (mean over edges of 1 - cos between the two faces' normals) and edge uniformity
 * (mean_e (l_e / mean l - 1)^2), each beside the value of the ellipsoid the model started from.
 *
 *   npx vite-node bench/experiments/engine-shape-measures.bench.ts <experiment dir>/models/<model>.json ...
 *
 * Takes models saved by bench/experiments/engine-synthetic-pck.bench.ts and prints one line per model.
 */
import { categoryForward } from '../../src/main/engine/model/category-model'
import { edgeUniformityEnergy } from '../../src/main/engine/template/edge-lengths'
import { normalConsistencyEnergy } from '../../src/main/engine/template/normal-consistency'
import { createTemplate } from '../../src/main/engine/template/template'
import { readModelFile } from './synthetic-category'

for (const file of process.argv.slice(2)) {
  const model = readModelFile(file)
  const { V0 } = categoryForward(model)
  const start = createTemplate(model.config.templateLevel, model.ellipsoid)
  const measure = (x: Float64Array): string => `normal consistency ${normalConsistencyEnergy(start, x, 1, null).toFixed(3)}  edge uniformity ${edgeUniformityEnergy(start, x, 1, null).toFixed(3)}`
  console.log(`${file}  trained: ${measure(V0)}  start: ${measure(start.rest)}`)
}
