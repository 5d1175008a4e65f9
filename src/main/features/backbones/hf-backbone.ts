import { ensureHfModel } from '../hub/hf-model'
import { loadOnnxBackbone } from './onnx-backbone'
import type { Backbone, BackboneOptions, BackboneRuntime } from './types'

/**
 * A Hugging Face ONNX export by name (`hf:<org>/<name>[@revision][:file]`), fed as the repo's
 * preprocessor_config.json says (input side, mean, std). The model comes from the hub's cache,
 * or is fetched into it first; callers that want progress and cancel (the features service)
 * fetch it beforehand and pass the pinned name, which the cache then answers without a request.
 */
export async function loadHfBackbone(id: string, options: BackboneOptions = {}, runtime: BackboneRuntime = {}): Promise<Backbone> {
  const hf = await ensureHfModel(id)
  // Without one, the model's own fixed input side, else 224, as for any ONNX file.
  const size = options.size ?? hf.preprocessing.size
  const providers = options.providers ?? runtime.providers
  const backbone = await loadOnnxBackbone(hf.model.path, {
    id: hf.pinned,
    ...(size === null ? {} : { size }),
    pixels: hf.preprocessing,
    ...(options.output === undefined ? {} : { output: options.output }),
    ...(providers === undefined ? {} : { providers }),
    ...(runtime.threads === undefined ? {} : { threads: runtime.threads }),
  })
  const describe = backbone.describe
  return {
    ...backbone,
    describe: () => {
      const info = describe()
      return {
        ...info,
        description: `${hf.name.repo} (${hf.name.file} at commit ${hf.model.commit.slice(0, 12)}, from the Hugging Face cache): ${info.description}`,
        notes: [...info.notes, ...hf.notes],
      }
    },
  }
}
