import type { Worker } from 'node:worker_threads'

/**
 * One request to a helper thread and its one reply. An `error` reply, a thread error or the
 * thread's exit rejects, naming `who`, so that a crashed helper fails the job instead of hanging it.
 */
export function request<Req, Rep extends { type: string }>(worker: Worker, message: Req, who: string, transfer: ArrayBuffer[] = []): Promise<Exclude<Rep, { type: 'error' }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: Rep): void => {
      cleanup()
      if (reply.type === 'error') reject(new Error((reply as unknown as { message: string }).message))
      else resolve(reply as Exclude<Rep, { type: 'error' }>)
    }
    const onError = (error: Error): void => {
      cleanup()
      reject(error)
    }
    const onExit = (code: number): void => {
      cleanup()
      reject(new Error(`${who} exited with code ${code}`))
    }
    const cleanup = (): void => {
      worker.off('messageerror', onMessageError)
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    const onMessageError = (error: Error): void => {
      cleanup()
      reject(new Error(`${who}: a reply could not be read: ${error.message}`))
    }
    worker.on('message', onMessage)
    worker.on('messageerror', onMessageError)
    worker.on('error', onError)
    worker.on('exit', onExit)
    try {
      worker.postMessage(message, transfer)
    } catch (error) {
      cleanup()
      reject(error instanceof Error ? error : new Error(String(error)))
    }
  })
}
