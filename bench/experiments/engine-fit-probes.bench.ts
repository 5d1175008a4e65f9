/**
 * Experiment: changes to how a trained category fits a test image, tried on a saved model with
 * no retraining (issue #6: where do the points go?). Each probe fits every val and test image of
 * the synthetic category, transfers every pair through the mesh (face) and prints PCK@0.1 per
 * image, at vp=2, and the share of test images whose kept camera is in the right 45-degree bin
 * (in each of the four frames a model may have learned: same, turned, mirrored, both).
 *
 *   [ENGINE_CATEGORY=...] ENGINE_EXPERIMENT_DIR=DIR npx vite-node bench/experiments/engine-fit-probes.bench.ts MODEL.json PROBE [PROBE ...]
 *
 * MODEL.json: a model bench/experiments/engine-synthetic-pck.bench.ts saved (DIR/models/...). Probes:
 * - `kept`: the engine's fit as it is (fitImage).
 * - `feature=W`: the same fit with the feature term's weight W instead of the trained one.
 * - `rigid`: the same fit with the code held at 0, so every image is fitted with the mean shape V0:
 *   how much of the camera choice the instance deformation decides.
 * - `own-codes`: every camera hypothesis fits its own code z (the engine shares one code, which
 *   follows the hypothesis that is best at each step), then the lowest-loss one is kept.
 * - `iou=W`: the engine's fit with every candidate kept (fitImageCandidates, fitted once for every `iou` probe), the mirror rule applied
 *   to each hypothesis and its mirror, then the one with the lowest loss + W (1 - IoU) kept, IoU of
 *   the candidate's rasterised silhouette (64 x 64, faces, not vertices) with the mask: a cue
 *   the vertex-based silhouette terms (inside the mask, covering it) do not have.
 * - `truth=FRAME`: one hypothesis, started in the image's annotated azimuth bin (its centre, mapped into the
 *   model's frame FRAME: same, turned, mirrored or mirrored+turned, the one its kept fits agree on), no mirror
 *   choice, camera and code fitted as the engine fits them: the transfer a perfect camera choice could reach
 *   with the shape fitted for that camera (the oracle of engine-diagnose picks among candidates whose code
 *   followed another hypothesis). Uses the annotation's azimuth bin of val and test images: evaluation only.
 * - `refine={"steps":S,"lr":L,"mag":M,"camera":bool}`: after the kept fit, a free per-vertex
 *   offset (Adam, rate L, S steps; |offset|^2 weighted by M, and the deformation's Laplacian and
 *   edge-length terms on code deformation plus offset), optionally with the camera (Adam, a
 *   quarter of the training's camera rate), by the same silhouette and feature terms: lets each
 *   vertex move toward where its feature is. The fit's reported loss stays the kept fit's.
 * Results are appended as JSON lines to DIR/fit-probes.jsonl.
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { CAMERA_SIZE, ELEVATION, mirrorCamera, wrapAngle } from '../../src/main/engine/camera/view-camera'
import { meshTransfer } from '../../src/main/engine/correspondence/mesh-transfer'
import { fitImage, fitImageCandidates, meshGeometry } from '../../src/main/engine/infer/fit-image'
import type { FitImageInput, MeshFit } from '../../src/main/engine/infer/fit-image'
import { viewLoss, visibility } from '../../src/main/engine/losses/view-loss'
import type { ViewLoss } from '../../src/main/engine/losses/view-loss'
import { Param } from '../../src/main/engine/math/adam'
import { SeededRandom } from '../../src/main/engine/math/seeded-random'
import { categoryForward, instanceBackward, instanceForward } from '../../src/main/engine/model/category-model'
import type { CategoryModel } from '../../src/main/engine/model/category-model'
import { instanceSize, viewLossWeights } from '../../src/main/engine/model/config'
import { initialCameras } from '../../src/main/engine/model/initialisation'
import { rasterise } from '../../src/main/engine/render/rasterise'
import { projectPca } from '../../src/main/engine/pca/pca'
import { edgePreservationEnergy } from '../../src/main/engine/template/edge-lengths'
import { laplacianEnergy } from '../../src/main/engine/template/laplacian'
import { perImageParams } from '../../src/main/engine/train/checkpoint'
import { imageStep, mirrorIsBetter } from '../../src/main/engine/train/image-step'
import { chamferSamples, imageTarget } from '../../src/main/engine/train/training-data'
import { AZIMUTH_FRAMES, DIR, azimuthBin, experimentPca, features, mean, pairPck, prepare, readModelFile } from './synthetic-category'
import type { Pair } from './synthetic-category'

const FIT_STEPS = 150

interface Refinement {
  steps: number
  lr: number
  mag: number
  camera: boolean
}


/** Every hypothesis a row of its own (so a code of its own), fitted as fitImage fits, then the lowest loss (against its mirror) kept. */
function fitOwnCodes(model: CategoryModel, image: FitImageInput): MeshFit {
  requireMirrorScoring(model)
  const H = model.config.hypotheses
  const K = instanceSize(model.config)
  const single = { ...model, config: { ...model.config, hypotheses: 1 } }
  const target = imageTarget(image, model.pca, model.config.appearance)
  const shape = categoryForward(model)
  // One image's H hypotheses and H one-hypothesis rows have the same layout.
  const { cameras, codes } = perImageParams(single.config, H)
  initialCameras(shape.V0, target.box, H, model.config.initialElevation, cameras.value, 0)
  const rng = new SeededRandom(0)
  const rows = Array.from({ length: H }, (_, h) => h)
  for (let s = 0; s < FIT_STEPS; s++) {
    const samples = chamferSamples(target, model.config.chamferSamples, rng)
    for (const h of rows) imageStep({ model: single, shape, target, cameras, codes, row: h, samples, weights: viewLossWeights(model.config), gradScale: 1, category: null })
    cameras.step(rows)
    codes.step(rows)
  }
  let best: { loss: ViewLoss; params: Float64Array; z: Float32Array; h: number } | null = null
  for (const h of rows) {
    const z = codes.value.slice(h * K, (h + 1) * K)
    const { view } = instanceForward(model, shape, z)
    const score = (p: Float64Array): ViewLoss => viewLoss(target, view, p, 0, target.foreground, visibility(view, p, model.config.visibility), viewLossWeights(model.config), null)
    const own = Float64Array.from(cameras.value.subarray(h * CAMERA_SIZE, (h + 1) * CAMERA_SIZE))
    const mirrored = mirrorCamera(own)
    let kept: { loss: ViewLoss; params: Float64Array; z: Float32Array; h: number } = { loss: score(own), params: own, z, h }
    const mirrorLoss = score(mirrored)
    if (mirrorIsBetter(kept.loss, mirrorLoss, own[ELEVATION]!, model.config.preferAbove)) kept = { loss: mirrorLoss, params: mirrored, z, h }
    if (!best || kept.loss.total < best.loss.total) best = kept
  }
  const { view } = instanceForward(model, shape, best!.z)
  return { ...meshGeometry(view, best!.params, target.cropSize, model.config.visibility), loss: best!.loss, hypothesis: best!.h, code: best!.z }
}

