/**
 * Just enough of the protobuf wire format to write ONNX models (ML-NOTES section 6 lists the
 * field numbers), so that converting the shipped CNNs needs no protobuf library at run time.
 * onnx.proto is proto2: repeated scalars are written unpacked, which every parser reads.
 */

const WIRE_VARINT = 0
const WIRE_FIXED32 = 5
const WIRE_BYTES = 2

function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value))
  const out: number[] = []
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Buffer.from(out)
}

const key = (field: number, wire: number): Buffer => varint((field << 3) | wire)
const intField = (field: number, value: number): Buffer => Buffer.concat([key(field, WIRE_VARINT), varint(value)])
const bytesField = (field: number, bytes: Uint8Array): Buffer => Buffer.concat([key(field, WIRE_BYTES), varint(bytes.byteLength), bytes])
const stringField = (field: number, text: string): Buffer => bytesField(field, Buffer.from(text, 'utf8'))
const messageField = (field: number, parts: Buffer[]): Buffer => bytesField(field, Buffer.concat(parts))

function floatField(field: number, value: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeFloatLE(value)
  return Buffer.concat([key(field, WIRE_FIXED32), b])
}

export const DataType = { FLOAT: 1, INT64: 7 } as const

export type Attribute =
  | { name: string; int: number }
  | { name: string; ints: readonly number[] }
  | { name: string; float: number }
  | { name: string; string: string }

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const

function attribute(a: Attribute): Buffer[] {
  const parts = [stringField(1, a.name)]
  if ('int' in a) parts.push(intField(3, a.int), intField(20, AttributeType.INT))
  else if ('ints' in a) parts.push(...a.ints.map((v) => intField(8, v)), intField(20, AttributeType.INTS))
  else if ('float' in a) parts.push(floatField(2, a.float), intField(20, AttributeType.FLOAT))
  else parts.push(bytesField(4, Buffer.from(a.string, 'utf8')), intField(20, AttributeType.STRING))
  return parts
}

export interface OnnxNode {
  op: string
  inputs: readonly string[]
  outputs: readonly string[]
  attributes?: readonly Attribute[]
  name?: string
}

export type Initializer =
  | { name: string; dims: readonly number[]; float32: Float32Array }
  | { name: string; dims: readonly number[]; int64: readonly number[] }

/** A graph input or output: float32 with fixed or named (symbolic) dimensions. */
export interface ValueInfo {
  name: string
  dims: readonly (number | string)[]
}

function node(n: OnnxNode): Buffer[] {
  return [
    ...n.inputs.map((i) => stringField(1, i)),
    ...n.outputs.map((o) => stringField(2, o)),
    stringField(3, n.name ?? n.outputs[0]!),
    stringField(4, n.op),
    ...(n.attributes ?? []).map((a) => messageField(5, attribute(a))),
  ]
}

function tensor(t: Initializer): Buffer[] {
  const parts = [...t.dims.map((d) => intField(1, d))]
  if ('float32' in t) {
    parts.push(intField(2, DataType.FLOAT), stringField(8, t.name))
    parts.push(bytesField(9, new Uint8Array(t.float32.buffer, t.float32.byteOffset, t.float32.byteLength)))
  } else {
    parts.push(intField(2, DataType.INT64), ...t.int64.map((v) => intField(7, v)), stringField(8, t.name))
  }
  return parts
}

function valueInfo(v: ValueInfo): Buffer[] {
  const dims = v.dims.map((d) => messageField(1, [typeof d === 'number' ? intField(1, d) : stringField(2, d)]))
  const tensorType = [intField(1, DataType.FLOAT), messageField(2, dims)]
  return [stringField(1, v.name), messageField(2, [messageField(1, tensorType)])]
}

export interface OnnxGraph {
  name: string
  nodes: readonly OnnxNode[]
  initializers: readonly Initializer[]
  inputs: readonly ValueInfo[]
  outputs: readonly ValueInfo[]
  opset: number
  producer: string
}

/** Serialises a model (IR version 8) with one default-domain opset. */
export function encodeOnnxModel(g: OnnxGraph): Uint8Array {
  const graph = [
    ...g.nodes.map((n) => messageField(1, node(n))),
    stringField(2, g.name),
    ...g.initializers.map((t) => messageField(5, tensor(t))),
    ...g.inputs.map((v) => messageField(11, valueInfo(v))),
    ...g.outputs.map((v) => messageField(12, valueInfo(v))),
  ]
  return Buffer.concat([intField(1, 8), stringField(2, g.producer), messageField(7, graph), messageField(8, [stringField(1, ''), intField(2, g.opset)])])
}
