import { createHash } from 'node:crypto'

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json }

/** Key order must not change the hash: objects are written with sorted keys. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const obj = value as { readonly [key: string]: Json }
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k]!)}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

/** 16 hex digits of SHA-256 over the canonical JSON of the settings. */
export function settingsHash(settings: { readonly [key: string]: Json }): string {
  return createHash('sha256').update(canonical(settings)).digest('hex').slice(0, 16)
}
