import type { HubModels } from '../../../shared/ipc/channels/features'
import { useCall } from '../client/use-call'

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`

/** The hf: names a backbone field offers: the suggestions, then anything else in the hub cache, each with where it stands. */
export function hubBackboneHints(hub: HubModels | null): { value: string; label: string }[] {
  if (!hub) return []
  const suggested = hub.suggestions.map((s) => ({
    value: s.name,
    label: s.cachedBytes === null ? (hub.offline ? 'not cached (HF_HUB_OFFLINE is set)' : 'downloaded on first use') : `cached, ${mb(s.cachedBytes)}`,
  }))
  const others = hub.models.filter((m) => !suggested.some((s) => s.value === m.name)).map((m) => ({ value: m.name, label: `cached, ${mb(m.bytes)}` }))
  return [...suggested, ...others]
}

/**
 * A datalist of backbone names for a free-text field: the fixed `hints`, then the Hugging Face
 * exports (with `prefix`, e.g. `nn-` for methods) and their download state.
 */
export function BackboneDatalist({ id, hints, prefix = '' }: { id: string; hints: readonly string[]; prefix?: string }): React.JSX.Element {
  const hub = useCall('features.hubModels', {})
  return (
    <datalist id={id}>
      {hints.map((h) => (
        <option key={h} value={h} />
      ))}
      {hubBackboneHints(hub.data).map((h) => (
        <option key={h.value} value={`${prefix}${h.value}`} label={h.label} />
      ))}
    </datalist>
  )
}
