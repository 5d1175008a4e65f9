/**
 * One fixed colour per SPair keypoint id (0-29), so that id 7 has the same colour on every image
 * and in every view (FiftyOne's "multicolor keypoints" by index). Hand-picked to stay apart from
 * their neighbours in id order and readable on photos; numbers are drawn beside each point anyway,
 * because 30 colours cannot all be told apart.
 */
export const KEYPOINT_COLOURS: readonly string[] = [
  '#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231',
  '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4',
  '#469990', '#dcbeff', '#9a6324', '#fffac8', '#800000',
  '#aaffc3', '#808000', '#ffd8b1', '#000075', '#a9a9a9',
  '#ff6f61', '#2e8b57', '#b8860b', '#1e90ff', '#ff1493',
  '#7fff00', '#8a2be2', '#00ced1', '#ff8c00', '#c71585',
]

export function keypointColour(id: number): string {
  return KEYPOINT_COLOURS[id % KEYPOINT_COLOURS.length] ?? '#ffffff'
}
