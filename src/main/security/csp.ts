/**
 * One CSP for the renderer wherever it is served: scripts only from the app itself, no eval,
 * no inline scripts, no plugins, no framing; network only back to the origin (the WebSocket
 * transport and image URLs).
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
