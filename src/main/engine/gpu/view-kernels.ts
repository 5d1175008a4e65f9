/**
 * WGSL kernels of the per-view loss (losses/view-loss) for every evaluation of a step at once:
 * an evaluation is one image under one camera (a hypothesis or its mirror). f32 throughout; no
 * float atomics: the z-buffer takes the minimum of order-preserving integer keys (the minimum
 * depth does not depend on the order faces arrive in), and every sum is one thread's fixed
 * stride followed by a fixed tree in workgroup memory, so a run reproduces its own bits.
 *
 * Semantics kept from the CPU engine (render/rasterise, render/visibility, losses/view-loss):
 * pixel centres sampled, vertices snapped to 1/256 pixel with integer edge functions and the
 * top-left rule, the nearer surface wins; a vertex is visible when inside the buffer, no deeper
 * than the surface at its pixel plus the tolerance, and facing the camera. Differences (ties):
 * f32 projections can land a vertex or a snapped corner on the other side of a pixel boundary,
 * and a depth or facing test within f32 rounding of its threshold can go the other way; a face
 * wider or taller than 128 z-buffer pixels is not drawn (its integer edge functions could
 * overflow i32; the CPU draws it).
 *
 * Buffers (one bind group for every kernel):
 *   F   per-step floats: view vertices and normals, feature blocks and their norms, chamfer
 *       samples, per evaluation 16 values (R row-major, scale, tx, ty, depth tolerance)
 *   U   faces (constant), per evaluation (view, target, sample set, feature block), best list
 *   T   resident targets: distance maps, then feature cells
 *   proj  per evaluation and vertex: projected x, y (normalised), depth, facing dot
 *   depth z-buffer keys; I visibility flags, visible counts, chamfer argmins, visible vertices in order;
 *   O per-evaluation sums
 *   G   the chosen evaluations' vertex gradients, then their feature gradients
 */
export const EVAL_FLOATS = 16
/** Per evaluation in O: dt sum, chamfer sum, feature sum, d/d(tx, ty, log-scale factor), d/d(R's first two rows), visible count. */
export const SUM_FLOATS = 16
export const WORKGROUP = 64
const NONE = 0xffffffff

export const PARAMS_WORDS = 24

