/**
 * Diagnosis of the variants on the synthetic quadruped (issue #6: "if the bar is not met, find
 * out why with evidence"): separates the camera choice from the shape's semantics.
 *
 *   npx vite-node bench/experiments/engine-diagnose.bench.ts [variants] [seeds] [steps]
 *   e.g. npx vite-node bench/experiments/engine-diagnose.bench.ts baseline,semagic-i,semagic-ii,semagic 0,1,2 600
 *
 * Uses the models bench/experiments/engine-synthetic-pck.bench.ts saved (trains and saves the
 * missing ones), fits every test image keeping all hypotheses and their mirrors, and measures,
 * per model:
 * - pose: the kept camera in the right 45-degree azimuth bin (in the model's own frame: the one
 *   of same / turned / mirrored / mirrored+turned where most images agree), and how often any
 *   candidate is (the most a better choice could reach);
 * - transfer (face, PCK@0.1 per image) with the kept camera, with the oracle camera (the
 *   lowest-loss candidate in the right bin; the kept one where none is), and on the pairs whose
 *   two kept cameras are both right;
 * - semantic consistency: each annotated test keypoint read on the oracle-posed mesh (surface
 *   point under it, barycentric in the template), mapped to the canonical template V0; the mean
 *   distance of a keypoint's canonical points to their mean, over keypoints, in units of the
 *   template's extent. Small means the same vertices carry the same part in every image
 *   (METHOD §3's claim); 2-D image evidence cannot make it small for a position-only model.
 * - the choice by features: among the candidates whose silhouette loss (distance transform and
 *   chamfer) is within a factor 1 + tau of the best one's, the lowest feature loss; tau chosen
 *   on the val pairs, then scored on test (the kept rule is tau = 0 up to the mirror choice).
 * Prints one JSON line per model and appends it to <dir>/diagnose.jsonl.
 */
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { wrapAngle } from '../../src/main/engine/camera/view-camera'
import { meshTransfer } from '../../src/main/engine/correspondence/mesh-transfer'
import { fitImageCandidates } from '../../src/main/engine/infer/fit-image'
import type { MeshFit } from '../../src/main/engine/infer/fit-image'
import type { CategoryModel } from '../../src/main/engine/model/category-model'
import { categoryForward } from '../../src/main/engine/model/category-model'
import type { EngineVariant } from '../../src/main/engine/model/config'
import { projectPca } from '../../src/main/engine/pca/pca'
import { surfaceAt } from '../../src/main/engine/render/buffers'
import { rasterise } from '../../src/main/engine/render/rasterise'
import { trainCategory } from '../../src/main/engine/train/train-category'
import { AZIMUTH_FRAMES, CATEGORY, DIR, azimuthBin, experimentPca, features, loadModel, mean, pairPck, prepare, saveModel } from './synthetic-category'
import type { ImageInfo, Pair } from './synthetic-category'

interface Fitted {
  kept: MeshFit
  candidates: MeshFit[]
}

const TAUS = [0, 0.05, 0.1, 0.2, 0.4, 0.8]

const rightBin = (fit: MeshFit, frame: (a: number) => number, im: ImageInfo): boolean => azimuthBin(wrapAngle(frame(fit.pose.azimuth))) === im.azimuthBin

function transfer(pairs: Pair[], images: Map<string, ImageInfo>, fits: (stem: string) => MeshFit): number[] {
  return pairs.map((pair) => {
    const s = images.get(pair.src)!
    const t = images.get(pair.trg)!
    const pred = meshTransfer(fits(pair.src), fits(pair.trg), pair.srcKps.map((p) => s.transform.toCrop(p)))
    return pairPck(pred.map((p) => (p ? t.transform.toImage(p) : null)), pair)
  })
}

/** Per keypoint id, the canonical (template) points the annotated keypoints land on. */
function canonicalSpread(model: CategoryModel, images: Map<string, ImageInfo>, fits: (stem: string) => MeshFit): number {
  const { V0 } = categoryForward(model)
  let lo = [Infinity, Infinity, Infinity]
  let hi = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i < V0.length / 3; i++) {
    lo = lo.map((v, k) => Math.min(v, V0[3 * i + k]!))
    hi = hi.map((v, k) => Math.max(v, V0[3 * i + k]!))
  }
  const extent = Math.max(...hi.map((v, k) => v - lo[k]!))
  const byKeypoint = new Map<number, number[][]>()
  for (const im of images.values()) {
    if (im.split !== 'test') continue
    const ann = JSON.parse(readFileSync(join(DIR, 'data', 'ImageAnnotation', CATEGORY, `${im.stem}.json`), 'utf8')) as { kps: Record<string, [number, number] | null> }
    const fit = fits(im.stem)
    const size = Math.round(fit.cropSize)
    const buffers = rasterise(fit.vertices, fit.faces, fit.camera, size, size)
    for (const [id, p] of Object.entries(ann.kps)) {
      if (!p) continue
      const [x, y] = im.transform.toCrop(p)
      const hit = surfaceAt(buffers, x, y)
      if (!hit) continue
      const point = [0, 1, 2].map((k) => hit.barycentric.reduce((s, w, j) => s + w * V0[3 * fit.faces[3 * hit.faceId + j]! + k]!, 0))
      const list = byKeypoint.get(Number(id)) ?? []
      list.push(point)
      byKeypoint.set(Number(id), list)
    }
  }
  const spreads = [...byKeypoint.values()].filter((ps) => ps.length >= 3).map((ps) => {
    const c = [0, 1, 2].map((k) => mean(ps.map((p) => p[k]!)))
    return mean(ps.map((p) => Math.hypot(p[0]! - c[0]!, p[1]! - c[1]!, p[2]! - c[2]!)))
  })
  return mean(spreads) / extent
}

