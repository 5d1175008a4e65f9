#!/usr/bin/env node
// `npm start` runs this first. Two things the desktop app needs that `npm ci`, `npm test` and
// `semagic` never do: the Electron binary (downloaded lazily since Electron 42) and a build of
// better-sqlite3 for Electron's ABI, kept in .electron-native/ so that Node's own build (used by
// the CLI and the tests) stays untouched. Both need the network once; later starts are offline.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const electronDir = dirname(require.resolve('electron/package.json'))
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: process.env })
}

if (!existsSync(join(electronDir, 'path.txt')) && !process.env.ELECTRON_EXEC_PATH) {
  console.error(`Fetching the Electron ${electronVersion} binary (one time)...`)
  run(process.execPath, [join(electronDir, 'install.js')], electronDir)
}

const target = join(root, '.electron-native', `electron-${electronVersion}`, 'better_sqlite3.node')
if (!existsSync(target)) {
  console.error(`Building better-sqlite3 for Electron ${electronVersion} (one time)...`)
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'))
  const work = mkdtempSync(join(tmpdir(), 'semagic-electron-native-'))
  try {
    cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.includes(`${sqliteDir}/build`) })
    const prebuild = join(dirname(require.resolve('prebuild-install/package.json')), 'bin.js')
    try {
      run(process.execPath, [prebuild, '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`], work)
    } catch {
      console.error('No prebuilt binary; compiling against the Electron headers instead.')
      const nodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
      run(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], work)
    }
    mkdirSync(dirname(target), { recursive: true })
    cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
console.error(`Electron ${electronVersion} ready; better-sqlite3 for Electron at ${target}`)
