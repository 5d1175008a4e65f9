/** What a hybrid chooses on val besides its weight: the gate (or none, forced open) and how many camera hypotheses its prior mixes. */
export interface HybridChoices {
  /** 'chosen': the gate is chosen on val with the weight (hybrid-gate); 'open': the 3-D term applies to every keypoint. */
  gate: 'chosen' | 'open'
  /**
   * How many of each image's best camera hypotheses make the mesh prior (a mixture over the
   * pairings of the two images' hypotheses), chosen on val among these; 1 is the kept fits alone.
   */
  hypotheses: readonly number[]
  /**
   * The azimuth (radians) by which the mixed hypotheses must differ: 0 takes the k best as they
   * rank; half a hypothesis bin passes over hypotheses that converged onto a better one's camera.
   */
  hypothesisGap: number
  /**
   * Keep the chosen weight only when its val gain over plain NN is above 0 at one-sided 95 %
   * (per-pair differences, standard error clustered by target image; shared/eval/val-gain), else
   * plain NN: a best-of-many choice on a few hundred val pairs can pick a weight whose val lead is noise.
   */
  guard: boolean
  /**
   * Also offered on val: the prior from the target's fit turned, mirrored or both (engine
   * frame-fits), whichever the pair's 2-D features agree with most, chosen per pair: a
   * near-symmetric object's fits turn or mirror against each other with their silhouettes right.
   */
  frames: boolean
}

/**
 * The hybrids a method name can ask for, `<kind>:<run>`: the studio's hybrid and its ablations,
 * each a row of its own in `semagic bench --hybrids` (`<kind>-<variant>`). The studio's hybrid
 * offers the target frames on val (docs/experiments/hybrid-frames.md: test 34.1 against 33.4 on
 * the demo set, 37.3 against 36.2 on the fox); `hybrid-fitted` is it without them, the hybrid the
 * other ablations were measured against, which they still change one switch of.
 */
export const HYBRID_KINDS: Readonly<Record<string, HybridChoices>> = {
  hybrid: { gate: 'chosen', hypotheses: [1], hypothesisGap: 0, guard: false, frames: true },
  'hybrid-fitted': { gate: 'chosen', hypotheses: [1], hypothesisGap: 0, guard: false, frames: false },
  'hybrid-open': { gate: 'open', hypotheses: [1], hypothesisGap: 0, guard: false, frames: false },
  // The first of equal val scores is kept: one hypothesis, today's hybrid, wins ties.
  'hybrid-topk': { gate: 'chosen', hypotheses: [1, 2, 4], hypothesisGap: 0, guard: false, frames: false },
  // The engine's hypotheses share one code and converge (the best 4 cover about 2 azimuth bins):
  // the best ones at least half a bin (22.5 degrees) apart.
  'hybrid-topk-apart': { gate: 'chosen', hypotheses: [1, 2, 4], hypothesisGap: Math.PI / 8, guard: false, frames: false },
  // The hybrid whose weight must beat plain NN on val by more than the val set's noise.
  'hybrid-guarded': { gate: 'chosen', hypotheses: [1], hypothesisGap: 0, guard: true, frames: false },
}

/** The kind, run and choices of a hybrid method name; null for a name that is not a hybrid. */
export function parseHybridMethod(name: string): { kind: string; runId: string; choices: HybridChoices } | null {
  const colon = name.indexOf(':')
  if (colon < 0) return null
  const kind = name.slice(0, colon)
  const choices = Object.hasOwn(HYBRID_KINDS, kind) ? HYBRID_KINDS[kind] : undefined
  return choices ? { kind, runId: name.slice(colon + 1), choices } : null
}

/** Whether a method is a hybrid of any kind (`hybrid:`, `hybrid-open:`, ...): a 3-D method with a 2-D score map. */
export const isHybridMethod = (name: string): boolean => parseHybridMethod(name) !== null
