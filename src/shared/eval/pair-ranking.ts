export type PairSortKey = 'pck' | 'error' | 'pair'

export interface RankedPair {
  pck: number
  /** Mean normalised error; Infinity (or NaN) when a prediction is missing: always the worst. */
  meanNormError: number
}

const err = (r: RankedPair): number => (Number.isNaN(r.meanNormError) ? Infinity : r.meanNormError)

/**
 * Pair indices in list order. `pck` ascending is worst first (lowest PCK, then largest error);
 * `error` descending is worst first too; `pair` keeps the input order. Ties always fall back to
 * the input order, so pages of a sorted list never overlap or skip a pair.
 */
export function rankPairs(rows: readonly RankedPair[], sort: PairSortKey, descending: boolean): number[] {
  const order = rows.map((_, i) => i)
  const sign = descending ? -1 : 1
  const cmpErr = (a: RankedPair, b: RankedPair): number => {
    const ea = err(a)
    const eb = err(b)
    return ea === eb ? 0 : ea < eb ? -1 : 1
  }
  return order.sort((x, y) => {
    const a = rows[x]!
    const b = rows[y]!
    let c = 0
    if (sort === 'pck') c = sign * (a.pck - b.pck || -cmpErr(a, b))
    else if (sort === 'error') c = sign * (cmpErr(a, b) || b.pck - a.pck)
    else c = sign * (x - y)
    return c || x - y
  })
}