/** One hypothesis started at model azimuth `azimuth` (a multiple of 45 degrees), fitted without the mirror choice. */
function fitFromAzimuth(model: CategoryModel, image: FitImageInput, azimuth: number): MeshFit {
  const H = 8
  const config = { ...model.config, hypotheses: 1, mirrorScoring: false }
  const single = { ...model, config }
  const target = imageTarget(image, model.pca, model.config.appearance)
  const shape = categoryForward(model)
  // initialCameras places 8 hypotheses at the bin centres (scale and centre from the box for each): take the wanted one.
  const all = new Float32Array(H * CAMERA_SIZE)
  initialCameras(shape.V0, target.box, H, config.initialElevation, all, 0)
  const h = (((Math.round(azimuth / (Math.PI / 4)) % H) + H) % H)
  const { cameras, codes } = perImageParams(config, 1)
  cameras.value.set(all.subarray(h * CAMERA_SIZE, (h + 1) * CAMERA_SIZE))
  const rng = new SeededRandom(0)
  for (let s = 0; s < FIT_STEPS; s++) {
    const samples = chamferSamples(target, config.chamferSamples, rng)
    imageStep({ model: single, shape, target, cameras, codes, row: 0, samples, weights: viewLossWeights(config), gradScale: 1, category: null })
    cameras.step([0])
    codes.step([0])
  }
  const z = codes.value.slice(0, instanceSize(config))
  const { view } = instanceForward(model, shape, z)
  const params = Float64Array.from(cameras.value.subarray(0, CAMERA_SIZE))
  const loss = viewLoss(target, view, params, 0, target.foreground, visibility(view, params, config.visibility), viewLossWeights(config), null)
  return { ...meshGeometry(view, params, target.cropSize, config.visibility), loss, hypothesis: 0, code: z }
}

