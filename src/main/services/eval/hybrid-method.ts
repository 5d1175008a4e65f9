import type { Point } from '../../../shared/ipc/channels/datasets'
import { PCK_CONVENTIONS } from '../../../shared/eval/pck-conventions'
import { evaluatePck } from '../../../shared/eval/pck-report'
import type { PairScores } from '../../../shared/eval/pck-score'
import { valGain } from '../../../shared/eval/val-gain'
import { scoredPairOf } from '../../../shared/eval/scored-pair'
import { AppError } from '../../core/app-error'
import { candidateGates, gateLabel, gateOpen, OPEN_GATE } from '../../engine/correspondence/hybrid-gate'
import type { HybridGate, PairFit } from '../../engine/correspondence/hybrid-gate'
import { hybridRefineScored } from '../../engine/correspondence/hybrid-refine'
import type { MeshPrior } from '../../engine/correspondence/hybrid-refine'
import type { SupportedTransfer } from '../../engine/correspondence/mesh-transfer'
import type { FeatureMap } from '../../features/backbones/types'
import { cropRegion, hybridHeatmap } from '../../transfer/score-heatmap'
import { sampleFeature, similarityMap } from '../../transfer/nn-match'
import type { TransferPair } from '../../transfer/transfer-method'
import { requireDataset } from '../datasets/dataset-queries'
import type { JobContext } from '../jobs/job-manager'
import { evalPairs, transferPairOf } from './eval-pairs'
import type { EvalPair } from './eval-pairs'
import { HYBRID_KINDS } from '../../../shared/eval/hybrid-kinds'
import type { HybridChoices } from '../../../shared/eval/hybrid-kinds'
import { meshPredictor } from './mesh-predictor'
import type { FramedTransfer } from './mesh-predictor'
import type { MethodServices, ResolvedMethod } from './resolve-method'

const HYBRID_LAMBDAS = [0.03, 0.1, 0.3, 1]

/**
 * `hybrid:<run>`: METHOD §6/§9's hybrid, nearest-neighbour similarity minus a penalty for the
 * distance to the mesh prediction, applied only to keypoints whose 3-D support passes a gate
 * (hybrid-gate), with the prediction from the target's fit in the frame (as fitted, turned,
 * mirrored: engine frame-fits) the pair's 2-D features agree with most. Its weight, gate and
 * whether to offer the frames are chosen per category on the data set's val pairs (PCK@0.1 per
 * image; plain NN, lambda 0, is a candidate and wins ties), never on the pairs it is scored on,
 * so where the 3-D fit does not help it falls back to NN. `choices` are the ablations' switches
 * (hybrid-kinds): `hybrid-fitted:<run>` keeps the fits' frames; `hybrid-open:<run>` also keeps
 * the gate open; `hybrid-topk:<run>` chooses how many of each fit's best camera hypotheses make
 * its prior (a mixture over their pairings), so that a wrong kept camera need not force a wrong
 * prior; `hybrid-topk-apart:` mixes only hypotheses at least half a bin apart in azimuth;
 * `hybrid-guarded:` keeps the chosen weight only when its val gain over plain NN is above 0 at
 * one-sided 95 % (shared/eval/val-gain).
 */
