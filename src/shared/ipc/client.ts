import type { ChannelName, RequestOf, ResponseOf } from './contract'
import { contract } from './contract'
import type { EventName, EventPayload } from './events'
import { events } from './events'
import { IpcError } from './result'
import type { Transport } from './transport'

export interface SemagicClient {
  readonly transport: Transport['kind']
  call<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/**
 * The renderer's only way to reach main. Responses and events are parsed against the contract
 * here too, so a main/renderer version skew shows up as a clear error instead of a wrong view.
 */
export function createClient(transport: Transport): SemagicClient {
  return {
    transport: transport.kind,
    async call(channel, request) {
      const result = await transport.invoke(channel, request)
      if (!result.ok) throw new IpcError(result.error)
      const parsed = contract[channel].response.safeParse(result.value)
      if (!parsed.success) {
        throw new IpcError({
          code: 'INTERNAL',
          message: `response of ${channel} does not match the contract`,
          details: parsed.error.issues,
        })
      }
      return parsed.data as ResponseOf<typeof channel>
    },
    on(event, listener) {
      return transport.subscribe(event, (payload) => {
        const parsed = events[event].safeParse(payload)
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>)
      })
    },
  }
}