/** The probes apply the mirror rule as the engine does when mirrorScoring is on (its default); other models are refused. */
function requireMirrorScoring(model: CategoryModel): void {
  if (!model.config.mirrorScoring) throw new Error('this probe needs a model trained with mirrorScoring on')
}

/** The candidates' choice with the silhouette's IoU added. */
function fitByIou(model: CategoryModel, image: FitImageInput, candidates: readonly MeshFit[], weight: number): MeshFit {
  requireMirrorScoring(model)
  const target = imageTarget(image, model.pca, model.config.appearance)
  const M = target.maskSize
  const iou = (fit: MeshFit): number => {
    const { faceId } = rasterise(fit.vertices, fit.faces, fit.camera, M, M, { barycentrics: false })
    let both = 0
    let either = 0
    for (let p = 0; p < M * M; p++) {
      const inMask = target.distance[p] === 0
      const inMesh = faceId[p]! >= 0
      if (inMask && inMesh) both++
      if (inMask || inMesh) either++
    }
    return both / Math.max(either, 1)
  }
  let best: { fit: MeshFit; score: number } | null = null
  // fitImageCandidates lists each hypothesis, then its mirror.
  for (let c = 0; c < candidates.length; c += 2) {
    const own = candidates[c]!
    const mirror = candidates[c + 1]!
    const fit = mirrorIsBetter(own.loss, mirror.loss, own.pose.elevation, model.config.preferAbove) ? mirror : own
    const score = fit.loss.total + weight * (1 - iou(fit))
    if (!best || score < best.score) best = { fit, score }
  }
  return best!.fit
}

/** The kept fit, then a free per-vertex offset R on top of V0 + B z (and optionally the camera). */
function refine(model: CategoryModel, image: FitImageInput, fit: MeshFit, r: Refinement): MeshFit {
  const { config, template } = model
  const n = template.vertexCount
  const target = imageTarget(image, model.pca, model.config.appearance)
  const base = categoryForward(model)
  const offset = new Param('offset', new Float32Array(3 * n), r.lr)
  const { pose, camera } = fit
  const cam = new Param('camera', Float32Array.from([pose.azimuth, pose.elevation, pose.roll, Math.log(camera.scale), camera.translation[0], camera.translation[1]]), config.lr.camera / 4)
  const rng = new SeededRandom(0)
  const shifted = (): typeof base => ({ ...base, V0: base.V0.map((v, q) => v + offset.value[q]!) })
  for (let s = 0; s < r.steps; s++) {
    const shape = shifted()
    const inst = instanceForward(model, shape, fit.code)
    const gV = new Float64Array(3 * n)
    const gQ = new Float64Array(n * model.channels)
    const gCamera = new Float64Array(CAMERA_SIZE)
    const samples = chamferSamples(target, config.chamferSamples, rng)
    viewLoss(target, inst.view, cam.value, 0, samples, visibility(inst.view, cam.value, config.visibility), viewLossWeights(model.config), { camera: gCamera, vertices: gV, features: gQ })
    const total = inst.D.map((d, q) => d + offset.value[q]!)
    const gTotal = new Float64Array(3 * n)
    laplacianEnergy(template, total, config.weights.laplacianDeformation, gTotal)
    edgePreservationEnergy(template, base.V0, base.rest, total, config.weights.edgeDeformation, gTotal)
    // V = (V0 + offset) + B z, so dL/d(offset) = dL/dV, which the backward pass leaves in gV (through the pose and a feature field's path).
    instanceBackward(model, shape, inst, fit.code, 0, { gV, gD: new Float64Array(3 * n), gQ, category: null, gz: new Float64Array(fit.code.length), gzOffset: 0 })
    for (let q = 0; q < 3 * n; q++) offset.grad[q] = gV[q]! + gTotal[q]! + (2 * r.mag * offset.value[q]!) / n
    offset.step()
    if (r.camera) {
      cam.grad.set(gCamera)
      cam.step()
    }
  }
  const { view } = instanceForward(model, shifted(), fit.code)
  return { ...fit, ...meshGeometry(view, cam.value, target.cropSize, config.visibility) }
}

