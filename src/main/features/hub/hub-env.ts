import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where and how the hub is reached, read from the same variables huggingface_hub reads. */
export interface HubEnv {
  /** `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir: string
  /** `$HF_ENDPOINT` without a trailing slash, else https://huggingface.co. */
  endpoint: string
  /** `$HF_TOKEN`: sent as a Bearer header to `endpoint` only, never logged or stored. */
  token: string | null
  /** `$HF_HUB_OFFLINE` set to 1/true/yes/on: the cache only, no request at all. */
  offline: boolean
}

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co'

const truthy = (v: string | undefined): boolean => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase())
const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v : undefined)

export function hubEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  const home = nonEmpty(env.HF_HOME) ?? join(nonEmpty(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache'), 'huggingface')
  const endpoint = (nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, '')
  return {
    cacheDir: nonEmpty(env.HF_HUB_CACHE) ?? join(home, 'hub'),
    endpoint,
    token: nonEmpty(env.HF_TOKEN)?.trim() ?? null,
    offline: truthy(env.HF_HUB_OFFLINE),
  }
}
