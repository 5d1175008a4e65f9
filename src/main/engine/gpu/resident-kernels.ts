/**
 * WGSL kernels of the resident training step (gpu/resident-trainer) for the variants without
 * articulation: the category's forward pass (symmetrisation, V0's edge lengths), every batch
 * image's instance (V = V0 + B z, area-weighted normals), the features' norms, the harmonic
 * encodings the fields read (of V0 and of each V) and their backward passes, the evaluations'
 * cameras (own and mirror), the regularisers with their gradients (Laplacians of each D and of
 * V0, edge preservation of each instance, edge uniformity of V0, |D|^2, |z|^2), the gradients'
 * symmetrisation, the mirror switches the host decided, and Adam (math/adam's rule: per-row step
 * counts, the bias corrections computed by the host in float64). f32 throughout, no atomics:
 * every value is one thread's sum in the CPU engine's order, or one workgroup's fixed tree.
 *
 * Two buffers: T (read-only words) holds the parameters below (Q_*: word offsets and sizes;
 * floats as their bits), the template's connectivity, the step's batch rows, its Adam entries
 * and reduction jobs; R (read-write floats) holds the resident state (each tensor as value, first
 * moments, second moments; a field's weights as one tensor, mlpParams in order) and the step's
 * work, at the offsets T names. The fields' MLPs themselves run in gpu/field-batch's kernels.
 */
import { BETA1, BETA2, EPS } from '../math/adam'

export const RESIDENT_WORKGROUP = 64

/** The parameter words at the start of T, in order (their WGSL constants are Q_<name>). */
export const RESIDENT_PARAMS = [
  'n', 'K', 'C', 'E', 'I', 'H', 'per', 'camLength',
  'oP', 'oBr', 'oPhi', 'oCam', 'oZ',
  'oV0', 'oB', 'oRest', 'oD', 'oV', 'oN', 'oPhiN', 'oEval', 'oEvCam', 'oRed',
  'oLx', 'oEdgeR', 'oU2', 'oUC', 'oZb', 'oGD', 'oGV0r', 'oGS', 'oGB',
  'oBV0', 'oBB', 'oGPhi', 'oBZ', 'oGZ', 'oCamFlag', 'oCamVal', 'oCamGrad',
  'oBsrc', 'oEncD', 'oDEncD', 'oEncF', 'oDEncF', 'oGVf', 'oGWd', 'oGWf', 'Ld', 'Lf',
  'tMirror', 'tNbStart', 'tNb', 'tEdges', 'tVeStart', 'tVe', 'tVfStart', 'tVf', 'tFaces',
  'tRows', 'tAdam', 'adamEntries', 'adamTotal', 'tJobs', 'jobsFirst', 'jobsSecond',
  'wLapD', 'wEdgeD', 'wDef', 'wCode', 'wLapS', 'wEdgeS', 'gradScale', 'tolFactor',
] as const

export type ResidentParam = (typeof RESIDENT_PARAMS)[number]

/** Words per Adam entry and per reduction job in T. */
export const ADAM_WORDS = 8
export const JOB_WORDS = 4

/** Marks an incident edge whose vertex is the edge's second end (tVe). */
export const SECOND_END = 0x80000000

export const RESIDENT_ENTRY_POINTS = [
  'symmetrise', 'symmetriseBasis', 'encodeShape', 'restEdges', 'instance', 'encodeInstances', 'normals', 'featureNorms', 'cameras', 'reduceFirst',
  'edgeTerms', 'laplacian', 'reduceSecond', 'instanceGrad', 'shapeGrad',
  'instanceFieldGrad', 'finishGrads', 'shapeFieldGrad', 'settleCameras', 'codeGrads', 'adam',
] as const

export type ResidentEntryPoint = (typeof RESIDENT_ENTRY_POINTS)[number]

