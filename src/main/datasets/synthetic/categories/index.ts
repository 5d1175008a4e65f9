import { bird } from './bird'
import { car } from './car'
import type { CategoryDefinition } from './category'
import { quadruped } from './quadruped'

/** Registry order is part of the data: it fixes each category's image-name year (see README). */
export const CATEGORIES: readonly CategoryDefinition[] = [quadruped, bird, car]

export function findCategory(name: string): CategoryDefinition {
  const category = CATEGORIES.find((c) => c.name === name)
  if (category === undefined) throw new RangeError(`unknown synthetic category ${name}; known: ${CATEGORIES.map((c) => c.name).join(', ')}`)
  return category
}
