import { parentPort } from 'node:worker_threads'
import { createBackbone } from '../features/backbones/create-backbone'
import type { Backbone } from '../features/backbones/types'
import { extractBatch } from '../features/extract/extract-task'
import type { WorkerReply, WorkerRequest } from '../features/extract/worker-protocol'

/** A feature-extraction worker: one backbone, one batch at a time, maps sent back without copies. */
let backbone: Backbone | null = null
const port = parentPort
if (!port) throw new Error('feature-worker must run in a worker thread')

port.on('message', (message: WorkerRequest) => {
  void (async () => {
    let reply: WorkerReply
    const transfer: ArrayBuffer[] = []
    try {
      if (message.type === 'init') {
        backbone = await createBackbone(message.id, message.options, message.runtime)
        reply = { type: 'ready', info: backbone.describe(), settingsHash: backbone.settingsHash }
      } else {
        if (!backbone) throw new Error('feature worker: batch before init')
        // Each map gets a buffer of its own so that it can be moved, not copied, to the parent.
        const outcomes = (await extractBatch(backbone, message.tasks)).map((o) =>
          'map' in o ? { key: o.key, map: { ...o.map, data: new Float32Array(o.map.data) } } : o,
        )
        for (const o of outcomes) if ('map' in o) transfer.push(o.map.data.buffer as ArrayBuffer)
        reply = { type: 'outcomes', outcomes }
      }
    } catch (error) {
      reply = { type: 'error', message: (error as Error).message }
    }
    port.postMessage(reply, transfer)
  })()
})
