import type { EventName, EventPayload } from '../../shared/ipc/events'

type Listener = (event: EventName, payload: unknown) => void

/** Fan-out of server events to every transport that is attached. */
export class EventHub {
  private readonly listeners = new Set<Listener>()

  attach(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(event, payload)
  }
}
