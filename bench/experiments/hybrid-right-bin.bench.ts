/**
 * Experiment (issue 23, item 2): how often is a fit's kept camera, or any of its k best camera
 * hypotheses, in the image's annotated 45-degree azimuth bin? The share the hybrid's mixture
 * over hypotheses (`hybrid-topk:<run>`) could use. Reads the fits the store caches (the ones
 * `hybrid-topk:` evaluations made, with their ranked hypotheses; missing ones are fitted).
 *
 *   npx vite-node bench/experiments/hybrid-right-bin.bench.ts DATA_DIR [VARIANT=semagic] [DATASET=demo] [CATEGORIES=all, comma-separated] [APPEARANCE=0]
 *
 * APPEARANCE: the runs trained with this appearance weight (`--appearance`; 0, the default, is off).
 *
 * A model learns its azimuths in one of four frames against the generator's (same, turned,
 * mirrored, both: synthetic-category's AZIMUTH_FRAMES); the frame is the one in which the val
 * images' kept cameras are most often right, and the shares are the test images' in that frame,
 * with the mean number of different bins the best 4 hypotheses cover; "apart": the best ones at
 * least half a bin apart in azimuth, as `hybrid-topk-apart:` mixes them.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore } from '../../src/main/core/create-core'
import { AppError } from '../../src/main/core/app-error'
import { AZIMUTH, wrapAngle } from '../../src/main/engine/camera/view-camera'
import { hypothesesApart } from '../../src/main/engine/infer/fit-image'
import type { MeshFit } from '../../src/main/engine/infer/fit-image'
import { HYBRID_KINDS } from '../../src/shared/eval/hybrid-kinds'
import { DEFAULT_BATCH_SIZE, DEFAULT_HYPOTHESES } from '../../src/shared/ipc/channels/train'
import { requireDataset } from '../../src/main/services/datasets/dataset-queries'
import { MeshFits } from '../../src/main/services/train/mesh-fits'
import { imageInputs } from '../../src/main/services/train/training-inputs'
import { AZIMUTH_FRAMES, azimuthBin, mean } from './synthetic-category'

const [dataDir, variant = 'semagic', dataset = 'demo', categories, appearanceArg = '0'] = process.argv.slice(2)
const appearance = Number(appearanceArg)
if (!Number.isFinite(appearance) || appearance < 0) throw new AppError('BAD_INPUT', `APPEARANCE must be a weight >= 0, got "${appearanceArg}"`)
const only = categories ? new Set(categories.split(',')) : null
if (!dataDir) throw new AppError('BAD_INPUT', 'usage: hybrid-right-bin.bench.ts DATA_DIR [VARIANT] [DATASET] [CATEGORIES] [APPEARANCE]')
/** 8: every hypothesis the engine fits, the most any choice among them could reach. */
const KS = [1, 2, 4, 8]
/** hybrid-topk-apart's gap: hypotheses that converged onto a better one's camera count once. */
const GAP = HYBRID_KINDS['hybrid-topk-apart']!.hypothesisGap

const core = createCore({ dataDir, log: () => {} })
try {
  const root = requireDataset(core.store.db, dataset).root
  /** The annotated azimuth bin of an image (SPair's azimuth_id), by key `category/stem`. */
  const binOf = (key: string): number => (JSON.parse(readFileSync(join(root, 'ImageAnnotation', `${key}.json`), 'utf8')) as { azimuth_id: number }).azimuth_id
  const runs = core.services.train
    .runs()
    .filter((r) => r.status === 'succeeded' && r.config.variant === variant && r.config.dataset === dataset && (r.config.articulation ?? 0) === 0 && r.config.appearance === appearance && r.config.batchSize === DEFAULT_BATCH_SIZE && r.config.hypotheses === DEFAULT_HYPOTHESES && (!only || only.has(r.config.category)))
    .sort((a, b) => a.config.category.localeCompare(b.config.category) || a.config.seed - b.config.seed)
  const rows: string[] = []
  for (const run of runs) {
    const { model, checkpoint, config } = core.services.train.loadModel(run.id)
    const fits = new MeshFits(core.store.db, core.services.features, model, checkpoint, core.services.train.fitPool())
    /** Per image of a split: the annotated bin and the azimuths of the fit's ranked hypotheses, kept first. */
    const split = async (name: 'val' | 'test') => {
      const { inputs } = await imageInputs(core.store.db, core.services.features, dataset, config.backbone, { category: config.category, split: name }, undefined, { colour: model.config.appearance > 0 })
      const fitted = await fits.fitAll(inputs, { requireHypotheses: true })
      return inputs.map((input) => {
        const fit: MeshFit = fitted.get(input.key)!
        const { ranked } = fit.hypotheses!
        const azimuths = (hs: typeof ranked): number[] => hs.map((h) => h.params[AZIMUTH]!)
        return { bin: binOf(input.key), azimuths: azimuths(ranked), apart: azimuths(hypothesesApart(ranked, 8, GAP)) }
      })
    }
    const val = await split('val')
    const test = await split('test')
    const within = (im: { bin: number; azimuths: number[] }, frame: (a: number) => number, k: number): number =>
      im.azimuths.slice(0, k).some((a) => azimuthBin(wrapAngle(frame(a))) === im.bin) ? 1 : 0
    const [frameName, frame] = Object.entries(AZIMUTH_FRAMES).reduce((best, f) => (mean(val.map((im) => within(im, f[1], 1))) > mean(val.map((im) => within(im, best[1], 1))) ? f : best))
    const shares = KS.map((k) => (100 * mean(test.map((im) => within(im, frame, k)))).toFixed(0))
    const apartShares = [2, 4].map((k) => (100 * mean(test.map((im) => within({ bin: im.bin, azimuths: im.apart }, frame, k)))).toFixed(0))
    // Hypotheses that converged to one another add no bin: how many different bins the best 4 cover.
    const bins4 = mean(test.map((im) => new Set(im.azimuths.slice(0, 4).map((a) => azimuthBin(wrapAngle(a)))).size)).toFixed(1)
    rows.push(`| ${config.category} seed ${config.seed} | ${frameName} | ${shares.join(' | ')} | ${apartShares.join(' | ')} | ${bins4} | ${test.length} |`)
    process.stderr.write(`${rows.at(-1)}\n`)
  }
  process.stdout.write(`| run (${variant}) | frame (chosen on val) | ${KS.map((k) => `best ${k}`).join(' | ')} | best 2 apart | best 4 apart | bins in best 4 | test images |\n| --- | --- | ${KS.map(() => '---').join(' | ')} | --- | --- | --- | --- |\n${rows.join('\n')}\n`)
} finally {
  core.close()
}
