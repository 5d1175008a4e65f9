import type { DatasetFormat } from '../ipc/channels/datasets'
import type { Compare, ThresholdKind } from './pck-types'

export interface PckConvention {
  threshold: ThresholdKind
  compare: Compare
  alphas: number[]
  /** Who reports PCK this way, for the README and the CLI's help. */
  source: string
}

const ALPHAS = [0.05, 0.1, 0.15]

/**
 * Each data set is scored by default as the papers that report on it do; `--threshold`,
 * `--compare` and `--alpha` (or the request's fields) override any of the three.
 */
export const PCK_CONVENTIONS: Record<DatasetFormat, PckConvention> = {
  spair: { threshold: 'bbox', compare: 'le', alphas: ALPHAS, source: 'max side of the target box, <= (SPair-71k devkit line: HPF, CHM, DIFT)' },
  'pf-pascal': {
    threshold: 'image',
    compare: 'le',
    alphas: ALPHAS,
    source: 'max side of the target image, <= (HPF/CHM/DHPF "img", GeoAware and SD-DINO for PASCAL; WeakAlign/NCNet score a 224 px resize, the same up to the aspect ratio); some papers use the box: --threshold bbox',
  },
  'pf-willow': {
    threshold: 'bbox-kp',
    compare: 'le',
    alphas: ALPHAS,
    source: "max side of the target keypoints' box, <= (Proposal Flow, NCNet, HPF: PF-WILLOW has no boxes)",
  },
  cub: {
    threshold: 'bbox',
    compare: 'le',
    alphas: ALPHAS,
    source: 'max side of the target bounding box, <= (keypoint transfer on CUB: CSM, GANgealing)',
  },
}
