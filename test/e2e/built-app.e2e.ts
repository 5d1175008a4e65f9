import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')

function electronBinary(): string | null {
  if (process.env.ELECTRON_PATH) return existsSync(process.env.ELECTRON_PATH) ? process.env.ELECTRON_PATH : null
  const pathTxt = join(root, 'node_modules/electron/path.txt')
  if (!existsSync(pathTxt)) return null
  const bin = join(root, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(bin) ? bin : null
}

describe('the production build', () => {
  it('has the three bundles electron-vite produces', () => {
    for (const f of ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html']) {
      expect(existsSync(join(root, f)), f).toBe(true)
    }
  })

  it('ships a CSP without eval or inline scripts in the renderer page', () => {
    const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8')
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline/)
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/) // every script is an external file
  })

  it('keeps the preload a self-contained CommonJS bundle (required by sandbox: true)', () => {
    const preload = readFileSync(join(root, 'out/preload/index.js'), 'utf8')
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])
    expect(new Set(required)).toEqual(new Set(['electron']))
    expect(preload).not.toMatch(/ipcRenderer\s*[,}]\s*\)/) // ipcRenderer itself is never exposed
  })

  const electron = electronBinary()
  it.skipIf(electron === null)('launches in Electron and shows the health panel over IPC', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'semagic-electron-'))
    const app = await _electron.launch({
      executablePath: electron!,
      args: [join(root, 'out/main/index.js')],
      env: { ...process.env, SEMAGIC_DATA_DIR: dataDir },
    })
    try {
      const page = await app.firstWindow()
      await page.goto('app://studio/index.html#/health')
      await page.getByRole('heading', { name: 'Health' }).waitFor()
      expect(await page.getByTestId('fact-transport').locator('dd').textContent()).toBe('electron')
    } finally {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
