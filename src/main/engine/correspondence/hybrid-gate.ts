import type { SupportedTransfer } from './mesh-transfer'

/**
 * When the hybrid lets the mesh's prediction pull its answer (issue 23, METHOD §10): a keypoint
 * whose 3-D support is weak keeps the 2-D matcher's answer, so that a fit that went wrong on
 * some images cannot drag those images below plain NN; and a pair whose two fitted cameras look
 * from nearly the same side keeps it too, since 2-D matching is at its best there (METHOD §9:
 * the prior cost the NN points at small viewpoint change).
 */
export interface HybridGate {
  /** The source keypoint lies on the source fit's surface and its surface point is mostly visible in the target fit. */
  requireVisible: boolean
  /** The pair's fit loss (the worse of its two images') must not exceed this; null: no limit. */
  maxFitLoss: number | null
  /** The two fits' azimuths must differ by at least this (radians); null: no limit. */
  minAzimuthGap: number | null
}

/** What the two fits of a pair say about it as a whole. */
export interface PairFit {
  /** The worse (larger) of the two images' fit losses; +Infinity without both fits. */
  loss: number
  /** The angle between the two fitted cameras' azimuths, in [0, pi]. */
  azimuthGap: number
}

export const OPEN_GATE: HybridGate = { requireVisible: false, maxFitLoss: null, minAzimuthGap: null }

/** Whether the gate lets the mesh prediction of one keypoint through. */
export function gateOpen(gate: HybridGate, support: SupportedTransfer, pair: PairFit): boolean {
  if (support.point === null) return false
  if (gate.requireVisible && !(support.onSurface && support.targetVisible >= 0.5)) return false
  if (gate.minAzimuthGap !== null && pair.azimuthGap < gate.minAzimuthGap) return false
  return gate.maxFitLoss === null || pair.loss <= gate.maxFitLoss
}

/** The azimuth bins' width the engine's hypotheses are spaced by (8 around the circle). */
const BIN = Math.PI / 4

/**
 * The gates a hybrid chooses among on its val pairs, simplest first (an equal score keeps the
 * earlier one): none; visibility; fit-loss limits at the upper quartile and the median of the val
 * pairs' own fit losses; azimuth gaps of half a hypothesis bin and one bin; and each limit with
 * visibility.
 */
export function candidateGates(valPairFitLosses: readonly number[]): HybridGate[] {
  const limits: Omit<HybridGate, 'requireVisible'>[] = [{ maxFitLoss: null, minAzimuthGap: null }]
  const sorted = valPairFitLosses.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length > 0) {
    for (const q of [0.75, 0.5]) limits.push({ maxFitLoss: sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!, minAzimuthGap: null })
  }
  for (const gap of [BIN / 2, BIN]) limits.push({ maxFitLoss: null, minAzimuthGap: gap })
  return limits.flatMap((l) => [
    { requireVisible: false, ...l },
    { requireVisible: true, ...l },
  ])
}

/** How reports and cache keys name a gate; the open gate has no name, so ungated keys stay as they were. */
export function gateLabel(gate: HybridGate): string {
  const parts = [
    ...(gate.requireVisible ? ['visible'] : []),
    ...(gate.maxFitLoss !== null ? [`fitLoss<=${gate.maxFitLoss.toPrecision(6)}`] : []),
    ...(gate.minAzimuthGap !== null ? [`azimuthGap>=${((gate.minAzimuthGap * 180) / Math.PI).toFixed(1)}deg`] : []),
  ]
  return parts.join('+')
}
