/// <reference types="@webgpu/types" />

/** GPUBufferUsage flags (the constants Dawn installs as globals, spelt out so this module loads without them). */
export const MAP_READ = 0x01
export const COPY_SRC = 0x04
export const COPY_DST = 0x08
export const UNIFORM = 0x40
export const STORAGE = 0x80

/**
 * Named storage buffers of one set of kernels, grown on demand (to at least twice their old size,
 * so a growing batch reallocates rarely) and never shrunk. The owner's bind group is made again
 * only when one of them was replaced (`version`).
 */
export class DeviceBuffers<Name extends string> {
  private readonly buffers = new Map<Name | 'read', GPUBuffer>()
  private version = 0
  private group: { group: GPUBindGroup; version: number } | null = null

  constructor(private readonly device: GPUDevice) {}

  get(name: Name): GPUBuffer {
    const b = this.buffers.get(name)
    if (!b) throw new Error(`GPU engine: buffer ${name} used before it was made`)
    return b
  }

  /**
   * A buffer of at least `values` 32-bit values. `keep` copies the old contents into a
   * replacement (the old buffer then needs COPY_SRC); `init` fills a fresh one from its start.
   */
  ensure(name: Name, values: number, usage: number, options: { keep?: boolean; init?: ArrayBufferView } = {}): GPUBuffer {
    return this.sized(name, values, usage, options)
  }

  /** The owner's bind group over `resources` (in binding order), made again only after a buffer was replaced. */
  bindGroup(layout: GPUBindGroupLayout, resources: () => GPUBufferBinding[]): GPUBindGroup {
    if (this.group?.version !== this.version) {
      this.group = { group: this.device.createBindGroup({ layout, entries: resources().map((resource, binding) => ({ binding, resource })) }), version: this.version }
    }
    return this.group.group
  }

  /** Copies `values` values from `src` at value `offset` into a mapped staging buffer and reads them (submits `encoder`). */
  async read(encoder: GPUCommandEncoder, src: Name, offset: number, values: number): Promise<Float32Array> {
    const read = this.sized('read', values, MAP_READ | COPY_DST, {})
    encoder.copyBufferToBuffer(this.get(src), 4 * offset, read, 0, 4 * values)
    this.device.queue.submit([encoder.finish()])
    await read.mapAsync(MAP_READ, 0, 4 * values)
    const out = new Float32Array(read.getMappedRange(0, 4 * values).slice(0))
    read.unmap()
    return out
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy()
    this.buffers.clear()
    this.version++
  }

  private sized(name: Name | 'read', values: number, usage: number, { keep = false, init }: { keep?: boolean; init?: ArrayBufferView }): GPUBuffer {
    const old = this.buffers.get(name)
    const size = Math.max(16, 4 * values)
    if (old && old.size >= size) return old
    const buffer = this.device.createBuffer({ size: Math.max(size, old ? old.size * 2 : 0), usage })
    if (old && keep) {
      const encoder = this.device.createCommandEncoder()
      encoder.copyBufferToBuffer(old, 0, buffer, 0, old.size)
      this.device.queue.submit([encoder.finish()])
    } else if (init) {
      this.device.queue.writeBuffer(buffer, 0, init)
    }
    old?.destroy()
    this.buffers.set(name, buffer)
    if (name !== 'read') this.version++
    return buffer
  }
}

/**
 * Runs device work inside error scopes: WebGPU reports a validation error or a failed
 * allocation to the scope, not to the call, and the results would silently be garbage.
 */
export async function withErrorScopes<T>(device: GPUDevice, what: string, run: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory')
  device.pushErrorScope('validation')
  let out: { value: T } | null = null
  let thrown: unknown = null
  try {
    out = { value: await run() }
  } catch (error) {
    thrown = error
  }
  const validation = await device.popErrorScope()
  const memory = await device.popErrorScope()
  if (thrown !== null) throw thrown
  const error = validation ?? memory
  if (error || !out) throw new Error(`GPU engine, ${what}: ${error?.message ?? 'no result'}`)
  return out.value
}
