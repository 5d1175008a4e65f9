import { Worker } from 'node:worker_threads'
import type { ViewTarget } from '../engine/losses/view-target'
import { serializeModel } from '../engine/train/checkpoint'
import type { TrainState } from '../engine/train/checkpoint'
import { runShard, shardInputs } from '../engine/train/shards'
import type { ShardResult } from '../engine/train/shards'
import type { ShardExecutor } from '../engine/train/train-category'
import type { ShardReply, ShardRequest } from './train-protocol'
import { request } from './worker-request'

const HELPER = 'training shard helper'

export interface ShardPool {
  executor: ShardExecutor
  dispose(): Promise<void>
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
    await Promise.all(workers.map((w) => request<ShardRequest, ShardReply>(w, { type: 'init', model, targets: [...targets], images: state.keys.length }, HELPER)))
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
        const reply = await request<ShardRequest, ShardReply>(w, { type: 'shard', shard: s, plan, inputs: shardInputs(st, plan, s) }, HELPER)
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
