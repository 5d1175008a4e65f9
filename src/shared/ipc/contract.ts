import type { z } from 'zod'
import { assetsChannels } from './channels/assets'
import { curationChannels } from './channels/curation'
import { datasetsChannels } from './channels/datasets'
import { evalChannels } from './channels/eval'
import { featuresChannels } from './channels/features'
import { jobsChannels } from './channels/jobs'
import { meshesChannels } from './channels/meshes'
import { runsChannels } from './channels/runs'
import { settingsChannels } from './channels/settings'
import { systemChannels } from './channels/system'
import { trainChannels } from './channels/train'
import { transferChannels } from './channels/transfer'

/**
 * The one contract between the renderer and main. Capabilities add their channel groups here;
 * request/response types everywhere are inferred from these schemas.
 */
export const contract = {
  ...systemChannels,
  ...settingsChannels,
  ...jobsChannels,
  ...datasetsChannels,
  ...curationChannels,
  ...featuresChannels,
  ...evalChannels,
  ...transferChannels,
  ...trainChannels,
  ...meshesChannels,
  ...runsChannels,
  ...assetsChannels,
}

export type Contract = typeof contract
export type ChannelName = keyof Contract
export type RequestOf<C extends ChannelName> = z.input<Contract[C]['request']>
export type ParsedRequestOf<C extends ChannelName> = z.output<Contract[C]['request']>
export type ResponseOf<C extends ChannelName> = z.output<Contract[C]['response']>
export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[]

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}
