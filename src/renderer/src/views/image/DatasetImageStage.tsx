import type { ComponentProps } from 'react'
import { mediaUrl } from '../../lib/media'
import { ImageStage } from './ImageStage'

/** What the stage needs of an imported image: its files (relative to the data set) and size. */
export interface StageImage {
  file: string
  maskFile: string | null
  width: number
  height: number
}

/** The image stage over one image of a data set, its photo and mask served from the studio's media route. */
export function DatasetImageStage({
  dataset,
  image,
  ...stage
}: Omit<ComponentProps<typeof ImageStage>, 'src' | 'maskSrc' | 'width' | 'height'> & { dataset: string; image: StageImage }): React.JSX.Element {
  return (
    <ImageStage
      src={mediaUrl(dataset, image.file)}
      maskSrc={image.maskFile ? mediaUrl(dataset, image.maskFile) : null}
      width={image.width}
      height={image.height}
      {...stage}
    />
  )
}
