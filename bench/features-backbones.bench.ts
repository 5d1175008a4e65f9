/**
 * Times every feature backbone on this machine and records the figures in BENCHMARKS.md.
 *
 *   npx vite-node bench/features-backbones.bench.ts
 *
 * The shipped CNNs run twice: on tfjs (the backend initTfjs picks: wasm here, one thread in
 * Node) and on onnxruntime's CPU provider (converted at first use; 1 and all intra-op threads).
 * No DINOv2 weights can be downloaded here, so the DINOv2-S row is a ViT-S/14 of the same shape
 * with random weights, served as `hf:onnx-community/dinov2-small` from a temporary hub cache
 * with HF_HUB_OFFLINE=1: the cost of the real export through the hf: path, not its features.
 * Images are the crops the tests use. Where a WebGPU adapter exists (a GPU, or SwiftShader's
 * software one with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json), mobilenetv2 and
 * the ViT also run on onnxruntime's WebGPU provider (on SwiftShader: a check that it runs, its
 * speed that of a CPU emulating a GPU).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { adapterLabel } from '../src/shared/device'
import { checkEngineDevice } from '../src/main/engine/gpu/adapter'
import { createBackbone } from '../src/main/features/backbones/create-backbone'
import type { BackboneOptions, BackboneRuntime } from '../src/main/features/backbones/types'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { createJpegEncoder } from '../src/main/datasets/synthetic/jpeg-encoder'
import type { ExtractTask } from '../src/main/features/extract/extract-task'
import { createExtractor } from '../src/main/features/extract/extractor'
import { cropSquare } from '../src/main/images/crop-square'
import { jsonBytes, seedHubCache } from '../test/helpers/fake-hub'
import { vitLikeModel, writeModel } from '../test/helpers/onnx-model'
import { tempDir } from '../test/helpers/temp-dir'
import { texturedAnimal } from '../test/unit/features/textured-object'
import { cpuModel, updateBenchmarks } from './bench-report'

const COMMAND = `${process.env.VK_ICD_FILENAMES ? `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES} ` : ''}npx vite-node bench/features-backbones.bench.ts`
const MARK_BEGIN = '<!-- bench:features-backbones -->'
const MARK_END = '<!-- /bench:features-backbones -->'
/** Images per extract() call, as a cache fill would send them. */
const BATCH = 4
/** Issue 20's target for the default backbone on onnxruntime, about 3 times tfjs-wasm's 2.15. */
const GOAL_IMAGES_PER_S = 6
/** Timed rounds per backbone; the fastest counts, as the one least disturbed by other work. */
const ROUNDS = 3

interface Case {
  label: string
  id: string
  options: BackboneOptions
  runtime?: BackboneRuntime
  images: number
}

interface Row {
  label: string
  backend: string
  shape: string
  loadS: number
  msPerImage: number
  /** CPU share other processes used during the counted round. */
  others: string
}


/** Busy and total CPU time of the whole machine so far, in seconds (Linux), or null. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const fields = /^cpu\s+(.+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]!.trim().split(/\s+/).map(Number)
    const total = fields.reduce((a, b) => a + b, 0)
    // idle + iowait are not busy; USER_HZ is 100 on Linux.
    return { busy: (total - fields[3]! - (fields[4] ?? 0)) / 100, total: total / 100 }
  } catch {
    return null
  }
}

/**
 * Share of the machine that other processes kept busy while `work` ran: timings taken next to
 * someone else's build are slower, and this says by how much to distrust them.
 */
async function othersLoad<T>(work: () => Promise<T>): Promise<{ value: T; others: string }> {
  const before = machineCpu()
  const own = process.cpuUsage()
  const value = await work()
  const after = machineCpu()
  if (!before || !after) return { value, others: 'unknown' }
  const used = process.cpuUsage(own)
  const ownS = (used.user + used.system) / 1e6
  const share = Math.max(0, (after.busy - before.busy - ownS) / (after.total - before.total))
  return { value, others: `${(100 * share).toFixed(0)} %` }
}

