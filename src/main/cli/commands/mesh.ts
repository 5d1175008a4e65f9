import { resolve } from 'node:path'
import { MeshFormat } from '../../../shared/ipc/channels/meshes'
import { createCore } from '../../core/create-core'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'

const USAGE =
  'semagic mesh export --run RUN_ID [--dataset NAME --image CATEGORY/STEM] [--format obj|glb] --out FILE [--json] [--data-dir DIR]'

/** `semagic mesh export`: a run's canonical mesh, or an image's instance mesh, as OBJ or binary glTF. */
export const meshCommand: Command = {
  name: 'mesh',
  summary: "export a run's canonical mesh or an image's instance mesh as OBJ or binary glTF, coloured by the feature PCA",
  usage: USAGE,
  options: {
    run: { type: 'string' },
    dataset: { type: 'string' },
    image: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(values, positionals, io) {
    const [sub, ...extra] = positionals
    if (sub !== 'export') throw new CliUsageError(`expected "export"\nusage: ${USAGE}`)
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`)
    const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined)
    const runId = str('run')
    const out = str('out')
    if (!runId) throw new CliUsageError(`--run is required\nusage: ${USAGE}`)
    if (!out) throw new CliUsageError(`--out is required\nusage: ${USAGE}`)
    const formatText = str('format') ?? /\.(obj|glb)$/i.exec(out)?.[1]?.toLowerCase()
    const format = MeshFormat.safeParse(formatText)
    if (!format.success) throw new CliUsageError(`--format: expected obj or glb${formatText === undefined ? ' (or an --out ending in .obj or .glb)' : `, got "${formatText}"`}`)
    const dataset = str('dataset')
    const imageText = str('image')
    if ((dataset === undefined) !== (imageText === undefined)) throw new CliUsageError('--dataset and --image go together: both for an instance mesh, neither for the canonical one')
    let image: { category: string; stem: string } | undefined
    if (imageText !== undefined) {
      const m = /^([^/]+)\/([^/]+)$/.exec(imageText)
      if (!m) throw new CliUsageError(`--image: expected CATEGORY/STEM, got "${imageText}"`)
      image = { category: m[1]!, stem: m[2]! }
    }
    const dataDir = str('data-dir') ?? defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`) })
    try {
      if (image) io.stderr.write(`fitting ${imageText} with run ${runId} (cached after the first time)\n`)
      const result = await core.registry.invoke('meshes.export', { runId, dataset, image, format: format.data, out: resolve(out) }, { transport: 'cli' })
      if (!result.ok) throw new Error(result.error.message)
      const r = result.value as { file: string; bytes: number; vertexCount: number; faceCount: number; format: string }
      if (values.json) io.stdout.write(`${JSON.stringify({ file: r.file, format: r.format, bytes: r.bytes, vertices: r.vertexCount, faces: r.faceCount }, null, 2)}\n`)
      else io.stdout.write(`${r.file}: ${r.format}, ${r.vertexCount} vertices, ${r.faceCount} faces, ${r.bytes} bytes\n`)
      return 0
    } finally {
      core.close()
    }
  },
}
