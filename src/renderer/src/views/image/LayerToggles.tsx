import type { Layers } from './ImageStage'

export function LayerToggles({ layers, onChange, hasMask }: { layers: Layers; onChange: (l: Layers) => void; hasMask: boolean }): React.JSX.Element {
  const toggle = (k: keyof Layers, label: string, key: string, disabled = false): React.JSX.Element => (
    <label className="check" title={`${label} (${key})`}>
      <input type="checkbox" checked={layers[k]} disabled={disabled} onChange={(e) => onChange({ ...layers, [k]: e.target.checked })} />
      {label}
    </label>
  )
  return (
    <span className="row" role="group" aria-label="Layers">
      {toggle('mask', 'mask', 'M', !hasMask)}
      {toggle('bbox', 'box', 'B')}
      {toggle('keypoints', 'keypoints', 'P')}
    </span>
  )
}

/** M, B, P toggle the layers in every image view. */
export function layerKey(key: string, layers: Layers): Layers | null {
  if (key === 'm') return { ...layers, mask: !layers.mask }
  if (key === 'b') return { ...layers, bbox: !layers.bbox }
  if (key === 'p') return { ...layers, keypoints: !layers.keypoints }
  return null
}
