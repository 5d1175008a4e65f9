import type { Page } from 'playwright-core'

interface CanvasLike {
  width: number
  height: number
}
interface Ctx2d {
  drawImage(c: CanvasLike, x: number, y: number): void
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
}
/** The page's document, typed just enough: the test project has no DOM library. */
type PageGlobal = {
  document: {
    querySelector(selector: string): CanvasLike | null
    createElement(tag: 'canvas'): CanvasLike & { getContext(kind: '2d'): Ctx2d | null }
  }
}

/** Half width of the square of painted pixels around the click point: its centre is then well inside the mesh. */
const INSIDE = 4

/**
 * The WebGL canvas read back through a 2-D canvas (it renders with preserveDrawingBuffer):
 * pixels that differ from the scene's background, a checksum that changes with the colours, and
 * the pixel nearest the centre (as fractions of the canvas) whose whole neighbourhood is painted,
 * where a click lands on the mesh. The nearest painted pixel alone is no good: it is usually an
 * antialiased edge pixel whose centre the mesh does not cover, so a ray through it misses.
 */
export async function meshPixels(page: Page): Promise<{ painted: number; sum: number; nearCentre: [number, number] | null }> {
  return page.evaluate((inside) => {
    const d = (globalThis as unknown as PageGlobal).document
    const c = d.querySelector('[data-testid=mesh-canvas] canvas')
    if (!c || c.width === 0) return { painted: 0, sum: 0, nearCentre: null }
    const copy = d.createElement('canvas')
    copy.width = c.width
    copy.height = c.height
    const ctx = copy.getContext('2d')
    if (!ctx) return { painted: 0, sum: 0, nearCentre: null }
    ctx.drawImage(c, 0, 0)
    const data = ctx.getImageData(0, 0, c.width, c.height).data
    const w = c.width
    const h = c.height
    const mask = new Uint8Array(w * h)
    let painted = 0
    let sum = 0
    for (let i = 0; i < data.length; i += 4) {
      // Background #20242a.
      if (Math.abs(data[i]! - 0x20) + Math.abs(data[i + 1]! - 0x24) + Math.abs(data[i + 2]! - 0x2a) > 24) {
        painted++
        mask[i / 4] = 1
      }
      sum = (sum + data[i]! * 3 + data[i + 1]! * 5 + data[i + 2]! * 7) % 1_000_000_007
    }
    const surrounded = (x: number, y: number): boolean => {
      for (let v = y - inside; v <= y + inside; v++) for (let u = x - inside; u <= x + inside; u++) if (!mask[v * w + u]) return false
      return true
    }
    let nearCentre: [number, number] | null = null
    let nearest = Number.POSITIVE_INFINITY
    for (let y = inside; y < h - inside; y++) {
      for (let x = inside; x < w - inside; x++) {
        const dist = (x - w / 2) ** 2 + (y - h / 2) ** 2
        if (mask[y * w + x] && dist < nearest && surrounded(x, y)) {
          nearest = dist
          nearCentre = [(x + 0.5) / w, (y + 0.5) / h]
        }
      }
    }
    return { painted, sum, nearCentre }
  }, INSIDE)
}
