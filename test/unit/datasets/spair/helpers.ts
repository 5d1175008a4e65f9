import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ImportWarning, Warn } from '../../../../src/main/datasets/spair/types'

export const FIXTURE = join(__dirname, '../../../fixtures/spair/SPair-71k')

export function collector(): { warn: Warn; warnings: ImportWarning[] } {
  const warnings: ImportWarning[] = []
  return { warnings, warn: (file, field, message) => warnings.push({ file, field, message }) }
}

export function fixtureJson(rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURE, rel), 'utf8')) as Record<string, unknown>
}

/** The (file, field) pairs of warnings, the part every malformed-input test pins down. */
export const where = (warnings: ImportWarning[]): [string, string][] => warnings.map((w) => [w.file, w.field])
