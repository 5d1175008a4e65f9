/**
 * Pair names are `PPPPPP-<src>-<trg>:<category>`. Copies made on Windows rewrite the `:` to
 * `_` (file names and Layout lines), which makes the category separator ambiguous with the
 * `_` inside VOC stems; the known category names resolve it. Names are stored in the
 * canonical `:` form so that keys do not depend on which copy was imported.
 */
export function canonicalPairName(name: string, categories: readonly string[]): string {
  if (name.includes(':')) return name
  let best: string | null = null
  for (const c of categories) {
    if (name.length > c.length + 1 && name.endsWith(`_${c}`) && (best === null || c.length > best.length)) best = c
  }
  return best === null ? name : `${name.slice(0, name.length - best.length - 1)}:${best}`
}

export function pairNameOf(pairId: number, srcStem: string, trgStem: string, category: string): string {
  return `${String(pairId).padStart(6, '0')}-${srcStem}-${trgStem}:${category}`
}

