import { net, protocol } from 'electron'
import { pathToFileURL } from 'node:url'
import { RENDERER_CSP } from '../security/csp'
import { resolveInside } from '../security/confine-path'

export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://studio`

/** Must run before `app.ready`: the renderer is served from app://studio, never file://. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== 'studio') return new Response('not found', { status: 404 })
    const file = resolveInside(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname)
    if (!file) return new Response('not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', RENDERER_CSP)
    return new Response(response.body, { status: response.status, headers })
  })
}
