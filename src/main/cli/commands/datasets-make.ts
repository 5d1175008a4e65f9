import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { MakeRequest } from '../../../shared/ipc/channels/assets'
import type { MakeResult } from '../../../shared/ipc/channels/assets'
import { formatDuration } from '../../../shared/progress'
import { AppError } from '../../core/app-error'
import type { Core } from '../../core/create-core'
import { contactSheet } from '../../datasets/asset/contact-sheet'
import { CliUsageError } from '../cli-error'
import type { CliIo, Values } from '../command'
import { followJob } from '../follow-job'

const integer = (v: unknown): number | undefined => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : typeof v === 'string' ? NaN : undefined)

/**
 * `semagic datasets make (--example fox | --keypoints FILE.json [--asset FILE.glb]) --name NAME`:
 * the `assets.make` job (render, then import), followed on stderr; `--contact-sheet FILE.png`
 * then draws the first test images with their keypoints.
 */
export async function runMake(core: Core, values: Values, io: CliIo, usage: string): Promise<number> {
  const path = (v: unknown): string | undefined => (typeof v === 'string' ? resolve(v) : undefined)
  const parsed = MakeRequest.safeParse(
    Object.fromEntries(
      Object.entries({
        name: values.name,
        example: values.example,
        asset: path(values.asset),
        keypoints: path(values.keypoints),
        images: integer(values.images),
        seed: integer(values.seed),
      }).filter(([, v]) => v !== undefined),
    ),
  )
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CliUsageError(`--${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}\nusage: ${usage}`)
  }
  const started = performance.now()
  try {
    const { jobId } = await core.services.assets.startMake(parsed.data)
    const result = await followJob<MakeResult>(core, io, 'make', () => jobId)
    const seconds = (performance.now() - started) / 1000
    const total = (c: MakeResult['images']): number => c.trn + c.val + c.test
    io.stderr.write(`${result.name}: rendered and imported in ${formatDuration(seconds)} (${seconds.toFixed(1)} s) into ${result.root}\n`)
    if (typeof values['contact-sheet'] === 'string') {
      const out = resolve(values['contact-sheet'])
      await writeFile(out, await contactSheet({ root: result.root, category: result.category }))
      io.stderr.write(`contact sheet: ${out}\n`)
    }
    io.stdout.write(
      values.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${result.name}: ${total(result.images)} images of ${result.category} (trn ${result.images.trn}, val ${result.images.val}, test ${result.images.test}), ` +
            `${total(result.pairs)} pairs, ${result.keypoints.length} keypoints, from ${result.asset}\n`,
    )
    return 0
  } catch (error) {
    if (error instanceof AppError && error.code === 'CANCELLED') {
      io.stderr.write('make cancelled; nothing was imported\n')
      return 130
    }
    throw error
  }
}
