import type { HubModels } from '../../../shared/ipc/channels/features'
import { HF_BACKBONE_SUGGESTIONS } from '../../../shared/ipc/channels/features'
import { DEFAULT_HF_FILE, DEFAULT_HF_REVISION, formatHfName, parseHfName } from './hf-name'
import { listCachedModels } from './hub-cache'
import type { HubEnv } from './hub-env'
import { hubEnv } from './hub-env'

/** What the studio shows of the hub cache: every cached ONNX file by its backbone name, and the suggestions' sizes. */
export function hubModels(env: HubEnv = hubEnv()): HubModels {
  const cached = listCachedModels(env.cacheDir)
  const models = cached.map((m) => {
    const revision = m.refs.includes(DEFAULT_HF_REVISION) ? DEFAULT_HF_REVISION : (m.refs[0] ?? m.commit)
    return { name: formatHfName({ repo: m.repo, revision, file: m.file }), ...m }
  })
  const suggestions = HF_BACKBONE_SUGGESTIONS.map((name) => {
    const { repo } = parseHfName(name)
    const hit = cached.find((m) => m.repo === repo && m.file === DEFAULT_HF_FILE && m.refs.includes(DEFAULT_HF_REVISION))
    return { name, cachedBytes: hit ? hit.bytes : null }
  })
  return { cacheDir: env.cacheDir, endpoint: env.endpoint, offline: env.offline, token: env.token !== null, models, suggestions }
}
