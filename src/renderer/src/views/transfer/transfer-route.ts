import type { Split } from '../../../../shared/ipc/channels/datasets'
import type { PairSort } from '../../../../shared/ipc/channels/eval'
import { hrefFor } from '../../shell/route'
import type { ParamValues } from '../../shell/route'
import { isHybridMethod } from '../../../../shared/eval/hybrid-kinds'

export interface ImageKey {
  category: string
  stem: string
}

/** What the Transfer view shows, as its route says (so that links and reloads land on the same thing). */
export interface TransferSelection {
  ds: string | null
  split: Split
  /** A pair of the data set by name, or null in "any two images" mode. */
  pair: string | null
  src: ImageKey | null
  trg: ImageKey | null
  methods: string[]
  /** The evaluated method whose per-pair errors order the pair list. */
  rank: string | null
  sort: PairSort
  desc: boolean
  alpha: number
}

const SPLITS: readonly Split[] = ['trn', 'val', 'test']

/** Method names may hold commas (paths): each is encoded, then joined. */
export function encodeMethods(methods: readonly string[]): string {
  return methods.map(encodeURIComponent).join(',')
}

export function decodeMethods(value: string | null): string[] {
  if (!value) return []
  const out: string[] = []
  for (const part of value.split(',')) {
    try {
      const m = decodeURIComponent(part).trim()
      if (m && !out.includes(m)) out.push(m)
    } catch {
      // a hand-edited URL with a broken escape: that one is dropped
    }
  }
  return out
}

/** `category/stem`; `category/` is a category chosen before its image (stem ''). */
export function imageKeyOf(value: string | null): ImageKey | null {
  if (!value) return null
  const i = value.lastIndexOf('/')
  if (i <= 0) return null
  return { category: value.slice(0, i), stem: value.slice(i + 1) }
}

export function readSelection(params: URLSearchParams): TransferSelection {
  const split = params.get('split')
  const sort = params.get('sort')
  const alpha = Number(params.get('alpha'))
  return {
    ds: params.get('ds') || null,
    split: SPLITS.includes(split as Split) ? (split as Split) : 'test',
    pair: params.get('pair') || null,
    src: imageKeyOf(params.get('src')),
    trg: imageKeyOf(params.get('trg')),
    methods: decodeMethods(params.get('m')),
    rank: params.get('rank') || null,
    sort: sort === 'error' || sort === 'pair' ? sort : 'pck',
    desc: params.get('desc') === '1',
    alpha: Number.isFinite(alpha) && alpha > 0 && alpha <= 1 ? alpha : 0.1,
  }
}

export function selectionParams(sel: Partial<TransferSelection>): ParamValues {
  return {
    ds: sel.ds,
    split: sel.split,
    pair: sel.pair,
    src: sel.src ? `${sel.src.category}/${sel.src.stem}` : null,
    trg: sel.trg ? `${sel.trg.category}/${sel.trg.stem}` : null,
    m: sel.methods && sel.methods.length ? encodeMethods(sel.methods) : null,
    rank: sel.rank,
    sort: sel.sort && sel.sort !== 'pck' ? sel.sort : null,
    desc: sel.desc ? 1 : null,
    alpha: sel.alpha !== undefined && sel.alpha !== 0.1 ? sel.alpha : null,
  }
}

/** A link into the Transfer view with one pair and method selected (the Reports gallery uses it). */
export function transferHref(sel: Partial<TransferSelection>): string {
  return hrefFor('transfer', selectionParams(sel))
}

/** Methods the interactive channel answers with a score map: NN similarity, and the hybrid's penalised similarity. */
export const hasHeatmap = (method: string): boolean => method.startsWith('nn-') || isHybridMethod(method)
