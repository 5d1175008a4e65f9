import { net, protocol } from 'electron'
import { pathToFileURL } from 'node:url'
import { RENDERER_CSP } from '../security/csp'
import { MEDIA_PREFIX } from '../services/media/media-service'
import { resolveInside } from '../security/confine-path'

export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://studio`

/** Must run before `app.ready`: the renderer is served from app://studio, never file://. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

/** The renderer's files and, under /media/, the images of registered data sets. */
export function serveRenderer(rendererDir: string, resolveMedia: (path: string) => string | null): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== 'studio') return new Response('not found', { status: 404 })
    const path = url.pathname === '/' ? '/index.html' : url.pathname
    const file = path.startsWith(MEDIA_PREFIX) ? resolveMedia(path) : resolveInside(rendererDir, path)
    if (!file) return new Response('not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', RENDERER_CSP)
    return new Response(response.body, { status: response.status, headers })
  })
}
