#!/usr/bin/env node
'use strict'
// The CLI is built with the app (`npm run build`, also run by `npm install`'s prepare step).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(`semagic: ${cli} is missing; run \`npm run build\` in ${join(__dirname, '..')} first\n`)
  process.exit(1)
}
require(cli)
  .main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
  .then((code) => {
    process.exitCode = code
  })
