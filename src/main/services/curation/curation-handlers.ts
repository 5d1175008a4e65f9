import type { HandlerMap } from '../../core/registry'
import type { CurationService } from './curation-service'

type CurationChannel = Extract<keyof HandlerMap, `curation.${string}`>

/** The `curation.*` channels, spread into the core's handler map. */
export function curationHandlers(curation: CurationService): Pick<HandlerMap, CurationChannel> {
  return {
    'curation.edit': ({ name, edits, label }) => curation.edit(name, edits, label),
    'curation.undo': ({ name }) => curation.undo(name),
    'curation.redo': ({ name }) => curation.redo(name),
    'curation.state': ({ name }) => curation.state(name),
    'curation.history': ({ name, offset, limit }) => curation.history(name, offset, limit),
    'curation.image': ({ name, category, stem }) => curation.image(name, category, stem),
  }
}
