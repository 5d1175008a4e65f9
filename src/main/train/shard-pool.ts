import { Worker } from 'node:worker_threads'
import type { ViewTarget } from '../engine/losses/view-target'
import { serializeModel } from '../engine/train/checkpoint'
import type { TrainState } from '../engine/train/checkpoint'
import { runShard, shardInputs } from '../engine/train/shards'
import type { ShardResult } from '../engine/train/shards'
import type { ShardExecutor } from '../engine/train/train-category'
import type { ShardReply, ShardRequest } from './train-protocol'

export interface ShardPool {
  executor: ShardExecutor
  dispose(): Promise<void>
}

function request(worker: Worker, message: ShardRequest): Promise<ShardReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: ShardReply): void => {
      cleanup()
      if (reply.type === 'error') reject(new Error(reply.message))
      else resolve(reply)
    }
    const onError = (error: Error): void => {
      cleanup()
      reject(error)
    }
    const onExit = (code: number): void => {
      cleanup()
      reject(new Error(`training shard helper exited with code ${code}`))
    }
    const cleanup = (): void => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    worker.postMessage(message)
  })
}

/**
 * Helper threads for a step's shards: shard s runs on thread s mod (helpers + 1), thread 0
 * being the training thread itself, which computes its shards while the helpers compute
 * theirs. Each helper holds a copy of the category and the targets, and gets the current
 * parameter values and its rows of cameras and codes with every shard. With no helpers every
 * shard runs here, in order: the same results either way (runShard is deterministic).
 */
export async function createShardPool(workerFile: string, helpers: number, state: TrainState, targets: readonly ViewTarget[]): Promise<ShardPool> {
  const workers = Array.from({ length: helpers }, () => new Worker(workerFile, { workerData: { role: 'shard' } }))
  try {
    const model = serializeModel(state.model)
    await Promise.all(workers.map((w) => request(w, { type: 'init', model, targets: [...targets], images: state.keys.length })))
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()))
    throw error
  }
  const threads = helpers + 1
  const executor: ShardExecutor = async (st, tg, shape, plan, profile) => {
    const results: (ShardResult | null)[] = plan.shards.map(() => null)
    // Remote shards first, so that the helpers start while this thread computes its own.
    const remote = workers.map(async (w, i) => {
      for (let s = i + 1; s < plan.shards.length; s += threads) {
        const reply = await request(w, { type: 'shard', shard: s, plan, inputs: shardInputs(st, plan, s) })
        if (reply.type !== 'result') throw new Error(`training shard helper: unexpected reply '${reply.type}'`)
        results[s] = reply.result
      }
    })
    let local: unknown = null
    try {
      const ctx = { model: st.model, shape: shape(), targets: tg, cameras: st.cameras, codes: st.codes }
      plan.shards.forEach((_, s) => {
        if (s % threads === 0) results[s] = runShard(ctx, plan, s, profile)
      })
    } catch (error) {
      local = error
    }
    const settled = await Promise.allSettled(remote)
    if (local) throw local
    for (const r of settled) if (r.status === 'rejected') throw r.reason
    return results as ShardResult[]
  }
  return {
    executor,
    dispose: async () => {
      await Promise.all(workers.map((w) => w.terminate()))
    },
  }
}
