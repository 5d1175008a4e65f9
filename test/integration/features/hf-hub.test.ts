import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureHfModel, readPreprocessorConfig } from '../../../src/main/features/hub/hf-model'
import { parseHfName } from '../../../src/main/features/hub/hf-name'
import { listCachedModels } from '../../../src/main/features/hub/hub-cache'
import { fetchHubFile, HubError } from '../../../src/main/features/hub/hub-download'
import type { HubEnv } from '../../../src/main/features/hub/hub-env'
import { hubEnv } from '../../../src/main/features/hub/hub-env'
import type { FakeHub } from '../../helpers/fake-hub'
import { DINO_PREPROCESSOR, jsonBytes, seedHubCache, sha256, startFakeHub } from '../../helpers/fake-hub'
import { dinoLikeModel } from '../../helpers/onnx-model'
import { tempDir } from '../../helpers/temp-dir'

const REPO = 'onnx-community/dinov2-small'
const COMMIT = 'a'.repeat(40)
const MODEL = dinoLikeModel({ channels: 8 })
const NAME = parseHfName(`hf:${REPO}`)

let hub: FakeHub
let dir: { path: string; remove(): void }
let env: HubEnv

const folder = (): string => join(env.cacheDir, 'models--onnx-community--dinov2-small')
const gets = (): string[] => hub.requests.filter((r) => r.method === 'GET').map((r) => `${r.url} ${r.range ?? ''}`.trim())

beforeEach(async () => {
  hub = await startFakeHub({ [REPO]: { commit: COMMIT, files: { 'onnx/model.onnx': MODEL, 'preprocessor_config.json': jsonBytes(DINO_PREPROCESSOR) } } })
  dir = tempDir('semagic-hub-')
  env = { cacheDir: join(dir.path, 'hub'), endpoint: hub.endpoint, token: null, offline: false }
})

afterEach(async () => {
  await hub.close()
  dir.remove()
})