async function measure(c: Case): Promise<Row> {
  let t = performance.now()
  const backbone = await createBackbone(c.id, c.options, c.runtime)
  const loadS = (performance.now() - t) / 1000
  const info = backbone.describe()
  const scene = texturedAnimal()
  const crop = cropSquare(scene.image, scene.bbox, 0.1, info.inputSize).image
  await backbone.extract([crop])
  const images = Array.from({ length: c.images }, () => crop)
  let best = { msPerImage: Infinity, others: 'unknown' }
  for (let round = 0; round < ROUNDS; round++) {
    const timed = await othersLoad(async () => {
      t = performance.now()
      for (let i = 0; i < images.length; i += BATCH) await backbone.extract(images.slice(i, i + BATCH))
      return (performance.now() - t) / images.length
    })
    if (timed.value < best.msPerImage) best = { msPerImage: timed.value, others: timed.others }
  }
  backbone.dispose()
  const row = {
    label: c.label,
    backend: info.backend,
    shape: `${info.inputSize} px -> ${info.channels} x ${info.grid.height} x ${info.grid.width}`,
    loadS,
    ...best,
  }
  const perS = (1000 / row.msPerImage).toFixed(2)
  process.stdout.write(
    `${row.label.padEnd(40)} ${row.backend.padEnd(9)} ${row.shape.padEnd(26)} ${row.msPerImage.toFixed(1).padStart(7)} ms/image ${perS.padStart(6)} images/s (others ${row.others})\n`,
  )
  return row
}


/** The built feature worker: the pool rows need `npx electron-vite build` first. */
const WORKER_FILE = join(__dirname, '..', 'out', 'main', 'feature-worker.js')

/**
 * The backbone as `semagic features` runs it: a pool of worker threads (as many as the core
 * gives the features service, each onnxruntime session with its share of the cores), fed JPEG
 * files to decode and crop. `runtime` picks what runs the shipped CNNs in the workers.
 */
async function measurePool(label: string, id: string, runtime: 'onnx' | 'tfjs', modelDir: string, jpeg: string, images: number): Promise<Row> {
  const previous = process.env.SEMAGIC_PRETRAINED_RUNTIME
  process.env.SEMAGIC_PRETRAINED_RUNTIME = runtime // worker threads copy the environment when they start
  const workers = Math.max(1, Math.min(2, availableParallelism()))
  let t = performance.now()
  const extractor = await createExtractor(id, {}, { workers, workerFile: WORKER_FILE, modelDir })
  if (previous === undefined) delete process.env.SEMAGIC_PRETRAINED_RUNTIME
  else process.env.SEMAGIC_PRETRAINED_RUNTIME = previous
  const loadS = (performance.now() - t) / 1000
  const scene = texturedAnimal()
  const task = (k: number): ExtractTask => ({ key: String(k), path: jpeg, bbox: scene.bbox, margin: 0.1 })
  await extractor.run([task(-1), task(-2)], () => undefined)
  let best = { msPerImage: Infinity, others: 'unknown' }
  for (let round = 0; round < ROUNDS; round++) {
    const timed = await othersLoad(async () => {
      t = performance.now()
      await extractor.run(
        Array.from({ length: images }, (_, k) => task(k)),
        () => undefined,
      )
      return (performance.now() - t) / images
    })
    if (timed.value < best.msPerImage) best = { msPerImage: timed.value, others: timed.others }
  }
  const info = extractor.info
  await extractor.dispose()
  const row = { label: `${label}, ${workers} worker threads`, backend: info.backend, shape: `${info.inputSize} px -> ${info.channels} x ${info.grid.height} x ${info.grid.width}`, loadS, ...best }
  process.stdout.write(`${row.label.padEnd(40)} ${row.backend.padEnd(9)} ${row.msPerImage.toFixed(1).padStart(7)} ms/image ${(1000 / row.msPerImage).toFixed(2).padStart(6)} images/s (others ${row.others})\n`)
  return row
}

/**
 * Why the sessions do not spin: the converted InceptionV3 file run directly, with 1 thread and
 * with all cores, idle pool threads spinning (onnxruntime's default) or sleeping (ours).
 */
async function spinningRows(modelDir: string): Promise<string[]> {
  const file = readdirSync(modelDir).find((f) => f.startsWith('inceptionv3-299-') && f.endsWith('.onnx'))
  if (!file) return []
  const input = new Tensor('float32', new Float32Array(BATCH * 3 * 299 * 299).fill(0.5), [BATCH, 3, 299, 299])
  const rows: string[] = []
  for (const [threads, spin] of [
    [1, '1'],
    [availableParallelism(), '1'],
    [availableParallelism(), '0'],
  ] as const) {
    const session = await InferenceSession.create(join(modelDir, file), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: spin } } },
    })
    await session.run({ pixels: input })
    let best = { perS: 0, others: 'unknown' }
    for (let round = 0; round < ROUNDS; round++) {
      const timed = await othersLoad(async () => {
        const t = performance.now()
        for (let i = 0; i < 4; i++) await session.run({ pixels: input })
        return (4 * BATCH) / ((performance.now() - t) / 1000)
      })
      if (timed.value > best.perS) best = { perS: timed.value, others: timed.others }
    }
    await session.release()
    const label = `${threads} thread${threads > 1 ? 's' : ''}, ${spin === '1' ? 'spinning (onnxruntime default)' : 'sleeping (ours)'}`
    process.stdout.write(`inceptionv3 session, ${label}: ${best.perS.toFixed(2)} images/s (others ${best.others})\n`)
    rows.push(`| ${label} | ${best.perS.toFixed(2)} | ${best.others} |`)
  }
  return rows
}

