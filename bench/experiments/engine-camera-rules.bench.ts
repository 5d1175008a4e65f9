/**
 * Rules for choosing the test-time camera among the fit's candidates (every hypothesis and its
 * mirror), scored by the mesh transfer on the synthetic category's val and test pairs (issue #6:
 * the diagnosis found the choice, not the shape, holding `semagic` back).
 *
 *   [ENGINE_CATEGORY=...] npx vite-node bench/experiments/engine-camera-rules.bench.ts VARIANT SEED
 *
 * Needs the model bench/experiments/engine-synthetic-pck.bench.ts saved. The candidates of each
 * val/test image are fitted once and kept in <dir>/candidates/<variant>-<seed>.json, so rules can be
 * compared without refitting. Rules:
 * - kept: the fit's own choice (lowest loss, the mirror by features), what `predict` returns;
 * - oracle: the lowest-loss candidate in the right azimuth bin (generator's ground truth), a bound;
 * - neighbours (tau): a prior azimuth from the K = 5 other fitted images whose masked features are
 *   most alike (similarity-weighted circular mean of their kept azimuths), then, among the
 *   candidates whose silhouette loss is within 1 + tau of the best, the one nearest the prior;
 * - training neighbours (tau): the same prior taken from the K most alike training images and the
 *   azimuths their cameras ended training with (engine-synthetic-pck saves them beside the model):
 *   a nearest-neighbour stand-in for an encoder that amortises the camera over the training set;
 * - visible transfer (tau): per pair, the target candidate (silhouette within 1 + tau) under which
 *   the source keypoints' surface points are most visible: SPair keypoints are visible in both
 *   images, and a target fit mirrored against the source's puts them on its hidden side.
 * Prints how far the kept camera is from the right bin on test, a table (PCK@0.1 per image, %,
 * and the share of right bins) and appends JSON lines to
 * <dir>/camera-rules.jsonl.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { wrapAngle } from '../../src/main/engine/camera/view-camera'
import { meshTransfer, surfaceUnder } from '../../src/main/engine/correspondence/mesh-transfer'
import { fitImageCandidates, meshGeometry } from '../../src/main/engine/infer/fit-image'
import type { MeshFit } from '../../src/main/engine/infer/fit-image'
import type { CategoryModel } from '../../src/main/engine/model/category-model'
import { categoryForward, instanceForward } from '../../src/main/engine/model/category-model'
import type { EngineVariant } from '../../src/main/engine/model/config'
import { projectPca } from '../../src/main/engine/pca/pca'
import type { Pca } from '../../src/main/engine/pca/pca'
import { DIR, azimuthBin, experimentPca, features, loadModel, loadTrainingAzimuths, mean, modelName, pairPck, prepare } from './synthetic-category'
import type { ImageInfo, Pair } from './synthetic-category'

interface Candidate {
  params: number[]
  loss: MeshFit['loss']
}

interface FittedImage {
  stem: string
  cropSize: number
  code: number[]
  kept: number
  candidates: Candidate[]
}

const TAUS = [0, 0.05, 0.1, 0.25, 0.5, 1]
const NEIGHBOURS = 5

const paramsOf = (fit: MeshFit): number[] => [fit.pose.azimuth, fit.pose.elevation, fit.pose.roll, Math.log(fit.camera.scale), fit.camera.translation[0], fit.camera.translation[1]]

function fitOrLoad(model: CategoryModel, pca: Pca, name: string, images: ImageInfo[]): FittedImage[] {
  const file = join(DIR, 'candidates', `${name}.json`)
  // A model trained again since its candidates were fitted makes them stale.
  if (existsSync(file) && statSync(file).mtimeMs > statSync(join(DIR, 'models', `${name}.json`)).mtimeMs) return JSON.parse(readFileSync(file, 'utf8')) as FittedImage[]
  const fitted = images.map((im) => {
    const { best, candidates } = fitImageCandidates(model, { features: projectPca(pca, features(im.stem)), mask: im.mask })
    return {
      stem: im.stem,
      cropSize: best.cropSize,
      code: Array.from(best.code),
      kept: candidates.findIndex((c) => c.pose.azimuth === best.pose.azimuth && c.pose.elevation === best.pose.elevation && c.hypothesis === best.hypothesis),
      candidates: candidates.map((c) => ({ params: paramsOf(c), loss: c.loss })),
    }
  })
  mkdirSync(join(DIR, 'candidates'), { recursive: true })
  writeFileSync(file, JSON.stringify(fitted))
  return fitted
}

/** Masked PCA features over the whole grid, unit length: images alike in pose and part layout are near. */
function descriptor(pca: Pca, im: ImageInfo): Float64Array {
  const f = projectPca(pca, features(im.stem))
  const { channels: C, height: H, width: W } = f
  const { mask } = im
  const d = new Float64Array(C * H * W)
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      if (!(mask.data[Math.floor(((i + 0.5) / H) * mask.height) * mask.width + Math.floor(((j + 0.5) / W) * mask.width)]! > 0)) continue
      for (let c = 0; c < C; c++) d[(i * W + j) * C + c] = f.data[(c * H + i) * W + j]!
    }
  }
  const norm = Math.hypot(...d) || 1
  return d.map((v) => v / norm)
}

