import { mkdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { onnx } from 'onnx-proto'
import { afterAll, describe, expect, it } from 'vitest'
import { loadOnnxBackbone } from '../../../src/main/features/backbones/onnx-backbone'
import { DEFAULT_MAX_ONNX_BYTES } from '../../../src/main/features/backbones/onnx-session'
import { convMapModel, dinoLikeModel } from '../../helpers/onnx-model'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir('semagic-onnx-fuzz-')
afterAll(() => dir.remove())

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32)
}

/** Loads a model file and, when that works, runs it on one image: either succeeds or fails with an Error that names the file. */
async function tryModel(path: string): Promise<'loaded' | 'refused'> {
  try {
    const b = await loadOnnxBackbone(path, { size: 28, providers: ['cpu'] })
    try {
      const [map] = await b.extract([{ width: 28, height: 28, data: new Uint8Array(28 * 28 * 3).fill(90) }])
      expect(map!.data.length).toBe(map!.channels * map!.height * map!.width)
    } finally {
      b.dispose()
    }
    return 'loaded'
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message.startsWith(`${path}: `), (error as Error).message).toBe(true)
    return 'refused'
  }
}

describe('ONNX model files under damage (property-based)', () => {
  const models = { dino: Buffer.from(dinoLikeModel()), conv: Buffer.from(convMapModel(8)) }

  it('truncated, corrupted and random files are refused naming the file, or load and run; the process survives', async () => {
    const CASES = 240
    const r = rng(51)
    const outcomes = { loaded: 0, refused: 0 }
    for (let i = 0; i < CASES; i++) {
      const original = i % 2 ? models.dino : models.conv
      let bytes: Buffer
      const kind = i % 4
      if (kind === 0) bytes = original.subarray(0, Math.floor(r() * original.length))
      else if (kind === 3 && r() < 0.3) bytes = Buffer.from(Array.from({ length: Math.floor(r() * 2048) }, () => Math.floor(r() * 256)))
      else {
        bytes = Buffer.from(original)
        for (let k = 0; k < 1 + Math.floor(r() * 6); k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256)
      }
      const path = join(dir.path, `model-${i}.onnx`)
      writeFileSync(path, bytes)
      outcomes[await tryModel(path)]++
    }
    expect(outcomes.refused).toBeGreaterThan(CASES / 4)
    process.stdout.write(`fuzz: ${CASES} damaged ONNX files (${outcomes.refused} refused, ${outcomes.loaded} loaded and ran)\n`)
  }, 60_000)

  it('models whose structure is forged (huge or negative dims, wrong types, unknown or custom ops, external data out of the folder) are refused naming the file', async () => {
    const CASES = 120
    const r = rng(52)
    const outcomes = { loaded: 0, refused: 0 }
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
    const EVIL_DIMS = [-1, 0, 2 ** 31, 2 ** 40, 1e15, 7]
    const inits = (m: onnx.ModelProto): onnx.ITensorProto[] => m.graph!.initializer!
    const nodes = (m: onnx.ModelProto): onnx.INodeProto[] => m.graph!.node!
    const mutations: ((m: onnx.ModelProto) => void)[] = [
      // A tensor whose declared dims no longer match its data (or ask for petabytes).
      (m) => {
        const t = pick(inits(m))
        t.dims = t.dims!.map(() => pick(EVIL_DIMS))
      },
      (m) => (pick(inits(m)).dataType = pick([0, 2, 7, 8, 11, 16, 99])),
      (m) => (pick(inits(m)).rawData = new Uint8Array(Math.floor(r() * 16))),
      (m) => (pick(nodes(m)).opType = pick(['NoSuchOp', 'Loop', 'If', 'Scan', ''])),
      // A custom-op domain: no custom-op library is ever registered, so this cannot run code.
      (m) => {
        pick(nodes(m)).domain = 'com.example.evil'
        m.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'com.example.evil', version: 1 }))
      },
      (m) => (m.opsetImport[0]!.version = pick([0, 1, 99, -3])),
      (m) => (m.irVersion = pick([0, 1, 99, -1])),
      (m) => {
        const input = m.graph!.input![0]!
        const dim = pick(input.type!.tensorType!.shape!.dim!)
        dim.dimParam = ''
        dim.dimValue = pick(EVIL_DIMS)
      },
      (m) => (m.graph!.input![0]!.type!.tensorType!.elemType = pick([0, 6, 7, 10, 99])),
      (m) => (m.graph!.output![0]!.name = 'nothing-makes-this'),
      (m) => pick(nodes(m)).input!.push('undefined-tensor'),
      // Weights "stored outside" at a path that leaves the model's folder.
      (m) => {
        const t = pick(inits(m))
        t.rawData = new Uint8Array(0)
        t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL
        t.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: pick(['../../../../etc/passwd', '/etc/passwd', '../secret.bin', 'missing.bin']) })]
      },
    ]
    for (let i = 0; i < CASES; i++) {
      const model = onnx.ModelProto.decode(i % 2 ? models.dino : models.conv)
      for (let k = 0; k < 1 + Math.floor(r() * 2); k++) pick(mutations)(model)
      const path = join(dir.path, `forged-${i}.onnx`)
      writeFileSync(path, onnx.ModelProto.encode(model).finish())
      outcomes[await tryModel(path)]++
    }
    expect(outcomes.refused).toBeGreaterThan(CASES / 2)
    process.stdout.write(`fuzz: ${CASES} forged ONNX models (${outcomes.refused} refused, ${outcomes.loaded} loaded and ran)\n`)
  }, 60_000)

  it('weights declared as external data at a path out of the model folder are not read', async () => {
    mkdirSync(join(dir.path, 'models'), { recursive: true })
    writeFileSync(join(dir.path, 'outside.bin'), Buffer.alloc(4096, 1))
    for (const location of ['../outside.bin', join(dir.path, 'outside.bin'), '/etc/passwd', '../../../../../../etc/passwd']) {
      const model = onnx.ModelProto.decode(models.conv)
      const t = model.graph!.initializer!.find((x) => x.name === 'B')!
      t.rawData = new Uint8Array(0)
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL
      t.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: location }), onnx.StringStringEntryProto.create({ key: 'length', value: '16' })]
      const path = join(dir.path, 'models', 'external.onnx')
      writeFileSync(path, onnx.ModelProto.encode(model).finish())
      expect(await tryModel(path), location).toBe('refused')
    }
  })

  it('an empty file, a folder, and a file over the size limit are refused before onnxruntime reads them', async () => {
    const empty = join(dir.path, 'empty.onnx')
    writeFileSync(empty, '')
    expect(await tryModel(empty)).toBe('refused')
    const folder = join(dir.path, 'folder.onnx')
    mkdirSync(folder)
    await expect(loadOnnxBackbone(folder)).rejects.toThrow(`${folder}: not a file`)
    // Sparse: takes no disk space, and is refused on its size before any byte is read or hashed.
    const huge = join(dir.path, 'huge.onnx')
    writeFileSync(huge, '')
    truncateSync(huge, DEFAULT_MAX_ONNX_BYTES + 1)
    const started = performance.now()
    await expect(loadOnnxBackbone(huge)).rejects.toThrow(`${huge}: ${DEFAULT_MAX_ONNX_BYTES + 1} bytes is over the ${DEFAULT_MAX_ONNX_BYTES}-byte limit for ONNX models`)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
