import { createCore } from '../../core/create-core'
import { defaultDataDir } from '../../paths'
import { CliUsageError } from '../cli-error'
import type { Command } from '../command'
import { runExport } from './datasets-export'
import { runImport } from './datasets-import'
import { runMake } from './datasets-make'

const USAGE = [
  'semagic datasets import (--spair ROOT | --pf-pascal ROOT | --pf-willow ROOT | --cub ROOT) [--name NAME] [--json] [--data-dir DIR]',
  '         CUB only: [--seed 0] [--pairs-per-species 50] [--val-fraction 0.1] (val split and pairs drawn, recorded with the set)',
  '       semagic datasets export --name NAME --out DIR [--json] [--data-dir DIR]',
  '       semagic datasets make (--example fox | --keypoints FILE.json [--asset FILE.glb]) --name NAME [--images 275] [--seed 1]',
  '                             [--contact-sheet FILE.png] [--json] [--data-dir DIR]',
  '       semagic datasets list [--json] [--data-dir DIR]',
].join('\n')

export const datasetsCommand: Command = {
  name: 'datasets',
  summary: 'index an SPair-71k, PF-PASCAL, PF-WILLOW or CUB-200-2011 tree (import), write a curated data set out (export), render one from a glTF asset (make), list data sets (list)',
  usage: USAGE,
  options: {
    spair: { type: 'string' },
    'pf-pascal': { type: 'string' },
    'pf-willow': { type: 'string' },
    cub: { type: 'string' },
    seed: { type: 'string' },
    'pairs-per-species': { type: 'string' },
    'val-fraction': { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string' },
    example: { type: 'string' },
    asset: { type: 'string' },
    keypoints: { type: 'string' },
    images: { type: 'string' },
    'contact-sheet': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(values, positionals, io) {
    const [sub, ...extra] = positionals
    if (sub !== 'import' && sub !== 'export' && sub !== 'make' && sub !== 'list') {
      throw new CliUsageError(`expected "import", "export", "make" or "list"\nusage: ${USAGE}`)
    }
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`)
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultDataDir()
    const core = createCore({ dataDir, log: (level, message) => io.stderr.write(`${level}: ${message}\n`) })
    try {
      if (sub === 'import') return await runImport(core, values, io)
      if (sub === 'export') return await runExport(core, values, io)
      if (sub === 'make') return await runMake(core, values, io, USAGE)
      const all = core.services.datasets.list()
      if (values.json) io.stdout.write(`${JSON.stringify(all, null, 2)}\n`)
      else if (all.length === 0) io.stdout.write(`no data sets in ${dataDir}\n`)
      else {
        for (const d of all) {
          const pairs = d.pairs.trn + d.pairs.val + d.pairs.test
          io.stdout.write(`${d.name}\t${d.images} images\t${pairs} pairs\t${d.warningCount} warnings\t${d.root}\n`)
        }
      }
      return 0
    } finally {
      core.close()
    }
  },
}
