import { resolve } from 'node:path'
import type { ImportResult, ImportWarning } from '../../../shared/ipc/channels/datasets'
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
  return { name: s.name, categories, pairs: s.pairs, keypoints: s.keypoints, warnings }
}

function humanSummary(result: ImportResult, warnings: ImportWarning[]): string {
  const s = result.summary
  const n = (x: number): string => x.toLocaleString('en-US')
  const total = s.pairs.trn + s.pairs.val + s.pairs.test
  const lines = [
    `${s.name}: ${n(s.images)} images in ${Object.keys(s.categories).length} categories, ${n(total)} pairs ` +
      `(trn ${n(s.pairs.trn)}, val ${n(s.pairs.val)}, test ${n(s.pairs.test)}), ${n(s.keypoints)} annotated keypoints`,
    `skipped ${s.skipped.images} image and ${s.skipped.pairs} pair files; ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
    ...warnings.slice(0, SHOWN_WARNINGS).map((w) => `  ${w.file} [${w.field}]: ${w.message}`),
  ]
  if (warnings.length > SHOWN_WARNINGS) lines.push(`  ... and ${warnings.length - SHOWN_WARNINGS} more (--json lists them all)`)
  return `${lines.join('\n')}\n`
}

/** `semagic datasets import --spair ROOT`: the same job as the `datasets.import` channel, followed on stderr. */
export async function runImport(core: Core, values: Values, io: CliIo): Promise<number> {
  const root = values.spair
  if (typeof root !== 'string' || root.length === 0) throw new CliUsageError('--spair ROOT is required')
  const name = typeof values.name === 'string' ? values.name : undefined
  try {
    const result = await followJob<ImportResult>(core, io, 'import', () => core.services.datasets.startImport(resolve(root), name).jobId)
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