async function main(): Promise<void> {
  const dir = tempDir('semagic-backbone-bench-')
  try {
    const vit = vitLikeModel({ depth: 12, dim: 384, heads: 6 })
    writeModel(dir.path, 'vit-s14-random.onnx', vit)
    const hubHome = join(dir.path, 'hf')
    seedHubCache(join(hubHome, 'hub'), 'onnx-community/dinov2-small', 'main', {
      commit: 'b'.repeat(40),
      files: {
        'onnx/model.onnx': vit,
        'preprocessor_config.json': jsonBytes({ crop_size: { height: 224, width: 224 }, image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] }),
      },
    })
    Object.assign(process.env, { HF_HOME: hubHome, HF_HUB_OFFLINE: '1' })
    const models = join(dir.path, 'models')
    const cores = availableParallelism()
    const tfjs: BackboneRuntime = { pretrained: 'tfjs' }
    const onnx = (threads: number): BackboneRuntime => ({ pretrained: 'onnx', modelDir: models, threads })
    const cases: Case[] = [
      { label: 'handmade (colour + gradient histograms)', id: 'handmade', options: {}, images: 40 },
      { label: 'mobilenetv2, default layers', id: 'mobilenetv2', options: {}, runtime: tfjs, images: 12 },
      { label: `mobilenetv2, default layers, ${cores} threads`, id: 'mobilenetv2', options: {}, runtime: onnx(cores), images: 24 },
      { label: 'inceptionv3 = pretrained, mixed4+5+7', id: 'inceptionv3', options: {}, runtime: tfjs, images: 8 },
      { label: 'inceptionv3 = pretrained, 1 thread', id: 'inceptionv3', options: {}, runtime: onnx(1), images: 16 },
      { label: `inceptionv3 = pretrained, ${cores} threads`, id: 'inceptionv3', options: {}, runtime: onnx(cores), images: 16 },
      { label: 'inceptionv3, 224 px', id: 'inceptionv3', options: { size: 224 }, runtime: tfjs, images: 8 },
      { label: `inceptionv3, 224 px, ${cores} threads`, id: 'inceptionv3', options: { size: 224 }, runtime: onnx(cores), images: 16 },
      {
        label: `hf:onnx-community/dinov2-small (random ViT-S/14 of its shape), ${cores} threads`,
        id: 'hf:onnx-community/dinov2-small',
        options: {},
        runtime: { threads: cores },
        images: 12,
      },
    ]
    // `gpu`: any adapter, SwiftShader's included (auto would leave a software one).
    const gpu = await checkEngineDevice('gpu').then(
      (found) => (found.adapter ? adapterLabel(found.adapter) : null),
      (error: Error) => (process.stdout.write(`no WebGPU rows: ${error.message}\n`), null),
    )
    if (gpu) {
      const webgpu: BackboneRuntime = { pretrained: 'onnx', modelDir: models, providers: ['webgpu'] }
      cases.push(
        { label: `mobilenetv2, default layers, WebGPU on ${gpu}`, id: 'mobilenetv2', options: {}, runtime: webgpu, images: 2 },
        { label: `hf:onnx-community/dinov2-small (random ViT-S/14 of its shape), WebGPU on ${gpu}`, id: 'hf:onnx-community/dinov2-small', options: {}, runtime: webgpu, images: 2 },
      )
    }
    const load = loadavg().map((l) => l.toFixed(2)).join(' / ')
    const rows: Row[] = []
    for (const c of cases) rows.push(await measure(c))
    if (existsSync(WORKER_FILE)) {
      const scene = texturedAnimal()
      const rgba = new Uint8Array(scene.image.width * scene.image.height * 4)
      for (let p = 0; p < scene.image.width * scene.image.height; p++) {
        rgba.set(scene.image.data.subarray(p * 3, p * 3 + 3), p * 4)
        rgba[p * 4 + 3] = 255
      }
      const jpeg = join(dir.path, 'animal.jpg')
      writeFileSync(jpeg, createJpegEncoder()(rgba, scene.image.width, scene.image.height))
      rows.push(await measurePool('pretrained as `features` runs it, tfjs', 'pretrained', 'tfjs', models, jpeg, 16))
      rows.push(await measurePool('pretrained as `features` runs it, onnx', 'pretrained', 'onnx', models, jpeg, 32))
    } else process.stdout.write(`no ${WORKER_FILE}: build first (npx electron-vite build) for the worker-pool rows\n`)
    const spinning = await spinningRows(models)
    const rate = (prefix: string, backend: string): number =>
      Math.max(0, ...rows.filter((r) => r.label.startsWith(prefix) && r.backend.startsWith(backend)).map((r) => 1000 / r.msPerImage))
    const onnxBest = rate('inceptionv3 = pretrained', 'onnx')
    const pool = rate('pretrained as `features` runs it, onnx', 'onnx')
    const goal =
      `- goal: pretrained (InceptionV3 at 299 px) at >= ${GOAL_IMAGES_PER_S} images/s on onnxruntime's CPU provider: ` +
      `${onnxBest >= GOAL_IMAGES_PER_S ? 'met' : 'missed'} (${onnxBest.toFixed(2)} in one session` +
      `${pool > 0 ? `, ${pool.toFixed(2)} as \`features\` runs it` : ''}), against ${rate('inceptionv3 = pretrained', 'wasm').toFixed(2)} on tfjs-wasm`
    const machine = `${availableParallelism()} cores (nproc), ${cpuModel()}, Node ${process.version}, ${process.platform}-${process.arch}`
    const section = [
      MARK_BEGIN,
      '## Feature backbones',
      '',
      `Wall time per image of \`extract()\` in batches of ${BATCH}, after one warm-up image, fastest of ${ROUNDS} rounds; load = reading the weights`,
      '(and hashing them, for ONNX) + graph set-up + one dry run (for the shipped CNNs on onnx, the first load also converts them to ONNX: the',
      'inceptionv3 rows after the first reuse that file). Input: the tests\' synthetic animal, cropped square. The shipped CNNs run on tfjs (wasm,',
      'one thread in Node) and on onnxruntime\'s CPU provider, which gives the same features (max |difference| 1e-6, test/unit/features/pretrained-onnx.test.ts).',
      'The hf: row is a ViT-S/14 with random weights (DINOv2-S\'s shape and FLOPs; the real weights cannot be downloaded here), read through the hf: path',
      'from a hub cache the bench seeds, with HF_HUB_OFFLINE=1. The last two rows run `pretrained` as `semagic features` does: the pool of feature',
      'worker threads (each onnxruntime session with its share of the cores), JPEG decoding and cropping included. The WebGPU rows, where an adapter',
      'exists, run onnxruntime\'s bundled WebGPU provider (`--device gpu`); on SwiftShader (a CPU emulating a GPU) they show that it runs, not a speed.',
      '',
      `- command: \`${COMMAND}\``,
      `- machine: ${machine}; **shared** with other engineers' builds and experiments (see the last column)`,
      `- load average (1 / 5 / 15 min) at start: ${load}`,
      goal,
      `- date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '',
      '| backbone | runs on | input -> map | load, s | ms / image | images / s | CPU used by other processes meanwhile |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.label} | ${r.backend} | ${r.shape} | ${r.loadS.toFixed(2)} | ${r.msPerImage.toFixed(1)} | ${(1000 / r.msPerImage).toFixed(2)} | ${r.others} |`,
      ),
      '',
      'A non-zero last column means other work shared the cores during that row: its figure is then an upper bound.',
      '',
      `The converted InceptionV3 graph in one onnxruntime session, batches of ${BATCH}: idle pool threads that spin (onnxruntime's default) take`,
      'the time the working ones need when the cores are shared, so the sessions here sleep instead (onnx-session.ts).',
      '',
      '| intra-op threads, idle threads | images / s | CPU used by other processes meanwhile |',
      '|---|---|---|',
      ...spinning,
      MARK_END,
    ].join('\n')
    updateBenchmarks(section, MARK_BEGIN, MARK_END)
    process.stdout.write(`${machine}; load ${load}; BENCHMARKS.md updated\n`)
  } finally {
    dir.remove()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
