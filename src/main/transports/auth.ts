import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export function newToken(): string {
  return randomBytes(24).toString('hex')
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Cookies are not port-scoped, so two servers on one host must not share a cookie name. */
export const cookieName = (port: number): string => `semagic_token_${port}`

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

/**
 * Hosts this server answers to. Checking Host defeats DNS rebinding (a foreign name that
 * resolves to 127.0.0.1); checking Origin stops other pages' scripts from opening our socket.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]'])
  names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host)
  return new Set([...names].map((n) => `${n}:${port}`))
}

export function hostAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  return typeof req.headers.host === 'string' && hosts.has(req.headers.host.toLowerCase())
}

export function originAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true // not a browser page (CLI clients, curl): the token still applies
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' && hosts.has(url.host.toLowerCase())
  } catch {
    return false
  }
}
