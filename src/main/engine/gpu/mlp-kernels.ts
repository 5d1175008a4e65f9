/**
 * WGSL kernels of a coordinate MLP (math/mlp: dense layers, ReLU between them, linear output)
 * over every point of a step's images at once, forward and backward, in f32. Every output is one
 * thread's sum in a fixed order (weight gradients: one thread per weight, over a shard's points
 * in order), so a run reproduces its own bits and a shard's gradients are its own.
 *
 * Buffers: W weights and biases of every layer (read); A activations: the encoded input, each
 * layer's output, then the output rows' norms; D deltas: dL/d(each layer's input and output);
 * GW weight gradients, per shard, in mlpParams order.
 */
export const MLP_PARAMS_BYTES = 256
/** Shards a dispatch can separate (the uniform's shard ends). */
export const MLP_MAX_SHARDS = 8

export const MLP_KERNELS = /* wgsl */ `
struct Layer {
  points: u32, d: u32, h: u32, reluIn: u32,
  offX: u32, offY: u32, offW: u32, offB: u32,
  offDX: u32, offDY: u32, offGW: u32, paramCount: u32,
  shards: u32, reluOut: u32, offNorm: u32, scale: f32,
  ends: array<vec4<u32>, ${MLP_MAX_SHARDS / 4}>,
}

@group(0) @binding(0) var<uniform> L: Layer;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read_write> A: array<f32>;
@group(0) @binding(3) var<storage, read_write> D: array<f32>;
@group(0) @binding(4) var<storage, read_write> GW: array<f32>;

fn shardEnd(s: u32) -> u32 { return L.ends[s / 4u][s % 4u]; }

/** The thread's item: dispatches wider than 65,535 workgroups wrap into y (field-batch run). */
fn item(g: vec3<u32>) -> u32 { return g.x + g.y * 65535u * 64u; }

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) g: vec3<u32>) {
  let idx = item(g);
  if (idx >= L.points * L.h) { return; }
  let p = idx / L.h;
  let j = idx % L.h;
  var s = W[L.offB + j];
  for (var k = 0u; k < L.d; k++) { s += W[L.offW + j * L.d + k] * A[L.offX + p * L.d + k]; }
  if (L.reluOut != 0u && s < 0.0) { s = 0.0; }
  A[L.offY + p * L.h + j] = s;
}

@compute @workgroup_size(64)
fn norms(@builtin(global_invocation_id) g: vec3<u32>) {
  let p = item(g);
  if (p >= L.points) { return; }
  var s = 0.0;
  for (var j = 0u; j < L.h; j++) {
    let v = A[L.offY + p * L.h + j];
    s += v * v;
  }
  A[L.offNorm + p] = sqrt(s);
}

/** The output delta times the scale (the step's 1 / batch). */
@compute @workgroup_size(64)
fn scale(@builtin(global_invocation_id) g: vec3<u32>) {
  let idx = item(g);
  if (idx >= L.points * L.h) { return; }
  D[L.offDY + idx] *= L.scale;
}

/** dL/d(layer input) = W^T dL/d(output), cut where the input came out of a ReLU at zero. */
@compute @workgroup_size(64)
fn backInput(@builtin(global_invocation_id) g: vec3<u32>) {
  let idx = item(g);
  if (idx >= L.points * L.d) { return; }
  let p = idx / L.d;
  let k = idx % L.d;
  var s = 0.0;
  if (L.reluIn == 0u || A[L.offX + p * L.d + k] > 0.0) {
    for (var j = 0u; j < L.h; j++) { s += W[L.offW + j * L.d + k] * D[L.offDY + p * L.h + j]; }
  }
  D[L.offDX + p * L.d + k] = s;
}

/** One thread per weight (and bias) and shard: the sum over the shard's points, in order. */
@compute @workgroup_size(64)
fn weightGrad(@builtin(global_invocation_id) g: vec3<u32>) {
  let per = L.h * (L.d + 1u);
  let idx = item(g);
  if (idx >= per * L.shards) { return; }
  let s = idx / per;
  let q = idx % per;
  var start = 0u;
  if (s > 0u) { start = shardEnd(s - 1u); }
  let end = shardEnd(s);
  var acc = 0.0;
  if (q < L.h * L.d) {
    let j = q / L.d;
    let k = q % L.d;
    for (var p = start; p < end; p++) { acc += D[L.offDY + p * L.h + j] * A[L.offX + p * L.d + k]; }
    GW[s * L.paramCount + L.offGW + q] = acc;
  } else {
    let j = q - L.h * L.d;
    for (var p = start; p < end; p++) { acc += D[L.offDY + p * L.h + j]; }
    GW[s * L.paramCount + L.offGW + L.h * L.d + j] = acc;
  }
}
`