/** Among the candidates that fit the silhouette within 1 + tau of the best, the one the features prefer. */
function byFeatures(model: CategoryModel, candidates: MeshFit[], tau: number): MeshFit {
  const silhouette = (c: MeshFit): number => c.loss.total - model.config.weights.feature * c.loss.feature
  const best = Math.min(...candidates.map(silhouette))
  return candidates.filter((c) => silhouette(c) <= best * (1 + tau)).reduce((a, b) => (b.loss.feature < a.loss.feature ? b : a))
}

async function main(): Promise<void> {
  const variants = (process.argv[2] ?? 'baseline,semagic-i,semagic-ii,semagic').split(',') as EngineVariant[]
  const seeds = (process.argv[3] ?? '0').split(',').map(Number)
  const steps = Number(process.argv[4] ?? 600)
  const { images, pairs } = await prepare()
  const trn = [...images.values()].filter((im) => im.split === 'trn')
  const test = [...images.values()].filter((im) => im.split === 'test')
  const fittedImages = [...images.values()].filter((im) => im.split !== 'trn')
  const pca = experimentPca(images)
  for (const seed of seeds) {
    for (const variant of variants) {
      let model = loadModel(variant, seed)
      if (!model) {
        const trainImages = trn.map((im) => ({ key: im.stem, features: projectPca(pca, features(im.stem)), mask: im.mask }))
        model = (await trainCategory({ images: trainImages }, { variant, seed, steps })).model
        saveModel(model, variant, seed)
      }
      const t0 = performance.now()
      const fitted = new Map<string, Fitted>()
      for (const im of fittedImages) {
        const { best, candidates } = fitImageCandidates(model, { features: model.pca ? features(im.stem) : projectPca(pca, features(im.stem)), mask: im.mask })
        fitted.set(im.stem, { kept: best, candidates })
      }
      const fitS = (performance.now() - t0) / 1000
      const [frameName, frame] = Object.entries(AZIMUTH_FRAMES).reduce((best, f) =>
        mean(test.map((im) => (rightBin(fitted.get(im.stem)!.kept, f[1], im) ? 1 : 0))) > mean(test.map((im) => (rightBin(fitted.get(im.stem)!.kept, best[1], im) ? 1 : 0))) ? f : best,
      )
      const oracle = new Map(test.map((im) => {
        const f = fitted.get(im.stem)!
        const right = f.candidates.filter((c) => rightBin(c, frame, im)).sort((a, b) => a.loss.total - b.loss.total)
        return [im.stem, right[0] ?? f.kept]
      }))
      const keptRight = new Map(test.map((im) => [im.stem, rightBin(fitted.get(im.stem)!.kept, frame, im)]))
      const kept = transfer(pairs.test, images, (s) => fitted.get(s)!.kept)
      const withOracle = transfer(pairs.test, images, (s) => oracle.get(s)!)
      const bothRight = kept.filter((_, k) => keptRight.get(pairs.test[k]!.src) && keptRight.get(pairs.test[k]!.trg))
      const byTau = TAUS.map((tau) => {
        const chosen = (stem: string): MeshFit => byFeatures(model, fitted.get(stem)!.candidates, tau)
        return {
          tau,
          val: mean(transfer(pairs.val, images, chosen)),
          test: mean(transfer(pairs.test, images, chosen)),
          poseRight: mean(test.map((im) => (rightBin(chosen(im.stem), frame, im) ? 1 : 0))),
        }
      })
      const onVal = byTau.reduce((a, b) => (b.val > a.val ? b : a))
      const result = {
        variant,
        seed,
        frame: frameName,
        pose: {
          keptRight: mean(test.map((im) => (keptRight.get(im.stem) ? 1 : 0))),
          anyCandidateRight: mean(test.map((im) => (fitted.get(im.stem)!.candidates.some((c) => rightBin(c, frame, im)) ? 1 : 0))),
        },
        pck: {
          kept: mean(kept),
          oracle: mean(withOracle),
          bothKeptRight: mean(bothRight),
          bothKeptRightPairs: bothRight.length,
          pairs: kept.length,
        },
        featureChoice: { tauOnVal: onVal.tau, test: onVal.test, poseRight: onVal.poseRight, byTau },
        canonicalSpread: { kept: canonicalSpread(model, images, (s) => fitted.get(s)!.kept), oracle: canonicalSpread(model, images, (s) => oracle.get(s)!) },
        fitS: Math.round(fitS),
      }
      console.log(JSON.stringify(result))
      appendFileSync(join(DIR, 'diagnose.jsonl'), `${JSON.stringify(result)}\n`)
    }
  }
}

await main()
