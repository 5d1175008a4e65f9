import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { allowedHosts, hostAllowed, newToken, originAllowed, readCookie, tokenMatches } from '../../../src/main/transports/auth'

const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage

describe('serve authentication helpers', () => {
  it('makes long random tokens', () => {
    const a = newToken()
    expect(a).toMatch(/^[0-9a-f]{48}$/)
    expect(newToken()).not.toBe(a)
  })

  it('compares tokens exactly, including length', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true)
    expect(tokenMatches('abc', 'abd')).toBe(false)
    expect(tokenMatches('abc', 'abcd')).toBe(false)
    expect(tokenMatches('abc', null)).toBe(false)
  })

  it('reads one cookie among several', () => {
    expect(readCookie(req({ cookie: 'a=1; semagic_token_80=xyz; b=2' }), 'semagic_token_80')).toBe('xyz')
    expect(readCookie(req({ cookie: 'a=1' }), 'semagic_token_80')).toBeNull()
  })

  it('accepts loopback names on our port only (DNS rebinding)', () => {
    const hosts = allowedHosts('127.0.0.1', 8080)
    expect(hostAllowed(req({ host: '127.0.0.1:8080' }), hosts)).toBe(true)
    expect(hostAllowed(req({ host: 'localhost:8080' }), hosts)).toBe(true)
    expect(hostAllowed(req({ host: 'evil.example:8080' }), hosts)).toBe(false)
    expect(hostAllowed(req({ host: '127.0.0.1:9090' }), hosts)).toBe(false)
    expect(hostAllowed(req({}), hosts)).toBe(false)
  })

  it('accepts only our own origin for browser requests', () => {
    const hosts = allowedHosts('127.0.0.1', 8080)
    expect(originAllowed(req({ origin: 'http://127.0.0.1:8080' }), hosts)).toBe(true)
    expect(originAllowed(req({ origin: 'http://evil.example' }), hosts)).toBe(false)
    expect(originAllowed(req({ origin: 'null' }), hosts)).toBe(false)
    expect(originAllowed(req({}), hosts)).toBe(true)
  })
})
