import type { SupportedTransfer } from './mesh-transfer'

/**
 * When the hybrid lets the mesh's prediction pull its answer (issue 23, METHOD §10): a keypoint
 * whose 3-D support is weak keeps the 2-D matcher's answer, so that a fit that went wrong on
 * some images cannot drag those images below plain NN.
 */
export interface HybridGate {
  /** The source keypoint lies on the source fit's surface and its surface point is mostly visible in the target fit. */
  requireVisible: boolean
  /** The pair's fit loss (the worse of its two images') must not exceed this; null: no limit. */
  maxFitLoss: number | null
}

export const OPEN_GATE: HybridGate = { requireVisible: false, maxFitLoss: null }

/** Whether the gate lets the mesh prediction of one keypoint through. */
export function gateOpen(gate: HybridGate, support: SupportedTransfer, pairFitLoss: number): boolean {
  if (support.point === null) return false
  if (gate.requireVisible && !(support.onSurface && support.targetVisible >= 0.5)) return false
  return gate.maxFitLoss === null || pairFitLoss <= gate.maxFitLoss
}

/**
 * The gates a hybrid chooses among on its val pairs, simplest first (an equal score keeps the
 * earlier one): none, visibility, and fit-loss limits at the median and the upper quartile of
 * the val pairs' own fit losses, alone and with visibility.
 */
export function candidateGates(valPairFitLosses: readonly number[]): HybridGate[] {
  const gates: HybridGate[] = [OPEN_GATE, { requireVisible: true, maxFitLoss: null }]
  const sorted = valPairFitLosses.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return gates
  for (const q of [0.75, 0.5]) {
    const maxFitLoss = sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!
    gates.push({ requireVisible: false, maxFitLoss }, { requireVisible: true, maxFitLoss })
  }
  return gates
}

/** How reports and cache keys name a gate; the open gate has no name, so ungated keys stay as they were. */
export function gateLabel(gate: HybridGate): string {
  const parts = [...(gate.requireVisible ? ['visible'] : []), ...(gate.maxFitLoss !== null ? [`fitLoss<=${gate.maxFitLoss.toPrecision(6)}`] : [])]
  return parts.join('+')
}