export async function hybridMethod(
  name: string,
  runId: string,
  dataset: string,
  pairs: readonly EvalPair[],
  services: MethodServices,
  ctx?: JobContext,
  choices: HybridChoices = HYBRID_KINDS.hybrid!,
): Promise<ResolvedMethod> {
  const config = services.train.config(runId)
  const ds = requireDataset(services.db, dataset)
  // The weight is chosen by the data set's own PCK convention, as its test pairs are scored by default.
  const own = PCK_CONVENTIONS[ds.reader]
  const val = evalPairs(services.db, ds, 'val').filter((p) => p.pair.category === config.category)
  if (val.length === 0) throw new AppError('BAD_INPUT', `hybrid:${runId} needs val pairs of ${config.category} in "${dataset}" to choose its weight`)
  const mesh = await meshPredictor(runId, dataset, [...pairs, ...val], services, ctx, {
    hypotheses: choices.hypotheses.some((k) => k > 1) || choices.frames,
    hypothesisGap: choices.hypothesisGap,
  })
  const maps = new Map<string, FeatureMap>()
  const mapOf = (key: string): FeatureMap | null => {
    const input = mesh.inputs.get(key)
    if (!input) return null
    let m = maps.get(key)
    if (!m) maps.set(key, (m = services.features.load(input.entry)))
    return m
  }
  /** Both images' feature maps and crops, and the target box in crop pixels; null when either image has no features. */
  const sides = (pair: TransferPair) => {
    const src = mapOf(pair.srcKey)
    const trg = mapOf(pair.trgKey)
    const srcT = mesh.inputs.get(pair.srcKey)?.entry.transform
    const trgT = mesh.inputs.get(pair.trgKey)?.entry.transform
    if (!src || !trg || !srcT || !trgT) return null
    return { src, trg, srcT, trgT, region: cropRegion(trgT, pair.trgBbox ?? [0, 0, pair.trgSize[0], pair.trgSize[1]]) }
  }
  // Per pair, what the search over weights, gates and frames reads again and again: the source
  // keypoints in the crop with their similarity maps, and the transfers in each target frame.
  const memo = <T>(of: (pair: TransferPair) => T): ((pair: TransferPair) => T) => {
    const kept = new WeakMap<TransferPair, T>()
    return (pair) => {
      if (!kept.has(pair)) kept.set(pair, of(pair))
      return kept.get(pair)!
    }
  }
  const queries = memo((pair: TransferPair) => {
    const s = sides(pair)
    if (!s) return null
    const crop = pair.srcKps.map((p) => s.srcT.toCrop(p))
    return { ...s, crop, similarities: crop.map(([x, y]) => similarityMap(s.trg, sampleFeature(s.src, x, y))) }
  })
  const frameOptions = memo((pair: TransferPair) => mesh.transferCropFrames(pair))
  /**
   * The target frame (frame-fits) whose transfer the 2-D features agree with most at weight
   * `lambda`, by the hybrid's own score summed over the pair's keypoints (as fitted wins ties):
   * its transfers, and the hybrid's answers with that frame's prior (in the target image), which
   * the vote has already refined. A near-symmetric object's fits are often turned or mirrored
   * against each other with their silhouettes right; the features, weak one keypoint at a time,
   * vote together.
   */
  const chosenFrame = (pair: TransferPair, lambda: number): FramedTransfer & { answers: (Point | null)[] } => {
    const options = frameOptions(pair)
    const q = queries(pair)
    if (!q) return { ...options[0]!, answers: pair.srcKps.map(() => null) }
    let chosen = options[0]!
    let most = Number.NEGATIVE_INFINITY
    let points: Point[] = []
    for (const option of options) {
      const prior = option.transfers.map((t) => t.point)
      const refined = hybridRefineScored(q.src, q.crop, q.trg, prior, lambda, { region: q.region }, q.similarities)
      const agreement = refined.scores.reduce((a, b) => a + b, 0)
      if (agreement > most + 1e-12) [chosen, most, points] = [option, agreement, refined.points]
    }
    return { ...chosen, answers: points.map((p) => q.trgT.toImage(p)) }
  }
  /** A frame's transfers as the prior the gate reads (that frame's visibility and azimuth gap). */
  const framedPrior = ({ transfers, fit }: FramedTransfer): GatedPrior => ({ support: transfers, prior: transfers.map((t) => t.point), fit })
  /**
   * A pair's mesh prior per keypoint, with what the gate reads: the kept fits' point (k = 1), or
   * the points of every pairing of the two images' k best hypotheses (the kept fits' support and
   * pair fit), or (`framedAt`, a weight) the kept fits' in the target frame the features agree
   * with.
   */
  const priorOf = (pair: TransferPair, k: number, framedAt?: number): GatedPrior => {
    if (framedAt !== undefined) return framedPrior(chosenFrame(pair, framedAt))
    const support = mesh.transferCrop(pair)
    return { support, prior: k === 1 ? support.map((t) => t.point) : mesh.transferCropHypotheses(pair, k), fit: mesh.pairFit(pair) }
  }
  /** The mesh priors the gate lets through (null: that keypoint keeps the NN's answer). */
  const gated = (gate: HybridGate, { support, prior, fit }: GatedPrior): MeshPrior[] => support.map((t, q) => (gateOpen(gate, t, fit) ? prior[q]! : null))
  const predict = (pair: TransferPair, lambda: number, meshCrop: readonly MeshPrior[]): (Point | null)[] => {
    const q = queries(pair)
    if (!q) return pair.srcKps.map(() => null)
    return hybridRefineScored(q.src, q.crop, q.trg, meshCrop, lambda, { region: q.region }, q.similarities).points.map((p) => q.trgT.toImage(p))
  }

  // Each keypoint's answer depends only on its own weight and prior, so every (hypotheses, weight,
  // gate) is a per-keypoint choice between that prior's ungated answer and the NN's: one
  // refinement per (hypotheses, weight), not per gate.
  const valPairs = val.map(transferPairOf)
  const nnAnswers = valPairs.map((p) => predict(p, 0, p.srcKps.map(() => null)))
  const scoreOf = (answers: (Point | null)[][]) =>
    evaluatePck(
      val.map((p, i) => scoredPairOf(p.pair, p.trgSize, answers[i]!)),
      { method: name, dataset, split: 'val', cache: 'miss' },
      { alphas: [0.1], threshold: own.threshold, compare: own.compare },
    )
  const pckOf = (answers: (Point | null)[][]): number => scoreOf(answers).report.overall['0.1']!.perImage
  const nnScores = scoreOf(nnAnswers)
  const nnPck = nnScores.report.overall['0.1']!.perImage
  const plain = { hypotheses: 1, framed: false, lambda: 0, gate: OPEN_GATE, pck: nnPck }
  let best = plain
  let bestAnswers = nnAnswers
  const gates = choices.gate === 'open' ? [OPEN_GATE] : candidateGates(valPairs.map((p) => mesh.pairFit(p).loss))
  // The frames are offered after the fits as they are, so that these win ties.
  for (const framed of choices.frames ? [false, true] : [false]) {
    for (const hypotheses of framed ? [1] : choices.hypotheses) {
      const fixed = framed ? null : valPairs.map((p) => priorOf(p, hypotheses))
      for (const lambda of HYBRID_LAMBDAS) {
        const frames = framed ? valPairs.map((p) => chosenFrame(p, lambda)) : null
        const valPrior = fixed ?? frames!.map(framedPrior)
        const answers = frames ? frames.map((f) => f.answers) : valPairs.map((p, i) => predict(p, lambda, valPrior[i]!.prior))
        for (const gate of gates) {
          const mixed = valPairs.map((_, i) => gated(gate, valPrior[i]!).map((m, q) => (m ? answers[i]![q]! : nnAnswers[i]![q]!)))
          const pck = pckOf(mixed)
          if (pck > best.pck + 1e-12) [best, bestAnswers] = [{ hypotheses, framed, lambda, gate, pck }, mixed]
        }
        await new Promise((resolve) => setImmediate(resolve))
        ctx?.throwIfCancelled()
      }
    }
  }
  const chosen = best
  const gains = choices.guard && best.lambda > 0 ? pairGains(scoreOf(bestAnswers).scores, nnScores.scores, valPairs.map((p) => p.trgKey)) : null
  const gain = gains ? valGain(gains.differences, gains.clusters) : null
  if (gain && !(gain.lowerBound > 0)) best = plain
  const gateName = gateLabel(best.gate)
  const meshOf = (pair: TransferPair): MeshPrior[] => gated(best.gate, priorOf(pair, best.hypotheses, best.framed ? best.lambda : undefined))
  const pct = (v: number): string => (100 * v).toFixed(1)
  const gapDegrees = ((choices.hypothesisGap * 180) / Math.PI).toFixed(1)
  const apart = choices.hypothesisGap > 0 && best.hypotheses > 1 ? ` (at least ${gapDegrees} deg apart)` : ''
  return {
    category: mesh.category,
    ...(mesh.fitsRanOn ? { fitsRanOn: mesh.fitsRanOn } : {}),
    warnings: [
      ...mesh.warnings,
      `hybrid weight lambda = ${best.lambda}${gateName ? `, gate ${gateName}` : ''}${choices.hypotheses.length > 1 ? `, camera hypotheses per image ${best.hypotheses}${apart}` : ''}${choices.frames ? `, target frame ${best.framed ? 'chosen per pair by 2-D agreement' : 'as fitted'}` : ''} chosen on ${val.length} val pairs of ${config.category} ` +
        `(PCK@0.1 per image ${pct(best.pck)} %, plain NN ${pct(nnPck)} %)` +
        (gain
          ? `; the best weight's (${chosen.lambda}) val gain over plain NN, ${gain.mean >= 0 ? '+' : ''}${pct(gain.mean)} ± ${pct(gain.standardError)} points (clustered by target image), ` +
            (best.lambda > 0 ? `is above 0 at one-sided 95 % (bound ${pct(gain.lowerBound)}): kept` : `is not above 0 at one-sided 95 % (bound ${pct(gain.lowerBound)}): plain NN kept`)
          : ''),
    ],
    method: {
      id: name,
      // An open gate and one hypothesis predict what the first hybrid did, so its cached predictions stay valid.
      key: `hybrid:${mesh.checkpoint}:lambda=${best.lambda}:${config.backbone}${gateName ? `:gate=${gateName}` : ''}${best.hypotheses > 1 ? `:hypotheses=${best.hypotheses}${choices.hypothesisGap > 0 ? `:apart=${gapDegrees}deg` : ''}` : ''}${best.framed ? framedKey(gateName) : ''}`,
      async transfer(pair) {
        return predict(pair, best.lambda, meshOf(pair))
      },
      async scoreMaps(pair) {
        const s = sides(pair)
        if (!s) return pair.srcKps.map(() => null)
        const meshCrop = meshOf(pair)
        return pair.srcKps.map((p, i) => hybridHeatmap(s.src, s.srcT.toCrop(p), s.trg, s.trgT, meshCrop[i] ?? null, best.lambda, s.region))
      },
      dispose: async () => {
        mesh.dispose()
        maps.clear()
      },
    },
  }
}

/** Per pair with points, the method's PCK@0.1 per image minus the reference's (both scored on the same pairs), and the pair's cluster. */
function pairGains(method: PairScores, reference: PairScores, clusters: readonly string[]): { differences: number[]; clusters: string[] } {
  const out = { differences: [] as number[], clusters: [] as string[] }
  for (let p = 0; p + 1 < method.offsets.length; p++) {
    const n = method.offsets[p + 1]! - method.offsets[p]!
    if (n === 0) continue
    out.differences.push((method.correct[p]! - reference.correct[p]!) / n)
    out.clusters.push(clusters[p]!)
  }
  return out
}

/** A pair's mesh prior per keypoint and what the gate reads of it: each keypoint's support and the pair's fit. */
interface GatedPrior {
  support: SupportedTransfer[]
  prior: MeshPrior[]
  fit: PairFit
}

/**
 * The cache key's mark of a framed prior. Gated, it says that the gate reads the chosen frame's
 * visibility and azimuth gap (before session 14 it read the fit's as fitted), so that predictions
 * cached under the old reading are not served for the new.
 */
const framedKey = (gateName: string): string => (gateName ? ':frames:gate-in-frame' : ':frames')
