import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CuratedDataset } from '../curation/load-curated'
import { spairImageFile } from './write-spair'

/**
 * COCO keypoints: one category per data set category with `kp<id>` names over the ids it uses,
 * v = 2 visible, 1 annotated but marked invisible, 0 absent. Excluded images are left out;
 * file names point into the SPair tree written beside this file.
 */
export function writeCoco(data: CuratedDataset, out: string, datasetName: string): { images: number; annotations: number } {
  const images = [...data.images.values()].filter((i) => !i.excluded)
  const slots = new Map<string, number>()
  for (const img of images) {
    const last = img.keypoints.reduce((m, kp, id) => (kp ? id : m), -1)
    slots.set(img.category, Math.max(slots.get(img.category) ?? 0, last + 1))
  }
  const categoryNames = [...slots.keys()].sort()
  const categoryId = new Map(categoryNames.map((name, i) => [name, i + 1]))
  const coco = {
    info: { description: `SEMAGIC studio export of "${datasetName}"`, date_created: new Date().toISOString() },
    images: images.map((img, i) => ({
      id: i + 1,
      file_name: spairImageFile(img),
      width: img.width,
      height: img.height,
      semagic: { category: img.category, stem: img.stem, splits: img.splits, tags: img.tags },
    })),
    annotations: images.map((img, i) => {
      const n = slots.get(img.category) ?? 0
      const keypoints: number[] = []
      let visible = 0
      for (let id = 0; id < n; id++) {
        const kp = img.keypoints[id]
        if (!kp) keypoints.push(0, 0, 0)
        else {
          keypoints.push(kp.point[0], kp.point[1], kp.visible ? 2 : 1)
          if (kp.visible) visible++
        }
      }
      const [x1, y1, x2, y2] = img.bbox ?? [0, 0, img.width, img.height]
      return {
        id: i + 1,
        image_id: i + 1,
        category_id: categoryId.get(img.category),
        bbox: [x1, y1, x2 - x1, y2 - y1],
        area: (x2 - x1) * (y2 - y1),
        iscrowd: 0,
        keypoints,
        num_keypoints: visible,
      }
    }),
    categories: categoryNames.map((name) => ({
      id: categoryId.get(name),
      name,
      supercategory: name,
      keypoints: Array.from({ length: slots.get(name) ?? 0 }, (_, id) => `kp${id}`),
      skeleton: [],
    })),
  }
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'coco_keypoints.json'), `${JSON.stringify(coco)}\n`)
  return { images: coco.images.length, annotations: coco.annotations.length }
}