describe('hf: names and the environment', () => {
  it('parses repo, revision and file, with the hub defaults', () => {
    expect(parseHfName('hf:onnx-community/dinov2-small')).toEqual({ repo: REPO, revision: 'main', file: 'onnx/model.onnx' })
    expect(parseHfName('hf:org/m@v1.0:onnx/model_fp16.onnx')).toEqual({ repo: 'org/m', revision: 'v1.0', file: 'onnx/model_fp16.onnx' })
    expect(() => parseHfName('hf:dinov2-small')).toThrow(/<org>\/<name>/)
    expect(() => parseHfName('hf:org/m:../../etc/passwd')).toThrow(/not a file path inside a repo/)
    expect(() => parseHfName('hf:org/m@..')).toThrow(/not a revision/)
  })

  it('reads the variables huggingface_hub reads', () => {
    expect(hubEnv({ HF_HOME: '/h' })).toEqual({ cacheDir: '/h/hub', endpoint: 'https://huggingface.co', token: null, offline: false })
    expect(hubEnv({ HF_HOME: '/h', HF_HUB_CACHE: '/c', HF_ENDPOINT: 'http://mirror/', HF_TOKEN: 'hf_x', HF_HUB_OFFLINE: '1' })).toEqual({
      cacheDir: '/c',
      endpoint: 'http://mirror',
      token: 'hf_x',
      offline: true,
    })
    expect(hubEnv({ XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/x/huggingface/hub')
  })
})

describe('preprocessor_config.json', () => {
  it('reads the crop side, rescale, mean and std, and names the file and field it cannot use', () => {
    const file = join(dir.path, 'preprocessor_config.json')
    writeFileSync(file, JSON.stringify({ do_center_crop: false, size: { height: 518, width: 518 }, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] }))
    expect(readPreprocessorConfig(file)).toEqual({ size: 518, rescale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] })
    writeFileSync(file, JSON.stringify({ crop_size: { height: 224, width: 224 }, image_mean: [0.5, 0.5] }))
    expect(() => readPreprocessorConfig(file)).toThrow(`${file}: image_mean must be 3 numbers`)
    writeFileSync(file, '{ "crop_size": ')
    expect(() => readPreprocessorConfig(file)).toThrow(`${file}: not a JSON preprocessor config`)
  })
})

describe('fetching from the hub into its cache layout', () => {
  it('stores blobs by ETag, links the snapshot, records the ref, reports progress, and reuses it', async () => {
    const progress: [number, number | null][] = []
    const model = await ensureHfModel(`hf:${REPO}`, { env, onProgress: (d, t) => progress.push([d, t]) })
    expect(model.pinned).toBe(`hf:${REPO}@${COMMIT}`)
    expect(model.preprocessing).toEqual({ size: 56, rescale: DINO_PREPROCESSOR.rescale_factor, mean: DINO_PREPROCESSOR.image_mean, std: DINO_PREPROCESSOR.image_std })
    const digest = sha256(MODEL)
    const pointer = join(folder(), 'snapshots', COMMIT, 'onnx', 'model.onnx')
    expect(model.model).toMatchObject({ path: pointer, commit: COMMIT, bytes: MODEL.byteLength, downloaded: true })
    expect(readlinkSync(pointer)).toBe(join('..', '..', '..', 'blobs', digest))
    expect(realpathSync(pointer)).toBe(realpathSync(join(folder(), 'blobs', digest)))
    expect(readFileSync(join(folder(), 'refs', 'main'), 'utf8')).toBe(COMMIT)
    expect(readdirSync(join(folder(), 'blobs')).some((f) => f.endsWith('.incomplete'))).toBe(false)
    expect(progress.at(-1)).toEqual([MODEL.byteLength, MODEL.byteLength])
    expect(listCachedModels(env.cacheDir)).toEqual([{ repo: REPO, file: 'onnx/model.onnx', commit: COMMIT, refs: ['main'], bytes: MODEL.byteLength }])

    hub.requests.length = 0
    const again = await ensureHfModel(`hf:${REPO}`, { env })
    expect(again.model.downloaded).toBe(false)
    expect(gets()).toEqual([]) // a HEAD for the commit, no body
    hub.requests.length = 0
    await ensureHfModel(model.pinned, { env })
    expect(hub.requests).toEqual([]) // a commit never changes: no request at all
  })

  it('sends HF_TOKEN to the hub only, never to the CDN an LFS file redirects to', async () => {
    await fetchHubFile(NAME, 'onnx/model.onnx', { env: { ...env, token: 'hf_secret' } })
    const toHub = hub.requests.filter((r) => r.host.startsWith('127.0.0.1'))
    const toCdn = hub.requests.filter((r) => r.host.startsWith('localhost'))
    expect(toHub.length).toBeGreaterThan(0)
    expect(toCdn.length).toBeGreaterThan(0)
    expect(toHub.every((r) => r.authorization === 'Bearer hf_secret')).toBe(true)
    expect(toCdn.every((r) => r.authorization === undefined)).toBe(true)
  })

  it('resumes a body that broke off mid-way with a Range request, and checks the sha256', async () => {
    hub.cutNextBodyAt = 7000
    const file = await fetchHubFile(NAME, 'onnx/model.onnx', { env })
    expect(sha256(readFileSync(file.path))).toBe(sha256(MODEL))
    const digest = sha256(MODEL)
    expect(gets()).toEqual([`/cdn/${digest}`, `/cdn/${digest} bytes=7000-`])
  })

  it('resumes the .incomplete file an interrupted run left, on the next run', async () => {
    const digest = sha256(MODEL)
    mkdirSync(join(folder(), 'blobs'), { recursive: true })
    writeFileSync(join(folder(), 'blobs', `${digest}.incomplete`), MODEL.subarray(0, 5000))
    const progress: number[] = []
    const file = await fetchHubFile(NAME, 'onnx/model.onnx', { env, retries: 0, onProgress: (d) => progress.push(d) })
    expect(gets()).toEqual([`/cdn/${digest} bytes=5000-`])
    expect(progress[0]).toBe(5000)
    expect(Buffer.compare(readFileSync(file.path), Buffer.from(MODEL))).toBe(0)
  })

  it('keeps the partial file, never a complete-looking one, when the connection keeps failing', async () => {
    hub.cutNextBodyAt = 6000
    const error = (await fetchHubFile(NAME, 'onnx/model.onnx', { env, retries: 0 }).catch((e: unknown) => e)) as HubError
    expect(error).toBeInstanceOf(HubError)
    expect(error.kind).toBe('interrupted')
    expect(error.message).toMatch(/broke off at byte 6000.*the next run resumes from there/)
    const digest = sha256(MODEL)
    expect(existsSync(join(folder(), 'blobs', digest))).toBe(false)
    expect(existsSync(join(folder(), 'snapshots'))).toBe(false)
    expect(readFileSync(join(folder(), 'blobs', `${digest}.incomplete`)).byteLength).toBe(6000)
  })

  it('throws away a download whose sha256 differs from the hub ETag', async () => {
    hub.corruptNextBody = true
    const error = (await fetchHubFile(NAME, 'onnx/model.onnx', { env }).catch((e: unknown) => e)) as HubError
    expect(error.kind).toBe('corrupt')
    expect(error.message).toContain(`the hub says ${sha256(MODEL)}`)
    expect(readdirSync(join(folder(), 'blobs'))).toEqual([])
    expect(existsSync(join(folder(), 'snapshots'))).toBe(false)
  })

  it('stops on cancel, keeping the partial file for the next run', async () => {
    hub.cutNextBodyAt = 4000 // a body that stalls after 4000 bytes until cancelled
    const ac = new AbortController()
    const error = (await fetchHubFile(NAME, 'onnx/model.onnx', {
      env,
      signal: ac.signal,
      retries: 0,
      onProgress: (done) => {
        if (done > 0) ac.abort()
      },
    }).catch((e: unknown) => e)) as HubError
    expect(error.kind).toBe('cancelled')
    expect(existsSync(join(folder(), 'blobs', sha256(MODEL)))).toBe(false)
  })

  it('fails within seconds when the hub cannot be reached, naming the repo, the URL and where to put the file', async () => {
    await hub.close()
    const started = Date.now()
    const error = (await ensureHfModel(`hf:${REPO}`, { env }).catch((e: unknown) => e)) as HubError
    expect(Date.now() - started).toBeLessThan(5000)
    expect(error.kind).toBe('unreachable')
    expect(error.message).toContain(`hf:${REPO}: cannot reach the hub at ${hub.endpoint}`)
    expect(error.message).toContain(`${hub.endpoint}/${REPO}/resolve/main/onnx/model.onnx`)
    expect(error.message).toContain(join(folder(), 'snapshots', '<commit>', 'onnx', 'model.onnx'))
    expect(existsSync(folder())).toBe(false) // nothing partial, nothing that looks complete
  })

  it('with HF_HUB_OFFLINE uses the cache without a request, and says what is missing when it is not there', async () => {
    const offline = { ...env, offline: true }
    const missing = (await ensureHfModel(`hf:${REPO}`, { env: offline }).catch((e: unknown) => e)) as HubError
    expect(missing.kind).toBe('offline')
    expect(missing.message).toMatch(/not in the cache .* HF_HUB_OFFLINE is set/)
    seedHubCache(env.cacheDir, REPO, 'main', { commit: COMMIT, files: { 'onnx/model.onnx': MODEL, 'preprocessor_config.json': jsonBytes(DINO_PREPROCESSOR) } })
    const model = await ensureHfModel(`hf:${REPO}`, { env: offline })
    expect(model.model.path).toBe(join(folder(), 'snapshots', COMMIT, 'onnx', 'model.onnx'))
    expect(model.preprocessing.size).toBe(56)
    expect(hub.requests).toEqual([])
  })

  it('answers from the cache, with a note, when the hub is down but the model is cached', async () => {
    await ensureHfModel(`hf:${REPO}`, { env })
    await hub.close()
    const model = await ensureHfModel(`hf:${REPO}`, { env })
    expect(model.model.downloaded).toBe(false)
    expect(model.notes.join(' ')).toMatch(/could not be reached.*using the cached copy/)
  })

  it('assumes ImageNet scaling, and says so, for a repo without preprocessor_config.json', async () => {
    hub.repos.set('org/bare', { commit: 'd'.repeat(40), files: { 'onnx/model.onnx': MODEL } })
    const model = await ensureHfModel('hf:org/bare', { env })
    expect(model.preprocessing).toEqual({ size: null, rescale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] })
    expect(model.notes).toEqual(['hf:org/bare has no preprocessor_config.json here (not-found); ImageNet mean/std and 224 px assumed'])
  })

  it('names a file the repo does not have', async () => {
    const missing = (await ensureHfModel(`hf:${REPO}:onnx/model_fp16.onnx`, { env }).catch((e: unknown) => e)) as HubError
    expect(missing.kind).toBe('not-found')
    expect(missing.message).toContain('no file onnx/model_fp16.onnx at revision main')
  })
})

describe('concurrent downloads of one file', () => {
  it('download it once: the second waits on the lock and reuses the blob', async () => {
    const [a, b] = await Promise.all([fetchHubFile(NAME, 'onnx/model.onnx', { env }), fetchHubFile(NAME, 'onnx/model.onnx', { env })])
    expect(a.path).toBe(b.path)
    expect([a.downloaded, b.downloaded].sort()).toEqual([false, true])
    expect(gets()).toEqual([`/cdn/${sha256(MODEL)}`])
    expect(readdirSync(join(env.cacheDir, '.locks', 'models--onnx-community--dinov2-small'))).toEqual([])
  })

  it('takes over a lock whose process is gone', async () => {
    const locks = join(env.cacheDir, '.locks', 'models--onnx-community--dinov2-small')
    mkdirSync(locks, { recursive: true })
    writeFileSync(join(locks, `${sha256(MODEL)}.lock`), '2147483646') // no such process
    const file = await fetchHubFile(NAME, 'onnx/model.onnx', { env })
    expect(file.downloaded).toBe(true)
  })
})