async function main(): Promise<void> {
  const [file, ...probes] = process.argv.slice(2)
  if (!file || probes.length === 0) throw new Error('usage: engine-fit-probes.bench.ts MODEL.json PROBE [PROBE ...]')
  const { images, pairs } = await prepare()
  const model = readModelFile(file)
  const evalImages = [...images.values()].filter((im) => im.split !== 'trn')
  const pca = model.pca ?? experimentPca(images)
  const inputs = new Map(evalImages.map((im) => [im.stem, { features: model.pca ? features(im.stem) : projectPca(pca, features(im.stem)), mask: im.mask }]))
  let kept: Map<string, MeshFit> | null = null
  const keptFits = (): Map<string, MeshFit> => (kept ??= new Map(evalImages.map((im) => [im.stem, fitImage(model, inputs.get(im.stem)!)])))
  let allCandidates: Map<string, MeshFit[]> | null = null
  const candidatesOf = (): Map<string, MeshFit[]> => (allCandidates ??= new Map(evalImages.map((im) => [im.stem, fitImageCandidates(model, inputs.get(im.stem)!).candidates])))
  const score = (ps: Pair[], fits: Map<string, MeshFit>): number[] =>
    ps.map((pair) => {
      const s = images.get(pair.src)!
      const t = images.get(pair.trg)!
      const out = meshTransfer(fits.get(pair.src)!, fits.get(pair.trg)!, pair.srcKps.map((p) => s.transform.toCrop(p)))
      return pairPck(out.map((p) => (p ? t.transform.toImage(p) : null)), pair)
    })
  const testImages = evalImages.filter((im) => im.split === 'test')
  for (const probe of probes) {
    const t0 = performance.now()
    let fits: Map<string, MeshFit>
    if (probe === 'kept') fits = keptFits()
    else if (probe === 'rigid') {
      const rigid = { ...model, config: { ...model.config, lr: { ...model.config.lr, code: 0 } } }
      fits = new Map(evalImages.map((im) => [im.stem, fitImage(rigid, inputs.get(im.stem)!)]))
    } else if (probe === 'own-codes') fits = new Map(evalImages.map((im) => [im.stem, fitOwnCodes(model, inputs.get(im.stem)!)]))
    else if (probe.startsWith('iou=')) fits = new Map(evalImages.map((im) => [im.stem, fitByIou(model, inputs.get(im.stem)!, candidatesOf().get(im.stem)!, Number(probe.slice(4)))]))
    else if (probe.startsWith('feature=')) {
      const reweighted = { ...model, config: { ...model.config, weights: { ...model.config.weights, feature: Number(probe.slice(8)) } } }
      fits = new Map(evalImages.map((im) => [im.stem, fitImage(reweighted, inputs.get(im.stem)!)]))
    } else if (probe.startsWith('truth=')) {
      const frame = AZIMUTH_FRAMES[probe.slice(6)]
      if (!frame) throw new Error(`truth=FRAME takes one of ${Object.keys(AZIMUTH_FRAMES).join(', ')}`)
      // The frames are their own inverses (mod 2 pi), so the model azimuth of the annotated bin's centre is frame(centre).
      fits = new Map(evalImages.map((im) => [im.stem, fitFromAzimuth(model, inputs.get(im.stem)!, wrapAngle(frame((im.azimuthBin * Math.PI) / 4)))]))
    } else if (probe.startsWith('refine=')) {
      const r = { steps: 60, lr: 0.003, mag: 1, camera: false, ...(JSON.parse(probe.slice(7)) as Partial<Refinement>) }
      const from = keptFits()
      fits = new Map([...from].map(([stem, fit]) => [stem, refine(model, inputs.get(stem)!, fit, r)]))
    } else throw new Error(`unknown probe '${probe}'`)
    const test = score(pairs.test, fits)
    const result = {
      model: file,
      probe,
      val: mean(score(pairs.val, fits)),
      test: mean(test),
      vp2: mean(test.filter((_, k) => pairs.test[k]!.viewpoint === 2)),
      rightBin: Object.fromEntries(Object.entries(AZIMUTH_FRAMES).map(([k, f]) => [k, mean(testImages.map((im) => (azimuthBin(wrapAngle(f(fits.get(im.stem)!.pose.azimuth))) === im.azimuthBin ? 1 : 0)))])),
      seconds: Math.round((performance.now() - t0) / 1000),
    }
    console.log(JSON.stringify(result))
    appendFileSync(join(DIR, 'fit-probes.jsonl'), `${JSON.stringify(result)}\n`)
  }
}

await main()
