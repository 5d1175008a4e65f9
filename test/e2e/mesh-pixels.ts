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

/**
 * The WebGL canvas read back through a 2-D canvas (it renders with preserveDrawingBuffer):
 * pixels that differ from the scene's background, a checksum that changes with the colours, and
 * the painted pixel nearest the centre (as fractions of the canvas), where a click lands on the mesh.
 */
export async function meshPixels(page: Page): Promise<{ painted: number; sum: number; nearCentre: [number, number] | null }> {
  return page.evaluate(() => {
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
    let painted = 0
    let sum = 0
    let nearCentre: [number, number] | null = null
    let nearest = Number.POSITIVE_INFINITY
    for (let i = 0; i < data.length; i += 4) {
      // Background #20242a.
      if (Math.abs(data[i]! - 0x20) + Math.abs(data[i + 1]! - 0x24) + Math.abs(data[i + 2]! - 0x2a) > 24) {
        painted++
        const x = (i / 4) % c.width
        const y = Math.floor(i / 4 / c.width)
        const d = (x - c.width / 2) ** 2 + (y - c.height / 2) ** 2
        if (d < nearest) {
          nearest = d
          nearCentre = [(x + 0.5) / c.width, (y + 0.5) / c.height]
        }
      }
      sum = (sum + data[i]! * 3 + data[i + 1]! * 5 + data[i + 2]! * 7) % 1_000_000_007
    }
    return { painted, sum, nearCentre }
  })
}
