import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveInside } from '../../../src/main/security/confine-path'
import { tempDir } from '../../helpers/temp-dir'

const dir = tempDir()
const root = join(dir.path, 'renderer')
mkdirSync(join(root, 'assets'), { recursive: true })
writeFileSync(join(root, 'index.html'), '<html>')
writeFileSync(join(root, 'assets', 'a.js'), '1')
writeFileSync(join(dir.path, 'secret.txt'), 'secret')
symlinkSync(join(dir.path, 'secret.txt'), join(root, 'link.txt'))
afterAll(() => dir.remove())

describe('resolveInside', () => {
  it('finds files inside the root', () => {
    expect(resolveInside(root, '/index.html')).toBe(join(root, 'index.html'))
    expect(resolveInside(root, '/assets/a.js')).toBe(join(root, 'assets', 'a.js'))
  })

  it.each([
    ['/../secret.txt'],
    ['/assets/../../secret.txt'],
    ['/%2e%2e/secret.txt'],
    ['/assets/%2E%2E%2F%2E%2E%2Fsecret.txt'],
    ['/link.txt'],
    ['/index.html%00.js'],
    ['/%E0%A4%A'],
    ['/missing.js'],
  ])('refuses %s', (path) => {
    expect(resolveInside(root, path)).toBeNull()
  })
})
