/**
 * Pictures (issue 23): a run's canonical mesh (the category's mean shape V0, no instance
 * deformation) as the engine initialises it at step 0 and as training left it, drawn by the
 * engine's CPU rasteriser with flat two-sided shading from three views, written as one PNG per
 * run: top row before, bottom row after; columns: azimuth 0, 90 degrees (elevation 0) and a
 * three-quarter view from above (azimuth 45, elevation 30 degrees), in the model's own frame.
 *
 *   npx vite-node bench/experiments/canonical-meshes.bench.ts DATA_DIR OUT_DIR RUN [RUN ...]
 *
 * The step-0 mesh is the run's own start: its training images prepared as the training job
 * prepares them (same split, PCA dimensions and seed) and startTraining with the checkpoint's
 * engine settings, so the ellipsoid fitted to the masks' boxes is the one the run started from.
 * A RUN ending in .json is a model file of the experiment script (models/<name>.json); it started
 * from its manifest's ellipsoid, which is its step-0 mesh, and DATA_DIR is not read for it.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { PNG } from 'pngjs'
import { createCore } from '../../src/main/core/create-core'
import { AppError } from '../../src/main/core/app-error'
import { toWeakPerspective } from '../../src/main/engine/camera/view-camera'
import { categoryForward, createCategoryModel } from '../../src/main/engine/model/category-model'
import type { CategoryModel } from '../../src/main/engine/model/category-model'
import { SeededRandom } from '../../src/main/engine/math/seeded-random'
import { mat3Apply } from '../../src/main/engine/render/mat3'
import type { Vec3 } from '../../src/main/engine/render/mat3'
import { rasterise } from '../../src/main/engine/render/rasterise'
import { startTraining } from '../../src/main/engine/train/train-category'
import { prepareTraining } from '../../src/main/services/train/prepare-training'
import { imageInputs } from '../../src/main/services/train/training-inputs'
import { readModelFile } from './synthetic-category'

const TILE = 220
const DEG = Math.PI / 180
const VIEWS: [number, number][] = [
  [0, 0],
  [90 * DEG, 0],
  [45 * DEG, 30 * DEG],
]
/** Towards the viewer, up and to the left, in camera axes (x right, y down, z away from the viewer). */
const LIGHT: Vec3 = (() => {
  const l: Vec3 = [-0.35, -0.5, -1]
  const n = Math.hypot(...l)
  return l.map((c) => c / n) as unknown as Vec3
})()

const [dataDir, outDir, ...runIds] = process.argv.slice(2)
if (!dataDir || !outDir || runIds.length === 0) throw new AppError('BAD_INPUT', 'usage: canonical-meshes.bench.ts DATA_DIR OUT_DIR RUN [RUN ...]')

/** One view of a mesh, centred and scaled to fill most of a tile, into `png` at (left, top). */
function drawView(png: PNG, left: number, top: number, vertices: Float32Array, faces: Uint32Array, [azimuth, elevation]: [number, number]): void {
  const n = vertices.length / 3
  const centre = [0, 1, 2].map((a) => vertices.reduce((s, v, i) => (i % 3 === a ? s + v : s), 0) / n)
  let radius = 0
  for (let i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(vertices[3 * i]! - centre[0]!, vertices[3 * i + 1]! - centre[1]!, vertices[3 * i + 2]! - centre[2]!))
  const scale = 0.9 / radius
  const rotation = toWeakPerspective([azimuth, elevation, 0, 0, 0, 0]).rotation
  const c = mat3Apply(rotation, centre as unknown as Vec3)
  const camera = { kind: 'weak-perspective' as const, rotation, scale, translation: [-scale * c[0], -scale * c[1]] as const }
  const buffers = rasterise(vertices, faces, camera, TILE, TILE)
  const shade = new Float64Array(faces.length / 3)
  for (let f = 0; f < shade.length; f++) {
    const [a, b, d] = [0, 1, 2].map((k) => faces[3 * f + k]!)
    const e1: Vec3 = [0, 1, 2].map((k) => vertices[3 * b! + k]! - vertices[3 * a! + k]!) as unknown as Vec3
    const e2: Vec3 = [0, 1, 2].map((k) => vertices[3 * d! + k]! - vertices[3 * a! + k]!) as unknown as Vec3
    const normal = mat3Apply(rotation, [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]])
    const len = Math.hypot(...normal) || 1
    // Two-sided: whichever side the viewer sees is lit.
    const sign = normal[2] > 0 ? -1 : 1
    shade[f] = 0.25 + 0.75 * Math.max(0, (sign * (normal[0] * LIGHT[0] + normal[1] * LIGHT[1] + normal[2] * LIGHT[2])) / len)
  }
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      const face = buffers.faceId[y * TILE + x]!
      if (face < 0) continue
      const o = 4 * ((top + y) * png.width + left + x)
      const s = shade[face]!
      png.data[o] = Math.round(235 * s)
      png.data[o + 1] = Math.round(215 * s)
      png.data[o + 2] = Math.round(170 * s)
    }
  }
}

/** Before and after, as a PNG at `file`. */
function drawRun(file: string, initial: CategoryModel, model: CategoryModel): void {
  const png = new PNG({ width: VIEWS.length * TILE, height: 2 * TILE })
  png.data.fill(40)
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255
  for (const [row, m] of [initial, model].entries()) {
    const V0 = Float32Array.from(categoryForward(m).V0)
    for (const [col, view] of VIEWS.entries()) drawView(png, col * TILE, row * TILE, V0, m.template.faces, view)
  }
  writeFileSync(file, PNG.sync.write(png))
}

mkdirSync(outDir, { recursive: true })
for (const modelFile of runIds.filter((id) => id.endsWith('.json'))) {
  const model = readModelFile(modelFile)
  const file = join(outDir, `canonical-${basename(modelFile, '.json')}.png`)
  drawRun(file, createCategoryModel(model.config, model.channels, model.ellipsoid, new SeededRandom(0), null), model)
  process.stdout.write(`${file}: ${modelFile}, ${model.template.vertexCount} vertices\n`)
}
const runs = runIds.filter((id) => !id.endsWith('.json'))
const core = runs.length > 0 ? createCore({ dataDir, log: () => {} }) : null
try {
  for (const runId of runs) {
    const { model, config } = core!.services.train.loadModel(runId)
    const { inputs } = await imageInputs(core!.store.db, core!.services.features, config.dataset, config.backbone, { category: config.category, split: config.split }, undefined, { colour: config.appearance > 0 })
    // The PCA's dimensions: the model's channels less the appearance term's colour, when it has one.
    const { data } = prepareTraining(inputs, core!.services.features, model.pca?.dims ?? model.channels, config.seed)
    const file = join(outDir, `canonical-${config.category}-${config.variant}-seed${config.seed}.png`)
    drawRun(file, startTraining(data, model.config).state.model, model)
    process.stdout.write(`${file}: ${runId}, ${inputs.length} ${config.split} images, ${model.template.vertexCount} vertices\n`)
  }
} finally {
  core?.close()
}
