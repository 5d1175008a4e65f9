import { describe, expect, it } from 'vitest'
import { CHANNEL_NAMES, contract } from '../../../src/shared/ipc/contract'
import { openCore } from '../datasets/helpers'

/**
 * Payloads no channel accepts: not an object, or an object with a field no request schema
 * declares (every request is strict). Plus, per channel, each declared field set to a value of
 * the wrong type.
 */
const NOT_OBJECTS: unknown[] = [null, 42, 'text', [], true]
const WRONG_VALUES: unknown[] = [{ nested: { deep: 1 } }, Number.NaN, -1e308, '', [1, 'x'], true]

function fieldsOf(channel: (typeof CHANNEL_NAMES)[number]): string[] {
  const schema = contract[channel].request as unknown as { shape?: Record<string, unknown> }
  return Object.keys(schema.shape ?? {})
}

describe('every IPC channel rejects payloads that do not match its schema', () => {
  it('walks the whole contract with invalid payloads and gets VALIDATION errors only', async () => {
    const core = openCore()
    let cases = 0
    const unexpected: string[] = []
    for (const channel of CHANNEL_NAMES) {
      const payloads: unknown[] = [...NOT_OBJECTS.filter((p) => p !== null), { __proto__x: 1, 'not-a-field': 1 }]
      for (const field of fieldsOf(channel)) for (const value of WRONG_VALUES) payloads.push({ [field]: value })
      for (const payload of payloads) {
        const r = await core.registry.invoke(channel, payload, { transport: 'test' })
        cases++
        // A wrong value may be valid for a loose field (e.g. a JSON setting); then the call
        // must still not crash: it either succeeds or fails with a typed error.
        if (r.ok) continue
        if (!['VALIDATION', 'NOT_FOUND', 'BAD_INPUT', 'CONFLICT'].includes(r.error.code)) {
          unexpected.push(`${channel} ${JSON.stringify(payload)} -> ${r.error.code}: ${r.error.message}`)
        }
      }
      for (const payload of NOT_OBJECTS.filter((p) => p !== null)) {
        const r = await core.registry.invoke(channel, payload, { transport: 'test' })
        if (r.ok || r.error.code !== 'VALIDATION') unexpected.push(`${channel} accepted ${JSON.stringify(payload)}`)
      }
      const extra = await core.registry.invoke(channel, { 'not-a-field': 1 }, { transport: 'test' })
      if (extra.ok || extra.error.code !== 'VALIDATION') unexpected.push(`${channel} accepted an unknown field`)
    }
    expect(unexpected).toEqual([])
    expect(cases).toBeGreaterThan(CHANNEL_NAMES.length * 5)
    process.stdout.write(`contract walk: ${CHANNEL_NAMES.length} channels, ${cases} invalid payloads\n`)
  })
})
