/**
 * Experiment: SEMAGIC variants on one synthetic category (METHOD §7, §9, §10).
 *
 *   [ENGINE_CATEGORY=quadruped|bird|car] npx vite-node bench/experiments/engine-synthetic-pck.bench.ts [variants] [seeds] [steps]
 *   e.g. ENGINE_CATEGORY=bird npx vite-node bench/experiments/engine-synthetic-pck.bench.ts semagic,baseline 0,1,2 600
 *
 * $ENGINE_CONFIG (JSON) overrides the engine's defaults, e.g. '{"preferAbove":null}'; models are saved under a name
 * tagged with a hash of the settings they trained with (synthetic-category modelName). $ENGINE_ORACLE=azimuth
 * trains with the annotated azimuths as the viewpoint prior's (synthetic-category ORACLE). $ENGINE_MODEL=FILE
 * scores a model this script saved instead of training one (its variant, seed, steps and settings are the model's;
 * the arguments are ignored): the same runs scored on another val or test split (trn and the PCA must be the ones it
 * trained on).
 *
 * Generates the full synthetic category (seed 1: 200/100/50 images; 200/25/50 before 2026-12-07, the same trn and test) once, extracts the default
 * pretrained features (InceptionV3 hypercolumns, square box crop with 10 % margin, 299 px) into
 * a float16 cache, fits the PCA (64 dims) on the training images' foreground cells, then per
 * variant and seed: trains on trn (masks and features only), fits val and test images with the
 * category frozen, transfers every val/test pair through the mesh, and scores PCK@0.1 per image
 * (per pair, threshold 0.1 max(target bbox w, h), in original pixels). Also: the 2-D nearest
 * neighbour on the raw features and the hybrid with lambda chosen on val. Results are appended
 * as JSON lines to <dir>/results.jsonl and printed, models saved to <dir>/models. Work folder:
 * $ENGINE_EXPERIMENT_DIR or /tmp/semagic-engine-experiment.
 */
import { appendFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { hybridRefine } from '../../src/main/engine/correspondence/hybrid-refine'
import { meshTransfer } from '../../src/main/engine/correspondence/mesh-transfer'
import { wrapAngle } from '../../src/main/engine/camera/view-camera'
import { fitImage, trainingFits } from '../../src/main/engine/infer/fit-image'
import type { MeshFit } from '../../src/main/engine/infer/fit-image'
import type { CategoryModel } from '../../src/main/engine/model/category-model'
import type { EngineVariant } from '../../src/main/engine/model/config'
import { projectPca } from '../../src/main/engine/pca/pca'
import { runTraining, startTraining } from '../../src/main/engine/train/train-category'
import { trainingTargets } from '../../src/main/engine/train/training-data'
import { givenPrior } from '../../src/main/engine/train/viewpoint-prior'
import type { FeatureMap } from '../../src/main/features/backbones/types'
import { nnMatch } from '../../src/main/transfer/nn-match'
import { AZIMUTH_FRAMES, CATEGORY, CONFIG, DIR, MODEL_FILE, ORACLE, azimuthBin, experimentPca, features, mean, pairPck, prepare, readModelFile, readTrainingAzimuths, saveModel, saveTrainingAzimuths } from './synthetic-category'
import type { ImageInfo, Pair } from './synthetic-category'

const LAMBDAS = [0, 0.01, 0.03, 0.1, 0.3, 1]

interface Methods {
  face: number[]
  idw: number[]
  nn: number[]
  hybrid: Map<number, number[]>
  viewpoint: number[]
}

function transferAll(pairs: Pair[], images: Map<string, ImageInfo>, fits: Map<string, MeshFit>, raw: Map<string, FeatureMap>): Methods {
  const out: Methods = { face: [], idw: [], nn: [], hybrid: new Map(LAMBDAS.map((l) => [l, []])), viewpoint: [] }
  for (const pair of pairs) {
    const s = images.get(pair.src)!
    const t = images.get(pair.trg)!
    const crops = pair.srcKps.map((p) => s.transform.toCrop(p))
    const toImage = (ps: ([number, number] | null)[]): ([number, number] | null)[] => ps.map((p) => (p ? t.transform.toImage(p) : null))
    const face = meshTransfer(fits.get(pair.src)!, fits.get(pair.trg)!, crops)
    out.face.push(pairPck(toImage(face), pair))
    out.idw.push(pairPck(toImage(meshTransfer(fits.get(pair.src)!, fits.get(pair.trg)!, crops, { method: 'idw' })), pair))
    const [bx1, by1] = t.transform.toCrop([pair.trgBbox[0], pair.trgBbox[1]])
    const [bx2, by2] = t.transform.toCrop([pair.trgBbox[2], pair.trgBbox[3]])
    const region = [bx1, by1, bx2, by2] as const
    out.nn.push(pairPck(toImage(nnMatch(raw.get(pair.src)!, crops, raw.get(pair.trg)!, { region })), pair))
    for (const l of LAMBDAS) out.hybrid.get(l)!.push(pairPck(toImage(hybridRefine(raw.get(pair.src)!, crops, raw.get(pair.trg)!, face, l, { region })), pair))
    out.viewpoint.push(pair.viewpoint)
  }
  return out
}

async function main(): Promise<void> {
  const variants = (process.argv[2] ?? 'semagic,baseline').split(',') as EngineVariant[]
  const seeds = (process.argv[3] ?? '0').split(',').map(Number)
  const steps = Number(process.argv[4] ?? 600)
  const { images, pairs } = await prepare()
  const trn = [...images.values()].filter((im) => im.split === 'trn')
  const evalImages = [...images.values()].filter((im) => im.split !== 'trn')
  const t0 = performance.now()
  const pca = experimentPca(images)
  console.log(`PCA of ${trn.length} training images in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const trainImages = trn.map((im) => ({ key: im.stem, features: projectPca(pca, features(im.stem)), mask: im.mask, colour: im.colour }))
  const raw = new Map(evalImages.map((im) => [im.stem, features(im.stem)]))
  const projected = new Map([...raw].map(([k, m]) => [k, projectPca(pca, m)]))
  /** Fits val and test with the frozen category, transfers every pair and appends the result. */
  const score = (model: CategoryModel, trainS: number, trainAzimuths: Record<string, number>): void => {
    const { variant, seed, steps } = model.config
    const t2 = performance.now()
    const fits = new Map(evalImages.map((im) => [im.stem, fitImage(model, { features: projected.get(im.stem)!, mask: im.mask, colour: im.colour })]))
    const fitS = (performance.now() - t2) / 1000
    // Azimuth bin as SPair counts it, in the model's own frame (it may have learned a turned or mirrored one).
    const bins = (frame: (a: number) => number, split: 'trn' | 'test' = 'test'): number =>
      mean(
        [...images.values()]
          .filter((im) => im.split === split)
          .map((im) => (azimuthBin(wrapAngle(frame(split === 'trn' ? trainAzimuths[im.stem]! : fits.get(im.stem)!.pose.azimuth))) === im.azimuthBin ? 1 : 0)),
      )
    const val = transferAll(pairs.val, images, fits, raw)
    const test = transferAll(pairs.test, images, fits, raw)
    const lambda = LAMBDAS.reduce((best, l) => (mean(val.hybrid.get(l)!) > mean(val.hybrid.get(best)!) ? l : best), 0)
    const vp = (m: number[], v: number): number => mean(m.filter((_, k) => test.viewpoint[k] === v))
    const result = {
      category: CATEGORY,
      variant,
      seed,
      steps,
      lr: model.config.lr,
      config: MODEL_FILE ? model.config : CONFIG,
      ...(ORACLE ? { oracle: 'azimuth' } : {}),
      ...(MODEL_FILE ? { model: basename(MODEL_FILE) } : {}),
      trainS: Math.round(trainS),
      fitS: Math.round(fitS),
      test: {
        face: mean(test.face),
        idw: mean(test.idw),
        nn: mean(test.nn),
        hybrid: mean(test.hybrid.get(lambda)!),
        lambda,
        faceByViewpoint: [0, 1, 2].map((v) => vp(test.face, v)),
        hybridByViewpoint: [0, 1, 2].map((v) => vp(test.hybrid.get(lambda)!, v)),
        nnByViewpoint: [0, 1, 2].map((v) => vp(test.nn, v)),
        pairs: test.face.length,
      },
      val: { face: mean(val.face), idw: mean(val.idw), nn: mean(val.nn), hybrid: Object.fromEntries(LAMBDAS.map((l) => [l, mean(val.hybrid.get(l)!)])) },
      azimuthExactBin: Object.fromEntries(Object.entries(AZIMUTH_FRAMES).map(([k, f]) => [k, bins(f)])),
      trainAzimuthExactBin: Object.fromEntries(Object.entries(AZIMUTH_FRAMES).map(([k, f]) => [k, bins(f, 'trn')])),
    }
    console.log(JSON.stringify(result))
    appendFileSync(join(DIR, 'results.jsonl'), `${JSON.stringify(result)}\n`)
  }
  if (MODEL_FILE) {
    // The model says what it is; the variants, seeds and steps given are for training.
    score(readModelFile(MODEL_FILE), 0, readTrainingAzimuths(MODEL_FILE))
    return
  }
  for (const seed of seeds) {
    for (const variant of variants) {
      const t1 = performance.now()
      const started = startTraining({ images: trainImages }, { ...CONFIG, variant, seed, steps })
      if (ORACLE) started.state.viewpointPrior = givenPrior(Float32Array.from(trn, (im) => wrapAngle((im.azimuthBin * Math.PI) / 4)))
      const { model, state } = await runTraining(started.state, started.targets, {
        onStep: (s, l) => {
          if (s % 100 === 0) console.log(`  ${variant} seed ${seed} step ${s}: view ${l.view!.toFixed(3)} feature ${l.feature!.toFixed(3)} chamfer ${l.chamfer!.toFixed(3)}`)
        },
        onFrameSync: (s, sync) => {
          // Against the annotated azimuth bins: each image's bin offset from its truth; the commonest offset is the model's frame.
          const offsets = sync.keptAzimuths.map((a, k) => (azimuthBin(wrapAngle(a)) - trn[k]!.azimuthBin + 8) % 8)
          const counts = Array.from({ length: 8 }, (_, d) => offsets.filter((o) => o === d).length)
          const frame = counts.indexOf(Math.max(...counts))
          const kind = (o: number): string => (o === frame ? 'same' : o === (frame + 4) % 8 ? 'turned' : 'other')
          const turnedKinds = sync.turnedRows.map((r) => kind(offsets[r]!))
          const count = (what: string): number => turnedKinds.filter((k) => k === what).length
          console.log(
            `  ${variant} seed ${seed} step ${s}: frames synchronised, ${sync.turnedRows.length} images turned (of them, in the model's frame before: ${count('same')}, turned against it: ${count('turned')}, neither: ${count('other')}; ` +
              `all images before: ${counts[frame]} in the frame, ${counts[(frame + 4) % 8]} turned), mean pair agreement ${sync.before.toFixed(4)} -> ${sync.after.toFixed(4)}`,
          )
        },
      })
      const trainS = (performance.now() - t1) / 1000
      saveModel(model, variant, seed)
      const trainFits = trainingFits(state, trainingTargets({ images: trainImages }, model.config.appearance))
      const trainAzimuths = Object.fromEntries(trn.map((im, k) => [im.stem, trainFits[k]!.pose.azimuth]))
      saveTrainingAzimuths(trainAzimuths, variant, seed)
      score(model, trainS, trainAzimuths)
    }
  }
}

await main()
