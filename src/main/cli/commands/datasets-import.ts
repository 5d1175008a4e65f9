import { resolve } from 'node:path'
import { CubSampling, DATASET_FORMATS } from '../../../shared/ipc/channels/datasets'
import type { DatasetFormat, ImportResult, ImportWarning } from '../../../shared/ipc/channels/datasets'
import { formatDuration } from '../../../shared/progress'
import { AppError } from '../../core/app-error'
import type { Core } from '../../core/create-core'
import { CliUsageError } from '../cli-error'
import type { CliIo, Values } from '../command'
import { followJob } from '../follow-job'

const SHOWN_WARNINGS = 20

/** The --json document: a stable shape for scripts (status and timing go to stderr). */
export function importJson(result: ImportResult, warnings: ImportWarning[]): object {
  const s = result.summary
  const categories = Object.fromEntries(Object.entries(s.categories).map(([c, v]) => [c, { images: v.images, pairs: v.pairs }]))
  // SPair-71k's document stays as it was; other formats say which they are (and CUB its draw).
  const format = s.format === 'spair' ? {} : { format: s.format, ...(s.sampling ? { sampling: s.sampling } : {}) }
  return { name: s.name, ...format, categories, pairs: s.pairs, keypoints: s.keypoints, warnings }
}

function humanSummary(result: ImportResult, warnings: ImportWarning[]): string {
  const s = result.summary
  const n = (x: number): string => x.toLocaleString('en-US')
  const total = s.pairs.trn + s.pairs.val + s.pairs.test
  const lines = [
    `${s.name}: ${n(s.images)} images in ${Object.keys(s.categories).length} categories, ${n(total)} pairs ` +
      `(trn ${n(s.pairs.trn)}, val ${n(s.pairs.val)}, test ${n(s.pairs.test)}), ${n(s.keypoints)} annotated keypoints`,
    ...(s.sampling
      ? [`val and pairs drawn with seed ${s.sampling.seed}: ${s.sampling.pairsPerSpecies} pairs per species and split, val = ${s.sampling.valFraction} of each species' training images`]
      : []),
    `skipped ${s.skipped.images} image and ${s.skipped.pairs} pair files; ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
    ...warnings.slice(0, SHOWN_WARNINGS).map((w) => `  ${w.file} [${w.field}]: ${w.message}`),
  ]
  if (warnings.length > SHOWN_WARNINGS) lines.push(`  ... and ${warnings.length - SHOWN_WARNINGS} more (--json lists them all)`)
  return `${lines.join('\n')}\n`
}

const SAMPLING_FLAGS = { seed: 'seed', 'pairs-per-species': 'pairsPerSpecies', 'val-fraction': 'valFraction' } as const

/** The one format flag given (--spair, --pf-pascal, --pf-willow, --cub) and its root; CUB's sampling flags checked. */
function formatAndRoot(values: Values): { format: DatasetFormat; root: string; sampling: Partial<CubSampling> | undefined } {
  const given = DATASET_FORMATS.filter((f) => values[f] !== undefined)
  if (given.length !== 1) throw new CliUsageError('give exactly one of --spair ROOT, --pf-pascal ROOT, --pf-willow ROOT or --cub ROOT')
  const format = given[0]!
  const root = values[format]
  if (typeof root !== 'string' || root.length === 0) throw new CliUsageError(`--${format} needs a ROOT folder`)
  const raw: Record<string, number> = {}
  for (const [flag, key] of Object.entries(SAMPLING_FLAGS)) {
    const v = values[flag]
    if (v === undefined) continue
    if (format !== 'cub') throw new CliUsageError(`--${flag} applies to --cub only`)
    raw[key] = Number(v)
  }
  const sampling = CubSampling.partial().safeParse(raw)
  if (!sampling.success) {
    const issue = sampling.error.issues[0]
    const flag = Object.entries(SAMPLING_FLAGS).find(([, k]) => k === issue?.path[0])?.[0] ?? 'sampling'
    throw new CliUsageError(`--${flag}: ${issue?.message ?? 'invalid'}`)
  }
  return { format, root, sampling: format === 'cub' ? sampling.data : undefined }
}

/** `semagic datasets import --spair|--pf-pascal|--pf-willow|--cub ROOT`: the `datasets.import` job, followed on stderr. */
export async function runImport(core: Core, values: Values, io: CliIo): Promise<number> {
  const { format, root, sampling } = formatAndRoot(values)
  const name = typeof values.name === 'string' ? values.name : undefined
  try {
    const result = await followJob<ImportResult>(core, io, 'import', () => core.services.datasets.startImport(resolve(root), name, format, sampling).jobId)
    const warnings = core.services.datasets.warnings(result.name).items
    io.stderr.write(`${result.name}: ${result.status} in ${formatDuration(result.seconds)} (${result.seconds.toFixed(2)} s), content ${result.summary.contentHash.slice(0, 12)}\n`)
    io.stdout.write(values.json ? `${JSON.stringify(importJson(result, warnings), null, 2)}\n` : humanSummary(result, warnings))
    return 0
  } catch (error) {
    if (error instanceof AppError && error.code === 'CANCELLED') {
      io.stderr.write('import cancelled; the previous index is unchanged\n')
      return 130
    }
    throw error
  }
}
