import { useEffect, useRef } from 'react'

/** Grey masks get one tint; palette (indexed) masks keep their own colours so instances stay apart. */
const TINT = [0, 200, 255] as const
const ALPHA = 110

/**
 * The segmentation mask as a translucent overlay. Drawn through a canvas with real alpha because
 * CSS blend modes over a grey or indexed PNG give different results per browser and per palette.
 * The mask is same-origin (/media/), so reading its pixels does not taint the canvas.
 */
export function MaskCanvas({ src, onError }: { src: string; onError: (message: string) => void }): React.JSX.Element {
  const ref = useRef<HTMLCanvasElement>(null)
  const onErrorRef = useRef(onError)
  useEffect(() => {
    onErrorRef.current = onError
  })
  useEffect(() => {
    let live = true
    const img = new Image()
    img.src = src
    img.decode().then(
      () => {
        const canvas = ref.current
        const ctx = canvas?.getContext('2d', { willReadFrequently: true })
        if (!live || !canvas || !ctx) return
        canvas.width = img.naturalWidth
        canvas.height = img.naturalHeight
        ctx.drawImage(img, 0, 0)
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height)
        const px = data.data
        for (let i = 0; i < px.length; i += 4) {
          const r = px[i]!
          const g = px[i + 1]!
          const b = px[i + 2]!
          if (px[i + 3] === 0 || (r | g | b) === 0) {
            px[i + 3] = 0
          } else {
            if (r === g && g === b) {
              px[i] = TINT[0]
              px[i + 1] = TINT[1]
              px[i + 2] = TINT[2]
            }
            px[i + 3] = ALPHA
          }
        }
        ctx.putImageData(data, 0, 0)
      },
      () => live && onErrorRef.current(`could not load the mask ${decodeURIComponent(src)}`),
    )
    return () => {
      live = false
    }
  }, [src])
  return <canvas ref={ref} className="stage-mask" data-testid="mask-canvas" aria-hidden="true" />
}
