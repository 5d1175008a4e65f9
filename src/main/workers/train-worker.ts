import { parentPort, workerData } from 'node:worker_threads'
import type { ViewTarget } from '../engine/losses/view-target'
import type { Param } from '../engine/math/adam'
import { categoryForward } from '../engine/model/category-model'
import type { CategoryModel } from '../engine/model/category-model'
import { deserializeModel, perImageParams } from '../engine/train/checkpoint'
import { applyShardInputs, runShard } from '../engine/train/shards'
import { fitImage } from '../engine/infer/fit-image'
import { openGpuFitter } from '../train/gpu-fits'
import type { GpuFitter } from '../train/gpu-fits'
import { runTrainJob } from '../train/train-job'
import type { FitReply, FitRequest, ShardReply, ShardRequest, TrainReply, TrainRequest } from '../train/train-protocol'

/**
 * The training worker. As `train` (the default role) it runs a whole training job off the main
 * thread and streams its events; as `shard` it is a helper the training thread starts to compute
 * some of each step's shards (src/main/train/shard-pool.ts); as `fit` it fits images with a
 * trained category frozen (src/main/train/fit-pool.ts).
 */
const port = parentPort
if (!port) throw new Error('train-worker must run in a worker thread')
const role = (workerData as { role?: string } | null)?.role ?? 'train'

const errorReply = (error: unknown): { type: 'error'; message: string; stack?: string } => {
  const e = error instanceof Error ? error : new Error(String(error))
  return { type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) }
}

if (role === 'shard') {
  let helper: { model: CategoryModel; targets: ViewTarget[]; cameras: Param; codes: Param } | null = null
  port.on('message', (message: ShardRequest) => {
    let reply: ShardReply
    const transfer: ArrayBuffer[] = []
    try {
      if (message.type === 'init') {
        const model = deserializeModel(message.model)
        helper = { model, targets: message.targets, ...perImageParams(model.config, message.images) }
        reply = { type: 'ready' }
      } else {
        if (!helper) throw new Error('training shard helper: shard before init')
        const { model, targets, cameras, codes } = helper
        const { rows } = message.plan.shards[message.shard]!
        applyShardInputs(model, cameras, codes, rows, message.inputs)
        const result = runShard({ model, shape: categoryForward(model), targets, cameras, codes }, message.plan, message.shard)
        for (const a of [result.terms, result.gV0, result.gB, ...result.params, result.cameraValue, result.cameraM, result.cameraGrad, result.codeGrad]) {
          transfer.push(a.buffer as ArrayBuffer)
        }
        reply = { type: 'result', result }
      }
    } catch (error) {
      reply = errorReply(error)
    }
    port.postMessage(reply, transfer)
  })
} else if (role === 'fit') {
  let model: CategoryModel | null = null
  let gpu: GpuFitter | null = null
  const answer = async (message: FitRequest): Promise<FitReply> => {
    if (message.type === 'init') {
      model = deserializeModel(message.model)
      return { type: 'ready' }
    }
    if (!model) throw new Error('mesh fitting helper: fit before init')
    switch (message.type) {
      case 'fit': {
        const { faces: _faces, ...fit } = fitImage(model, message.task)
        return { type: 'fitted', key: message.task.key, fit }
      }
      case 'open':
        await gpu?.close()
        gpu = await openGpuFitter(model, message.device)
        return { type: 'opened', ranOn: gpu?.ranOn ?? { device: 'cpu', adapter: null } }
      case 'fitBatch':
        if (!gpu) throw new Error('mesh fitting helper: fitBatch before a GPU was opened')
        return { type: 'fittedBatch', fits: await gpu.fit(message.tasks) }
      case 'close':
        await gpu?.close()
        gpu = null
        return { type: 'closed' }
    }
  }
  // One message at a time, in order: a batch on the device awaits its submissions.
  let queue = Promise.resolve()
  port.on('message', (message: FitRequest) => {
    queue = queue.then(async () => {
      let reply: FitReply
      try {
        reply = await answer(message)
      } catch (error) {
        reply = errorReply(error)
      }
      port.postMessage(reply)
    })
  })
} else {
  let stop = false
  port.on('message', (message: TrainRequest) => {
    if (message.type === 'stop') {
      stop = true
      return
    }
    const send = (reply: TrainReply): void => port.postMessage(reply)
    runTrainJob(message.job, (event) => send({ type: 'event', event }), () => stop).then(
      (outcome) => {
        send({ type: 'done', outcome })
        port.close()
      },
      (error: unknown) => {
        send(errorReply(error))
        port.close()
      },
    )
  })
}