export const VIEW_KERNELS = /* wgsl */ `
struct Params {
  n: u32, faces: u32, C: u32, K: u32,
  grid: u32, M: u32, gw: u32, gh: u32,
  evals: u32, wdt: f32, wch: f32, wft: f32,
  offNormals: u32, offFeatures: u32, offNorms: u32, offSamples: u32,
  offEvals: u32, offCells: u32, offEvalInts: u32, offBest: u32,
  offCount: u32, offArg: u32, offGQ: u32, offList: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> F: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<u32>;
@group(0) @binding(3) var<storage, read> T: array<f32>;
@group(0) @binding(4) var<storage, read_write> proj: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> depth: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read_write> I: array<u32>;
@group(0) @binding(7) var<storage, read_write> O: array<f32>;
@group(0) @binding(8) var<storage, read_write> G: array<f32>;

const WG: u32 = ${WORKGROUP}u;
const NONE: u32 = ${NONE}u;
const SUBPIXEL: f32 = 256.0;
const MAX_EXTENT: i32 = 32768;
/** The key of +infinity: an empty pixel. */
const EMPTY: u32 = 0xff800000u;

fn ev(e: u32, k: u32) -> f32 { return F[P.offEvals + e * ${EVAL_FLOATS}u + k]; }
fn evView(e: u32) -> u32 { return U[P.offEvalInts + e * 4u]; }
fn evTarget(e: u32) -> u32 { return U[P.offEvalInts + e * 4u + 1u]; }
fn evSamples(e: u32) -> u32 { return U[P.offEvalInts + e * 4u + 2u]; }
fn evBlock(e: u32) -> u32 { return U[P.offEvalInts + e * 4u + 3u]; }

fn vertex(view: u32, i: u32) -> vec3<f32> {
  let b = (view * P.n + i) * 3u;
  return vec3<f32>(F[b], F[b + 1u], F[b + 2u]);
}

/** Orders floats as unsigned integers: smaller depth, smaller key. */
fn depthKey(d: f32) -> u32 {
  let b = bitcast<u32>(d);
  if ((b & 0x80000000u) != 0u) { return ~b; }
  return b | 0x80000000u;
}

fn keyDepth(k: u32) -> f32 {
  if ((k & 0x80000000u) != 0u) { return bitcast<f32>(k & 0x7fffffffu); }
  return bitcast<f32>(~k);
}

@compute @workgroup_size(${WORKGROUP})
fn project(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  let e = g.y;
  if (i >= P.n) { return; }
  let view = evView(e);
  let v = vertex(view, i);
  let nb = P.offNormals + (view * P.n + i) * 3u;
  let s = ev(e, 9u);
  let x = ev(e, 0u) * v.x + ev(e, 1u) * v.y + ev(e, 2u) * v.z;
  let y = ev(e, 3u) * v.x + ev(e, 4u) * v.y + ev(e, 5u) * v.z;
  let z = ev(e, 6u) * v.x + ev(e, 7u) * v.y + ev(e, 8u) * v.z;
  let facing = ev(e, 6u) * F[nb] + ev(e, 7u) * F[nb + 1u] + ev(e, 8u) * F[nb + 2u];
  proj[e * P.n + i] = vec4<f32>(s * x + ev(e, 10u), s * y + ev(e, 11u), z, facing);
}

@compute @workgroup_size(${WORKGROUP})
fn clearDepth(@builtin(global_invocation_id) g: vec3<u32>) {
  let G2 = P.grid * P.grid;
  if (g.x >= G2) { return; }
  atomicStore(&depth[g.y * G2 + g.x], EMPTY);
}

fn topLeftBias(dx: i32, dy: i32) -> i32 {
  if (dy < 0 || (dy == 0 && dx > 0)) { return 0; }
  return -1;
}

fn snap(p: f32) -> i32 { return i32(floor(p * SUBPIXEL + 0.5)); }

@compute @workgroup_size(${WORKGROUP})
fn raster(@builtin(global_invocation_id) g: vec3<u32>) {
  let f = g.x;
  let e = g.y;
  if (f >= P.faces) { return; }
  let hx = f32(P.grid) * 0.5;
  let pa = proj[e * P.n + U[3u * f]];
  let pb = proj[e * P.n + U[3u * f + 1u]];
  let pc = proj[e * P.n + U[3u * f + 2u]];
  let ax = (pa.x + 1.0) * hx;
  let ay = (pa.y + 1.0) * hx;
  let bx = (pb.x + 1.0) * hx;
  let by = (pb.y + 1.0) * hx;
  let cx = (pc.x + 1.0) * hx;
  let cy = (pc.y + 1.0) * hx;
  // Also rejects NaN.
  if (!(max(max(abs(ax), abs(ay)), max(max(abs(bx), abs(by)), max(abs(cx), abs(cy)))) < 65536.0)) { return; }
  let za = pa.z;
  var zb = pb.z;
  var zc = pc.z;
  let xa = snap(ax);
  let ya = snap(ay);
  var xb = snap(bx);
  var yb = snap(by);
  var xc = snap(cx);
  var yc = snap(cy);
  let lx = min(xa, min(xb, xc));
  let hxs = max(xa, max(xb, xc));
  let ly = min(ya, min(yb, yc));
  let hys = max(ya, max(yb, yc));
  if (hxs - lx >= MAX_EXTENT || hys - ly >= MAX_EXTENT) { return; }
  var area = (xb - xa) * (yc - ya) - (yb - ya) * (xc - xa);
  if (area == 0) { return; }
  if (area < 0) {
    let tx = xb; xb = xc; xc = tx;
    let ty = yb; yb = yc; yc = ty;
    let tz = zb; zb = zc; zc = tz;
    area = -area;
  }
  let G = i32(P.grid);
  let minX = max(0, i32(ceil(f32(lx - 128) / SUBPIXEL)));
  let maxX = min(G - 1, i32(floor(f32(hxs - 128) / SUBPIXEL)));
  let minY = max(0, i32(ceil(f32(ly - 128) / SUBPIXEL)));
  let maxY = min(G - 1, i32(floor(f32(hys - 128) / SUBPIXEL)));
  if (minX > maxX || minY > maxY) { return; }
  let d0x = xc - xb;
  let d0y = yc - yb;
  let d1x = xa - xc;
  let d1y = ya - yc;
  let d2x = xb - xa;
  let d2y = yb - ya;
  let bias0 = topLeftBias(d0x, d0y);
  let bias1 = topLeftBias(d1x, d1y);
  let bias2 = topLeftBias(d2x, d2y);
  let invArea = 1.0 / f32(area);
  let base = e * P.grid * P.grid;
  for (var y = minY; y <= maxY; y++) {
    let sy = y * 256 + 128;
    for (var x = minX; x <= maxX; x++) {
      let sx = x * 256 + 128;
      let w0 = d0x * (sy - yb) - d0y * (sx - xb) + bias0;
      let w1 = d1x * (sy - yc) - d1y * (sx - xc) + bias1;
      let w2 = d2x * (sy - ya) - d2y * (sx - xa) + bias2;
      if (w0 >= 0 && w1 >= 0 && w2 >= 0) {
        let q0 = f32(w0 - bias0) * invArea;
        let q1 = f32(w1 - bias1) * invArea;
        let q2 = f32(w2 - bias2) * invArea;
        atomicMin(&depth[base + u32(y * G + x)], depthKey(q0 * za + q1 * zb + q2 * zc));
      }
    }
  }
}

var<workgroup> acc: array<f32, ${WORKGROUP * 13}>;

/** Tree-sums the first \`count\` slots of every thread's 13 into thread 0's. */
fn reduce(t: u32, count: u32) {
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (t < stride) {
      for (var j = 0u; j < count; j++) { acc[t * 13u + j] += acc[(t + stride) * 13u + j]; }
    }
  }
  workgroupBarrier();
}

var<workgroup> listStart: array<u32, ${WORKGROUP}>;

/** Per evaluation: each vertex's flag, the visible count, and the visible vertices' indices in order. */
@compute @workgroup_size(${WORKGROUP})
fn visibility(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = w.x;
  let G = P.grid;
  let hx = f32(G) * 0.5;
  let tol = ev(e, 12u);
  // Each thread a contiguous run of vertices, so that the list of visible ones comes out in
  // index order (the chamfer's first nearest is the lowest index, as on the CPU).
  let chunk = (P.n + WG - 1u) / WG;
  let start = min(t * chunk, P.n);
  let end = min(start + chunk, P.n);
  var count = 0u;
  for (var i = start; i < end; i++) {
    let p = proj[e * P.n + i];
    let px = (p.x + 1.0) * hx;
    let py = (p.y + 1.0) * hx;
    var vis = 0u;
    if (px >= 0.0 && px < f32(G) && py >= 0.0 && py < f32(G)) {
      let pix = u32(floor(py)) * G + u32(floor(px));
      let surface = keyDepth(atomicLoad(&depth[e * G * G + pix]));
      if (p.z <= surface + tol && p.w < 0.0) { vis = 1u; }
    }
    I[e * P.n + i] = vis;
    count += vis;
  }
  listStart[t] = count;
  workgroupBarrier();
  if (t == 0u) {
    var sum = 0u;
    for (var j = 0u; j < WG; j++) {
      let c = listStart[j];
      listStart[j] = sum;
      sum += c;
    }
    I[P.offCount + e] = sum;
  }
  workgroupBarrier();
  var o = P.offList + e * P.n + listStart[t];
  for (var i = start; i < end; i++) {
    if (I[e * P.n + i] != 0u) {
      I[o] = i;
      o++;
    }
  }
}

@compute @workgroup_size(${WORKGROUP})
fn chamfer(@builtin(global_invocation_id) g: vec3<u32>) {
  let k = g.x;
  let e = g.y;
  if (k >= P.K) { return; }
  let sb = P.offSamples + (evSamples(e) * P.K + k) * 2u;
  let qx = F[sb];
  let qy = F[sb + 1u];
  var best = 3.4e38;
  var bi = NONE;
  let count = I[P.offCount + e];
  for (var j = 0u; j < count; j++) {
    let i = I[P.offList + e * P.n + j];
    let p = proj[e * P.n + i];
    let dx = p.x - qx;
    let dy = p.y - qy;
    let d2 = dx * dx + dy * dy;
    if (d2 < best) {
      best = d2;
      bi = i;
    }
  }
  I[P.offArg + e * P.K + k] = bi;
}

/** Bilinear cell lookup of losses/grid-sampler locate: corners, weights, d(weights)/d(xy). */
struct GridPoint { c00: u32, c01: u32, c10: u32, c11: u32, fx: f32, fy: f32, dfx: f32, dfy: f32 }

fn locate(x: f32, y: f32, w: u32, h: u32) -> GridPoint {
  let u = (x + 1.0) * 0.5 * f32(w) - 0.5;
  let v = (y + 1.0) * 0.5 * f32(h) - 0.5;
  let uc = min(max(u, 0.0), f32(w - 1u));
  let vc = min(max(v, 0.0), f32(h - 1u));
  let j0 = min(u32(floor(uc)), u32(max(i32(w) - 2, 0)));
  let i0 = min(u32(floor(vc)), u32(max(i32(h) - 2, 0)));
  let j1 = min(j0 + 1u, w - 1u);
  let i1 = min(i0 + 1u, h - 1u);
  var gp: GridPoint;
  gp.c00 = i0 * w + j0;
  gp.c01 = i0 * w + j1;
  gp.c10 = i1 * w + j0;
  gp.c11 = i1 * w + j1;
  gp.fx = uc - f32(j0);
  gp.fy = vc - f32(i0);
  gp.dfx = select(0.0, f32(w) * 0.5, u > 0.0 && u < f32(w - 1u));
  gp.dfy = select(0.0, f32(h) * 0.5, v > 0.0 && v < f32(h - 1u));
  return gp;
}

/** The distance term at a projected point: value, and its gradient already scaled by 2 w_dt d / n. */
fn dtTerm(base: u32, px: f32, py: f32) -> vec3<f32> {
  let M = P.M;
  let unit = f32(M) * 0.5;
  let lo = -1.0 + 1.0 / f32(M);
  let hi = 1.0 - 1.0 / f32(M);
  let cx = min(max(px, lo), hi);
  let cy = min(max(py, lo), hi);
  let gp = locate(cx, cy, M, M);
  let m00 = T[base + gp.c00];
  let m01 = T[base + gp.c01];
  let m10 = T[base + gp.c10];
  let m11 = T[base + gp.c11];
  let top = m00 + gp.fx * (m01 - m00);
  let bottom = m10 + gp.fx * (m11 - m10);
  let ox = px - cx;
  let oy = py - cy;
  let out = sqrt(ox * ox + oy * oy);
  let d = top + gp.fy * (bottom - top) + out * unit;
  var g = vec2<f32>(0.0, 0.0);
  if (d > 0.0) {
    g = vec2<f32>(gp.dfx * ((1.0 - gp.fy) * (m01 - m00) + gp.fy * (m11 - m10)), gp.dfy * ((1.0 - gp.fx) * (m10 - m00) + gp.fx * (m11 - m01)));
    if (out > 0.0) { g += vec2<f32>(unit * ox / out, unit * oy / out); }
    g *= 2.0 * P.wdt * d / f32(P.n);
  }
  return vec3<f32>(d, g);
}

/** The feature term of a visible vertex: 1 - cos, and its gradient in xy scaled by gScale. */
fn featureTerm(e: u32, i: u32, px: f32, py: f32, gScale: f32) -> vec3<f32> {
  let C = P.C;
  let gp = locate(px, py, P.gw, P.gh);
  let cb = P.offCells + evTarget(e) * P.gw * P.gh * C;
  let o00 = cb + gp.c00 * C;
  let o01 = cb + gp.c01 * C;
  let o10 = cb + gp.c10 * C;
  let o11 = cb + gp.c11 * C;
  let w00 = (1.0 - gp.fx) * (1.0 - gp.fy);
  let w01 = gp.fx * (1.0 - gp.fy);
  let w10 = (1.0 - gp.fx) * gp.fy;
  let w11 = gp.fx * gp.fy;
  let block = evBlock(e);
  let qo = P.offFeatures + (block * P.n + i) * C;
  // One pass: with b the sampled vector and db/dx, db/dy its slopes, the gradient
  // -gScale (a / (|a||b|) - cos b / |b|^2) . db/dxy needs only the sums a.b, b.b, a.db and b.db.
  var ab = 0.0;
  var bb = 0.0;
  var adb = vec2<f32>(0.0, 0.0);
  var bdb = vec2<f32>(0.0, 0.0);
  for (var c = 0u; c < C; c++) {
    let f00 = T[o00 + c];
    let f01 = T[o01 + c];
    let f10 = T[o10 + c];
    let f11 = T[o11 + c];
    let v = w00 * f00 + w01 * f01 + w10 * f10 + w11 * f11;
    let q = F[qo + c];
    let dv = vec2<f32>((1.0 - gp.fy) * (f01 - f00) + gp.fy * (f11 - f10), (1.0 - gp.fx) * (f10 - f00) + gp.fx * (f11 - f01));
    ab += q * v;
    bb += v * v;
    adb += q * dv;
    bdb += v * dv;
  }
  let na = F[P.offNorms + block * P.n + i];
  let nb = sqrt(bb);
  if (na < 1e-12 || nb < 1e-12) { return vec3<f32>(1.0, 0.0, 0.0); }
  let cosv = ab / (na * nb);
  var g = vec2<f32>(0.0, 0.0);
  if (gp.dfx != 0.0 || gp.dfy != 0.0) {
    g = -gScale * (adb / (na * nb) - (cosv / bb) * bdb) * vec2<f32>(gp.dfx, gp.dfy);
  }
  return vec3<f32>(1.0 - cosv, g);
}

fn featureScale(e: u32) -> f32 {
  let count = I[P.offCount + e];
  if (count == 0u || P.wft == 0.0) { return 0.0; }
  return P.wft / f32(count);
}

/** Adds dL/dp at vertex v's projection to the camera sums: tx, ty, log-scale (over s), R's first two rows. */
fn addCamera(t: u32, e: u32, v: vec3<f32>, g: vec2<f32>) {
  let b = t * 13u;
  acc[b + 3u] += g.x;
  acc[b + 4u] += g.y;
  acc[b + 5u] += g.x * (ev(e, 0u) * v.x + ev(e, 1u) * v.y + ev(e, 2u) * v.z) + g.y * (ev(e, 3u) * v.x + ev(e, 4u) * v.y + ev(e, 5u) * v.z);
  acc[b + 6u] += g.x * v.x;
  acc[b + 7u] += g.x * v.y;
  acc[b + 8u] += g.x * v.z;
  acc[b + 9u] += g.y * v.x;
  acc[b + 10u] += g.y * v.y;
  acc[b + 11u] += g.y * v.z;
}

/** One workgroup per evaluation: the three loss sums and the camera gradient's sums. */
@compute @workgroup_size(${WORKGROUP})
fn loss(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = w.x;
  let view = evView(e);
  let b = t * 13u;
  for (var j = 0u; j < 13u; j++) { acc[b + j] = 0.0; }
  let gScale = featureScale(e);
  let dtBase = evTarget(e) * P.M * P.M;
  for (var i = t; i < P.n; i += WG) {
    let p = proj[e * P.n + i];
    let dt = dtTerm(dtBase, p.x, p.y);
    acc[b] += dt.x * dt.x;
    var g = dt.yz;
    if (gScale != 0.0 && I[e * P.n + i] != 0u) {
      let ft = featureTerm(e, i, p.x, p.y, gScale);
      acc[b + 2u] += ft.x;
      g += ft.yz;
    }
    addCamera(t, e, vertex(view, i), g);
  }
  let unit = f32(P.M) * 0.5;
  let gch = 2.0 * P.wch * unit * unit / f32(P.K);
  for (var k = t; k < P.K; k += WG) {
    let bi = I[P.offArg + e * P.K + k];
    if (bi == NONE) { continue; }
    let sb = P.offSamples + (evSamples(e) * P.K + k) * 2u;
    let p = proj[e * P.n + bi];
    let d = vec2<f32>(p.x - F[sb], p.y - F[sb + 1u]);
    acc[b + 1u] += dot(d, d) * unit * unit;
    addCamera(t, e, vertex(view, bi), gch * d);
  }
  reduce(t, 12u);
  if (t < 12u) { O[e * ${SUM_FLOATS}u + t] = acc[t]; }
  if (t == 12u) { O[e * ${SUM_FLOATS}u + 12u] = f32(I[P.offCount + e]); }
}

/** Per vertex of each best evaluation (U's best list): dL/d(vertex) and dL/d(vertex features). */
@compute @workgroup_size(${WORKGROUP})
fn bestGrad(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  let bIndex = g.y;
  if (i >= P.n) { return; }
  let e = U[P.offBest + bIndex];
  let C = P.C;
  let p = proj[e * P.n + i];
  var gp = dtTerm(evTarget(e) * P.M * P.M, p.x, p.y).yz;
  let unit = f32(P.M) * 0.5;
  let gch = 2.0 * P.wch * unit * unit / f32(P.K);
  for (var k = 0u; k < P.K; k++) {
    if (I[P.offArg + e * P.K + k] != i) { continue; }
    let sb = P.offSamples + (evSamples(e) * P.K + k) * 2u;
    gp += gch * vec2<f32>(p.x - F[sb], p.y - F[sb + 1u]);
  }
  let gScale = featureScale(e);
  let go = P.offGQ + (bIndex * P.n + i) * C;
  var wroteFeatures = false;
  if (gScale != 0.0 && I[e * P.n + i] != 0u) {
    gp += featureTerm(e, i, p.x, p.y, gScale).yz;
    let gpt = locate(p.x, p.y, P.gw, P.gh);
    let cb = P.offCells + evTarget(e) * P.gw * P.gh * C;
    let block = evBlock(e);
    let qo = P.offFeatures + (block * P.n + i) * C;
    let w00 = (1.0 - gpt.fx) * (1.0 - gpt.fy);
    let w01 = gpt.fx * (1.0 - gpt.fy);
    let w10 = (1.0 - gpt.fx) * gpt.fy;
    let w11 = gpt.fx * gpt.fy;
    var ab = 0.0;
    var bb = 0.0;
    for (var c = 0u; c < C; c++) {
      let v = w00 * T[cb + gpt.c00 * C + c] + w01 * T[cb + gpt.c01 * C + c] + w10 * T[cb + gpt.c10 * C + c] + w11 * T[cb + gpt.c11 * C + c];
      ab += F[qo + c] * v;
      bb += v * v;
    }
    let na = F[P.offNorms + block * P.n + i];
    let nb = sqrt(bb);
    if (na >= 1e-12 && nb >= 1e-12) {
      let inv = 1.0 / (na * nb);
      let ca = ab / (na * nb) / (na * na);
      for (var c = 0u; c < C; c++) {
        let v = w00 * T[cb + gpt.c00 * C + c] + w01 * T[cb + gpt.c01 * C + c] + w10 * T[cb + gpt.c10 * C + c] + w11 * T[cb + gpt.c11 * C + c];
        G[go + c] = -gScale * (v * inv - ca * F[qo + c]);
      }
      wroteFeatures = true;
    }
  }
  if (!wroteFeatures) {
    for (var c = 0u; c < C; c++) { G[go + c] = 0.0; }
  }
  let s = ev(e, 9u);
  let gv = (bIndex * P.n + i) * 3u;
  for (var c = 0u; c < 3u; c++) { G[gv + c] = s * (gp.x * ev(e, c) + gp.y * ev(e, 3u + c)); }
}
`
