import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { parseJsLiteral } from './js-literal'

type ModelJson = tf.io.ModelJSON

function concat(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out.buffer
}

function readNsfwjsModel(file: string): ModelJson {
  const text = readFileSync(file, 'utf8')
  const start = text.search(/\{\s*"?modelTopology"?\s*:/)
  if (start < 0) throw new Error(`${file}: no model literal (modelTopology) found`)
  const { value } = parseJsLiteral(text, start)
  const json = value as unknown as ModelJson
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${file}: the model literal lacks modelTopology or weightsManifest`)
  }
  return json
}

function readNsfwjsShard(file: string): Uint8Array {
  const text = readFileSync(file, 'latin1')
  const m = /\.exports\s*=\s*"([A-Za-z0-9+/=]*)"/.exec(text)
  if (!m) throw new Error(`${file}: no base64 weight string found`)
  return Buffer.from(m[1]!, 'base64')
}

/**
 * A tfjs IOHandler that reads a Layers model from a folder on disk, never over the network:
 * either the standard `model.json` + binary shards, or nsfwjs's bundles (`model.min.js` and
 * `<shard>.min.js`, the same JSON and base64 shards wrapped in browserify modules). Bundles are
 * parsed as data, not run: requiring them would execute whatever code a package ships there.
 */
export function fileSystemModelHandler(dir: string): tf.io.IOHandler {
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const plain = join(dir, 'model.json')
      const bundle = join(dir, 'model.min.js')
      let json: ModelJson
      let readShard: (path: string) => Uint8Array
      if (existsSync(plain)) {
        json = JSON.parse(readFileSync(plain, 'utf8')) as ModelJson
        readShard = (p) => readFileSync(join(dir, p))
      } else if (existsSync(bundle)) {
        json = readNsfwjsModel(bundle)
        readShard = (p) => readNsfwjsShard(join(dir, `${p}.min.js`))
      } else {
        throw new Error(`${dir}: neither model.json nor model.min.js is there`)
      }
      const shards = json.weightsManifest.flatMap((group) => group.paths.map(readShard))
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: concat(shards),
      }
    },
  }
}