async function main(): Promise<void> {
  const variant = process.argv[2] as EngineVariant
  const seed = Number(process.argv[3] ?? 0)
  const { images, pairs } = await prepare()
  const model = loadModel(variant, seed)
  if (!model) throw new Error(`no saved model ${modelName(variant, seed)} in ${join(DIR, 'models')}: run bench/experiments/engine-synthetic-pck.bench.ts first`)
  const evalImages = [...images.values()].filter((im) => im.split !== 'trn')
  // The experiment models train on features projected by this PCA (as engine-synthetic-pck fits it) and carry none.
  const trn = [...images.values()].filter((im) => im.split === 'trn')
  const pca = model.pca ?? experimentPca(images)
  const fitted = new Map(fitOrLoad(model, pca, modelName(variant, seed), evalImages).map((f) => [f.stem, f]))
  const shape = categoryForward(model)
  const views = new Map([...fitted.values()].map((f) => [f.stem, instanceForward(model, shape, Float32Array.from(f.code)).view]))
  const geometry = new Map<string, MeshFit>()
  const fitOf = (stem: string, c: number): MeshFit => {
    const key = `${stem}:${c}`
    let fit = geometry.get(key)
    if (!fit) {
      const f = fitted.get(stem)!
      fit = { ...meshGeometry(views.get(stem)!, f.candidates[c]!.params, f.cropSize, model.config.visibility), loss: f.candidates[c]!.loss, hypothesis: 0, code: Float32Array.from(f.code) }
      geometry.set(key, fit)
    }
    return fit
  }
  const silhouette = (c: Candidate): number => c.loss.total - model.config.weights.feature * c.loss.feature
  const within = (f: FittedImage, tau: number): number[] => {
    const best = Math.min(...f.candidates.map(silhouette))
    return f.candidates.flatMap((c, k) => (silhouette(c) <= best * (1 + tau) ? [k] : []))
  }
  const rightBin = (stem: string, c: number): boolean => azimuthBin(wrapAngle(fitted.get(stem)!.candidates[c]!.params[0]!)) === images.get(stem)!.azimuthBin

  const descriptors = new Map([...evalImages, ...trn].map((im) => [im.stem, descriptor(pca, im)]))
  const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0)
  /** Similarity-weighted circular mean of the azimuths of the K images most alike each eval image. */
  const priorFrom = (pool: ImageInfo[], az: (stem: string) => number): Map<string, number> =>
    new Map(
      evalImages.map((im) => {
        const me = descriptors.get(im.stem)!
        const near = pool.filter((o) => o.stem !== im.stem).map((o) => ({ o, s: dot(me, descriptors.get(o.stem)!) })).sort((a, b) => b.s - a.s).slice(0, NEIGHBOURS)
        return [im.stem, Math.atan2(near.reduce((s, n) => s + n.s * Math.sin(az(n.o.stem)), 0), near.reduce((s, n) => s + n.s * Math.cos(az(n.o.stem)), 0))]
      }),
    )
  const priorAzimuth = priorFrom(evalImages, (stem) => fitted.get(stem)!.candidates[fitted.get(stem)!.kept]!.params[0]!)
  const trainAzimuths = loadTrainingAzimuths(variant, seed)
  const trainPrior = trainAzimuths ? priorFrom(trn, (stem) => trainAzimuths[stem]!) : null
  if (trainAzimuths) {
    const right = trn.filter((im) => azimuthBin(wrapAngle(trainAzimuths[im.stem]!)) === im.azimuthBin).length
    console.log(`training images whose camera ended training in the right bin: ${right} of ${trn.length}`)
  }
  const nearestTo = (prior: Map<string, number>, tau: number) => (f: FittedImage): number =>
    within(f, tau).reduce((a, b) => (Math.abs(wrapAngle(f.candidates[b]!.params[0]! - prior.get(f.stem)!)) < Math.abs(wrapAngle(f.candidates[a]!.params[0]! - prior.get(f.stem)!)) ? b : a))

  type PairRule = (pair: Pair, crops: [number, number][]) => [number, number]
  const perImage = (choose: (f: FittedImage) => number): PairRule => (pair) => [choose(fitted.get(pair.src)!), choose(fitted.get(pair.trg)!)]
  const rules: { name: string; tau: number | null; rule: PairRule }[] = [
    { name: 'kept', tau: null, rule: perImage((f) => f.kept) },
    {
      name: 'oracle',
      tau: null,
      rule: perImage((f) => {
        const right = f.candidates.flatMap((_, k) => (rightBin(f.stem, k) ? [k] : []))
        return right.length ? right.reduce((a, b) => (f.candidates[b]!.loss.total < f.candidates[a]!.loss.total ? b : a)) : f.kept
      }),
    },
    ...TAUS.map((tau) => ({ name: 'neighbours', tau, rule: perImage(nearestTo(priorAzimuth, tau)) })),
    ...(trainPrior ? [...TAUS, Infinity].map((tau) => ({ name: 'training neighbours', tau, rule: perImage(nearestTo(trainPrior, tau)) })) : []),
    ...TAUS.map((tau) => ({
      name: 'visible transfer',
      tau,
      rule: ((pair, crops) => {
        const src = fitOf(pair.src, fitted.get(pair.src)!.kept)
        const hits = surfaceUnder(src, crops).filter((h) => h !== null)
        const trg = fitted.get(pair.trg)!
        const visibleShare = (c: number): number => {
          const fit = fitOf(pair.trg, c)
          return mean(hits.map((h) => h.barycentric.reduce((s, w, j) => s + w * fit.visible[src.faces[3 * h.faceId + j]!]!, 0)))
        }
        const scored = within(trg, tau).map((c) => ({ c, share: visibleShare(c), loss: trg.candidates[c]!.loss.total }))
        const best = scored.reduce((a, b) => (b.share > a.share || (b.share === a.share && b.loss < a.loss) ? b : a))
        return [fitted.get(pair.src)!.kept, best.c]
      }) as PairRule,
    })),
  ]

  const score = (rule: PairRule, split: 'val' | 'test'): { pck: number; right: number } => {
    let right = 0
    let n = 0
    const pck = pairs[split].map((pair) => {
      const s = images.get(pair.src)!
      const t = images.get(pair.trg)!
      const crops = pair.srcKps.map((p) => s.transform.toCrop(p))
      const [cs, ct] = rule(pair, crops)
      right += (rightBin(pair.src, cs) ? 1 : 0) + (rightBin(pair.trg, ct) ? 1 : 0)
      n += 2
      const pred = meshTransfer(fitOf(pair.src, cs), fitOf(pair.trg, ct), crops)
      return pairPck(pred.map((p) => (p ? t.transform.toImage(p) : null)), pair)
    })
    return { pck: mean(pck), right: right / n }
  }

  const offBy = new Array<number>(8).fill(0)
  for (const im of evalImages.filter((i) => i.split === 'test')) {
    const f = fitted.get(im.stem)!
    offBy[(azimuthBin(wrapAngle(f.candidates[f.kept]!.params[0]!)) - im.azimuthBin + 8) % 8]!++
  }
  console.log(`test images by (kept bin - true bin) mod 8: ${offBy.join(' ')}`)
  console.log(`${variant} seed ${seed}: PCK@0.1 per image (%), share of fitted images in the right azimuth bin over the pairs' images`)
  console.log('| rule | tau | val PCK | val right bin | test PCK | test right bin |\n| --- | --- | --- | --- | --- | --- |')
  for (const { name, tau, rule } of rules) {
    const val = score(rule, 'val')
    const test = score(rule, 'test')
    console.log(`| ${name} | ${tau ?? ''} | ${(100 * val.pck).toFixed(1)} | ${(100 * val.right).toFixed(0)} % | ${(100 * test.pck).toFixed(1)} | ${(100 * test.right).toFixed(0)} % |`)
    appendFileSync(join(DIR, 'camera-rules.jsonl'), `${JSON.stringify({ variant, seed, rule: name, tau, val, test })}\n`)
  }
}

await main()