export const RESIDENT_KERNELS = /* wgsl */ `
${RESIDENT_PARAMS.map((p, i) => `const Q_${p}: u32 = ${i}u;`).join('\n')}
const WG: u32 = ${RESIDENT_WORKGROUP}u;
const PI: f32 = 3.14159265358979;

@group(0) @binding(0) var<storage, read> T: array<u32>;
@group(0) @binding(1) var<storage, read_write> R: array<f32>;

fn u(k: u32) -> u32 { return T[k]; }
fn fl(k: u32) -> f32 { return bitcast<f32>(T[k]); }
fn v3(o: u32) -> vec3<f32> { return vec3<f32>(R[o], R[o + 1u], R[o + 2u]); }
fn put(o: u32, v: vec3<f32>) { R[o] = v.x; R[o + 1u] = v.y; R[o + 2u] = v.z; }
fn n3() -> u32 { return 3u * u(Q_n); }
fn mean() -> f32 { return R[u(Q_oRed)]; }
fn row(b: u32) -> u32 { return u(u(Q_tRows) + b); }

/** V0 = sym(P) (template/symmetry), one thread per vertex. */
@compute @workgroup_size(WG)
fn symmetrise(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= u(Q_n)) { return; }
  let m = u(u(Q_tMirror) + i);
  put(u(Q_oV0) + 3u * i, symmetric(v3(u(Q_oP) + 3u * i), v3(u(Q_oP) + 3u * m)));
}

/** B = sym(the raw basis, or the deformation field's output at V0), one thread per vertex. */
@compute @workgroup_size(WG)
fn symmetriseBasis(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= u(Q_n)) { return; }
  symmetriseColumns(u(Q_oBsrc), u(Q_oB), i, u(u(Q_tMirror) + i));
}

/** gamma of the point at src into dst (math/fourier fourierEncode's layout). */
fn encodePoint(src: u32, dst: u32, L: u32) {
  for (var c = 0u; c < 3u; c++) {
    let p = R[src + c];
    R[dst + c] = p;
    for (var l = 0u; l < L; l++) {
      let sc = sincos(f32(1u << l) * PI * p);
      R[dst + 3u + 6u * l + 2u * c] = sc.x;
      R[dst + 3u + 6u * l + 2u * c + 1u] = sc.y;
    }
  }
}

/** dL/d(the point at src) from dL/dgamma at e (math/fourier fourierBackward). */
fn encodeBack(src: u32, e: u32, L: u32) -> vec3<f32> {
  var g = vec3<f32>(0.0);
  for (var c = 0u; c < 3u; c++) {
    let p = R[src + c];
    var s = R[e + c];
    for (var l = 0u; l < L; l++) {
      let f = f32(1u << l) * PI;
      let sc = sincos(f * p);
      s += f * (sc.y * R[e + 3u + 6u * l + 2u * c] - sc.x * R[e + 3u + 6u * l + 2u * c + 1u]);
    }
    g[c] = s;
  }
  return g;
}

fn encodedSize(L: u32) -> u32 { return 3u + 6u * L; }

/** gamma(V0), the deformation field's input. */
@compute @workgroup_size(WG)
fn encodeShape(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= u(Q_n)) { return; }
  encodePoint(u(Q_oV0) + 3u * i, u(Q_oEncD) + i * encodedSize(u(Q_Ld)), u(Q_Ld));
}

/** gamma(V) of every batch image's vertices, the feature field's input (one block per image). */
@compute @workgroup_size(WG)
fn encodeInstances(@builtin(global_invocation_id) g: vec3<u32>) {
  let p = g.x;
  if (p >= u(Q_I) * u(Q_n)) { return; }
  encodePoint(u(Q_oV) + 3u * p, u(Q_oEncF) + p * encodedSize(u(Q_Lf)), u(Q_Lf));
}

/** The feature field's path into each image's dL/dV (oGVf, unscaled like the views' part: the field's gradients are scaled). */
@compute @workgroup_size(WG)
fn instanceFieldGrad(@builtin(global_invocation_id) g: vec3<u32>) {
  let p = g.x;
  if (p >= u(Q_I) * u(Q_n)) { return; }
  let back = encodeBack(u(Q_oV) + 3u * p, u(Q_oDEncF) + p * encodedSize(u(Q_Lf)), u(Q_Lf));
  put(u(Q_oGVf) + 3u * p, v3(u(Q_oGVf) + 3u * p) + back / fl(Q_gradScale));
}

/** The deformation field's path into V0, symmetrised into the shape's gradient (category-model categoryBackward). */
@compute @workgroup_size(WG)
fn shapeFieldGrad(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= u(Q_n)) { return; }
  let m = u(u(Q_tMirror) + i);
  let F = encodedSize(u(Q_Ld));
  let p = encodeBack(u(Q_oV0) + 3u * i, u(Q_oDEncD) + i * F, u(Q_Ld));
  let q = encodeBack(u(Q_oV0) + 3u * m, u(Q_oDEncD) + m * F, u(Q_Ld));
  put(u(Q_oGS) + 3u * i, v3(u(Q_oGS) + 3u * i) + symmetric(p, q));
}

/** (x_i + M x_mirror(i)) / 2, M = diag(-1, 1, 1). */
fn symmetric(p: vec3<f32>, q: vec3<f32>) -> vec3<f32> { return vec3<f32>(p.x - q.x, p.y + q.y, p.z + q.z) / 2.0; }

/** Vertex i's row of a (vertex, xyz, K) field at src, symmetrised into dst. */
fn symmetriseColumns(src: u32, dst: u32, i: u32, m: u32) {
  let K = u(Q_K);
  let a = src + 3u * K * i;
  let b = src + 3u * K * m;
  for (var c = 0u; c < 3u * K; c++) {
    let x = R[a + c];
    let y = R[b + c];
    R[dst + 3u * K * i + c] = select(x + y, x - y, c < K) / 2.0;
  }
}

fn edgeEnds(e: u32) -> vec2<u32> { return vec2<u32>(u(u(Q_tEdges) + 2u * e), u(u(Q_tEdges) + 2u * e + 1u)); }

/** V0's edge lengths: the rest state of edge preservation and the lengths of edge uniformity. */
@compute @workgroup_size(WG)
fn restEdges(@builtin(global_invocation_id) g: vec3<u32>) {
  let e = g.x;
  if (e >= u(Q_E)) { return; }
  let ab = edgeEnds(e);
  R[u(Q_oRest) + e] = length(v3(u(Q_oV0) + 3u * ab.x) - v3(u(Q_oV0) + 3u * ab.y));
}

/** Per batch image (y) and coordinate: D = B z, V = V0 + D; the image's code row is gathered too. */
@compute @workgroup_size(WG)
fn instance(@builtin(global_invocation_id) g: vec3<u32>) {
  let q = g.x;
  let b = g.y;
  if (q >= n3()) { return; }
  let K = u(Q_K);
  let z = u(Q_oZ) + row(b) * K;
  if (q < K) { R[u(Q_oZb) + b * K + q] = R[z + q]; }
  var s = 0.0;
  for (var k = 0u; k < K; k++) { s += R[u(Q_oB) + q * K + k] * R[z + k]; }
  R[u(Q_oD) + b * n3() + q] = s;
  R[u(Q_oV) + b * n3() + q] = R[u(Q_oV0) + q] + s;
}

/** Area-weighted unit normals (template/normals), the faces of each vertex in face order. */
@compute @workgroup_size(WG)
fn normals(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  let b = g.y;
  if (i >= u(Q_n)) { return; }
  let V = u(Q_oV) + b * n3();
  var acc = vec3<f32>(0.0);
  for (var k = u(u(Q_tVfStart) + i); k < u(u(Q_tVfStart) + i + 1u); k++) {
    let f = u(u(Q_tVf) + k);
    let pa = v3(V + 3u * u(u(Q_tFaces) + 3u * f));
    let pb = v3(V + 3u * u(u(Q_tFaces) + 3u * f + 1u));
    let pc = v3(V + 3u * u(u(Q_tFaces) + 3u * f + 2u));
    acc += cross(pb - pa, pc - pa);
  }
  let l = length(acc);
  put(u(Q_oN) + b * n3() + 3u * i, select(acc, acc / l, l > 0.0));
}

@compute @workgroup_size(WG)
fn featureNorms(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= u(Q_n)) { return; }
  let C = u(Q_C);
  var s = 0.0;
  for (var c = 0u; c < C; c++) { let x = R[u(Q_oPhi) + i * C + c]; s += x * x; }
  R[u(Q_oPhiN) + i] = sqrt(s);
}

fn wrapAngle(a: f32) -> f32 {
  let w = a - 2.0 * PI * floor((a + PI) / (2.0 * PI));
  return select(w, PI, w == -PI);
}

/**
 * sin and cos to f32 rounding: WGSL's own are only required to be within 2^-11 of the truth,
 * which moved a projection by 1e-3 of the crop on SwiftShader. Quadrant reduction (pi/2 in two
 * parts), then Taylor polynomials on [-pi/4, pi/4] (truncation below 2e-9).
 */
fn sincos(a: f32) -> vec2<f32> {
  let k = round(a / 1.5707963267948966);
  let r = (a - k * 1.5707963705062866) + k * 4.371139000186243e-8;
  let r2 = r * r;
  let s = r * (1.0 - r2 / 6.0 * (1.0 - r2 / 20.0 * (1.0 - r2 / 42.0 * (1.0 - r2 / 72.0))));
  let c = 1.0 - r2 / 2.0 * (1.0 - r2 / 12.0 * (1.0 - r2 / 30.0 * (1.0 - r2 / 56.0 * (1.0 - r2 / 90.0))));
  let q = i32(k) & 3;
  if (q == 0) { return vec2<f32>(s, c); }
  if (q == 1) { return vec2<f32>(c, -s); }
  if (q == 2) { return vec2<f32>(-s, -c); }
  return vec2<f32>(-c, s);
}

fn rows3(r0: vec3<f32>, r1: vec3<f32>, r2: vec3<f32>) -> mat3x3<f32> { return transpose(mat3x3<f32>(r0, r1, r2)); }

/**
 * One thread per evaluation (image, hypothesis, own or mirror camera): the view kernels' floats
 * (R = Rz(roll) Rx(el) Ry(az) B0 row-major, scale, translation, depth tolerance; camera/view-camera)
 * and the camera's six values (the mirror's: pi - az wrapped, -el).
 */
@compute @workgroup_size(WG)
fn cameras(@builtin(global_invocation_id) g: vec3<u32>) {
  let e = g.x;
  let H = u(Q_H);
  let per = u(Q_per);
  if (e >= u(Q_I) * H * per) { return; }
  let b = e / (H * per);
  let h = (e / per) % H;
  let c = u(Q_oCam) + (row(b) * H + h) * 6u;
  var az = R[c];
  var el = R[c + 1u];
  if (e % per == 1u) {
    az = wrapAngle(PI - az);
    el = -el;
  }
  let z = sincos(R[c + 2u]);
  let x = sincos(el);
  let y = sincos(az);
  let rz = rows3(vec3<f32>(z.y, -z.x, 0.0), vec3<f32>(z.x, z.y, 0.0), vec3<f32>(0.0, 0.0, 1.0));
  let rx = rows3(vec3<f32>(1.0, 0.0, 0.0), vec3<f32>(0.0, x.y, -x.x), vec3<f32>(0.0, x.x, x.y));
  let ry = rows3(vec3<f32>(y.y, 0.0, y.x), vec3<f32>(0.0, 1.0, 0.0), vec3<f32>(-y.x, 0.0, y.y));
  let M = rz * rx * ry * rows3(vec3<f32>(1.0, 0.0, 0.0), vec3<f32>(0.0, -1.0, 0.0), vec3<f32>(0.0, 0.0, -1.0));
  let o = u(Q_oEval) + e * 16u;
  for (var r = 0u; r < 3u; r++) {
    for (var k = 0u; k < 3u; k++) { R[o + 3u * r + k] = M[k][r]; }
  }
  let s = exp(R[c + 3u]);
  R[o + 9u] = s;
  R[o + 10u] = R[c + 4u];
  R[o + 11u] = R[c + 5u];
  R[o + 12u] = fl(Q_tolFactor) / s;
  let oc = u(Q_oEvCam) + e * 6u;
  R[oc] = az;
  R[oc + 1u] = el;
  for (var k = 2u; k < 6u; k++) { R[oc + k] = R[c + k]; }
}

var<workgroup> partial: array<f32, WG>;

/** A reduction job (T: source offset in R, count, squares?, scale as bits) into R[oRed + job]. */
fn reduceJob(j: u32, t: u32) {
  let o = u(Q_tJobs) + j * ${JOB_WORDS}u;
  let src = u(o);
  let count = u(o + 1u);
  let squares = u(o + 2u) != 0u;
  var acc = 0.0;
  for (var k = t; k < count; k += WG) {
    let x = R[src + k];
    acc += select(x, x * x, squares);
  }
  partial[t] = acc;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (t < half) { partial[t] += partial[t + half]; }
    workgroupBarrier();
  }
  if (t == 0u) { R[u(Q_oRed) + j] = fl(o + 3u) * partial[0]; }
}

/** The jobs V0's edges need (the mean rest length), one workgroup each. */
@compute @workgroup_size(WG)
fn reduceFirst(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  reduceJob(w.x, t);
}

/** The energies (and edge uniformity's coupling sum), after the first jobs. */
@compute @workgroup_size(WG)
fn reduceSecond(@builtin(workgroup_id) w: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  reduceJob(u(Q_jobsFirst) + w.x, t);
}

/**
 * Per edge of each image (y < I): edge preservation's residual (|V_e| - |V0_e|) / mean |V0_e|;
 * of V0 (y = I): edge uniformity's (u - 1)^2 and (u - 1) u, u = |V0_e| / mean (template/edge-lengths).
 */
@compute @workgroup_size(WG)
fn edgeTerms(@builtin(global_invocation_id) g: vec3<u32>) {
  let e = g.x;
  let f = g.y;
  let E = u(Q_E);
  if (e >= E) { return; }
  let m = mean();
  let rest = R[u(Q_oRest) + e];
  if (f == u(Q_I)) {
    let x = select(0.0, rest / m, m != 0.0);
    R[u(Q_oU2) + e] = select(0.0, (x - 1.0) * (x - 1.0), m != 0.0);
    R[u(Q_oUC) + e] = select(0.0, (x - 1.0) * x, m != 0.0);
    return;
  }
  let ab = edgeEnds(e);
  let V = u(Q_oV) + f * n3();
  let l = length(v3(V + 3u * ab.x) - v3(V + 3u * ab.y));
  R[u(Q_oEdgeR) + f * E + e] = select(0.0, (l - rest) / m, m != 0.0);
}

fn fieldOf(f: u32) -> u32 { return select(u(Q_oD) + f * n3(), u(Q_oV0), f == u(Q_I)); }
fn degree(i: u32) -> f32 { return f32(u(u(Q_tNbStart) + i + 1u) - u(u(Q_tNbStart) + i)); }

/** L X of each image's D (y < I) and of V0 (y = I): X_i minus its neighbours' mean (template/laplacian). */
@compute @workgroup_size(WG)
fn laplacian(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  let f = g.y;
  if (i >= u(Q_n)) { return; }
  let x = fieldOf(f);
  var acc = vec3<f32>(0.0);
  for (var k = u(u(Q_tNbStart) + i); k < u(u(Q_tNbStart) + i + 1u); k++) { acc += v3(x + 3u * u(u(Q_tNb) + k)); }
  put(u(Q_oLx) + f * n3() + 3u * i, v3(x + 3u * i) - acc * (1.0 / degree(i)));
}

/** (L^T L X)_j of field f, times scale. */
fn laplacianGrad(f: u32, j: u32, scale: f32) -> vec3<f32> {
  let lx = u(Q_oLx) + f * n3();
  var g = v3(lx + 3u * j);
  for (var k = u(u(Q_tNbStart) + j); k < u(u(Q_tNbStart) + j + 1u); k++) {
    let i = u(u(Q_tNb) + k);
    g -= v3(lx + 3u * i) / degree(i);
  }
  return scale * g;
}

/** sum over vertex j's edges e (in edge order) of +-dl_e / l_e (x_a - x_b); dl from dlOf. */
fn edgeGrad(j: u32, x: u32, f: u32) -> vec3<f32> {
  var acc = vec3<f32>(0.0);
  for (var k = u(u(Q_tVeStart) + j); k < u(u(Q_tVeStart) + j + 1u); k++) {
    let word = u(u(Q_tVe) + k);
    let e = word & 0x7fffffffu;
    let ab = edgeEnds(e);
    let d = v3(x + 3u * ab.x) - v3(x + 3u * ab.y);
    let l = length(d);
    if (l == 0.0) { continue; }
    let s = dlOf(f, e, l) / l;
    acc += select(s * d, -s * d, (word & ${SECOND_END}u) != 0u);
  }
  return acc;
}

fn dlOf(f: u32, e: u32, l: f32) -> f32 {
  let E = f32(u(Q_E));
  let m = mean();
  if (f == u(Q_I)) {
    let coupling = R[u(Q_oRed) + 3u];
    return 2.0 * fl(Q_wEdgeS) / (E * m) * (l / m - 1.0 - coupling);
  }
  return 2.0 * fl(Q_wEdgeD) * R[u(Q_oEdgeR) + f * u(Q_E) + e] / (E * m);
}

/** dL/dD of each image's regularisers (unscaled; image-step instanceRegularisers), per vertex. */
@compute @workgroup_size(WG)
fn instanceGrad(@builtin(global_invocation_id) g: vec3<u32>) {
  let j = g.x;
  let b = g.y;
  let n = u(Q_n);
  if (j >= n) { return; }
  var acc = laplacianGrad(b, j, 2.0 * fl(Q_wLapD) / f32(n));
  if (fl(Q_wEdgeD) > 0.0 && mean() != 0.0) { acc += edgeGrad(j, u(Q_oV) + b * n3(), b); }
  let D = u(Q_oD) + b * n3() + 3u * j;
  acc += 2.0 * fl(Q_wDef) * v3(D) / f32(n);
  put(u(Q_oGD) + b * n3() + 3u * j, acc);
}

/** dL/dV0 of the shape's regularisers (train-category finishStep: Laplacian, edge uniformity). */
@compute @workgroup_size(WG)
fn shapeGrad(@builtin(global_invocation_id) g: vec3<u32>) {
  let j = g.x;
  let n = u(Q_n);
  if (j >= n) { return; }
  var acc = laplacianGrad(u(Q_I), j, 2.0 * fl(Q_wLapS) / f32(n));
  if (fl(Q_wEdgeS) > 0.0 && mean() != 0.0) { acc += edgeGrad(j, u(Q_oV0), u(Q_I)); }
  put(u(Q_oGV0r) + 3u * j, acc);
}

/** The raw parameters' gradients: sym(gV0 of the views + the shape's regularisers), sym(gB) (category-model categoryBackward). */
@compute @workgroup_size(WG)
fn finishGrads(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= u(Q_n)) { return; }
  let m = u(u(Q_tMirror) + i);
  let p = v3(u(Q_oBV0) + 3u * i) + v3(u(Q_oGV0r) + 3u * i);
  let q = v3(u(Q_oBV0) + 3u * m) + v3(u(Q_oGV0r) + 3u * m);
  put(u(Q_oGS) + 3u * i, symmetric(p, q));
  symmetriseColumns(u(Q_oBB), u(Q_oGB), i, m);
}

/** The host's mirror switches: the camera takes the mirror's values, its azimuth and elevation first moments change sign. */
@compute @workgroup_size(WG)
fn settleCameras(@builtin(global_invocation_id) g: vec3<u32>) {
  let k = g.x;
  let H = u(Q_H);
  if (k >= u(Q_I) * H || R[u(Q_oCamFlag) + k] == 0.0) { return; }
  let c = u(Q_oCam) + (row(k / H) * H + k % H) * 6u;
  for (var q = 0u; q < 6u; q++) { R[c + q] = R[u(Q_oCamVal) + 6u * k + q]; }
  let m = c + u(Q_camLength);
  R[m] = -R[m];
  R[m + 1u] = -R[m + 1u];
}

/** Each batch image's code gradient: its regulariser's (scaled) and the views'. */
@compute @workgroup_size(WG)
fn codeGrads(@builtin(global_invocation_id) g: vec3<u32>) {
  let k = g.x;
  if (k >= u(Q_I) * u(Q_K)) { return; }
  R[u(Q_oGZ) + k] = fl(Q_gradScale) * 2.0 * fl(Q_wCode) * R[u(Q_oZb) + k] + R[u(Q_oBZ) + k];
}

/**
 * One Adam update per element of the step's entries (T: tensor offset, tensor length, first
 * element, count, gradient offset, first thread, lr / (1 - beta1^t), sqrt(1 - beta2^t)).
 */
@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) g: vec3<u32>) {
  let t = g.x + g.y * 65535u * WG;
  if (t >= u(Q_adamTotal)) { return; }
  var o = u(Q_tAdam);
  for (var j = 1u; j < u(Q_adamEntries); j++) {
    let next = u(Q_tAdam) + j * ${ADAM_WORDS}u;
    if (u(next + 5u) > t) { break; }
    o = next;
  }
  let k = t - u(o + 5u);
  let i = u(o) + u(o + 2u) + k;
  let L = u(o + 1u);
  let gr = R[u(o + 4u) + k];
  let m = ${BETA1} * R[i + L] + ${1 - BETA1} * gr;
  let v = ${BETA2} * R[i + 2u * L] + ${1 - BETA2} * gr * gr;
  R[i + L] = m;
  R[i + 2u * L] = v;
  R[i] = R[i] - fl(o + 6u) * m / (sqrt(v) / fl(o + 7u) + ${EPS});
}
`
