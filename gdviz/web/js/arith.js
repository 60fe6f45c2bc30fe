/* gdviz/arith.py, operation for operation: powers, e^x, sums, 2x2 eigenvalues and solves in
   basic arithmetic, so the page's paths have gd.run's bits. */

// -- gdviz/arith.py, operation for operation: the arithmetic that decides a path ------------

export const sumsq = (v) => v.reduce((a, x, i) => (i === 0 ? x * x : a + x * x), 0);

/** x ** n for a whole n >= 0 by repeated squaring (arith.powi): x^13 = x * x^4 * x^8. */
export function powi(x, n) {
  let result = 1.0,
    base = x;
  while (n) {
    if (n & 1) result = result * base;
    n = Math.floor(n / 2);
    if (n) base = base * base;
  }
  return result;
}

const LN2_HI = 6.9314718036912381649e-1,
  LN2_LO = 1.90821492927058770002e-10,
  INV_LN2 = 1.442695040888963387,
  EXP_TERMS = 15;
export const LN_096 = -0.040821994520255166; // arith.LN_096, log(0.96)
const FACTORIAL = [1];
for (let j = 1; j < EXP_TERMS; j++) FACTORIAL.push(FACTORIAL[j - 1] * j);

/** e^x in basic arithmetic (arith.exp): x = k ln 2 + r, Horner's rule on 1/j!, times 2^k. */
export function exp(x) {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.78) return Infinity;
  if (x < -745.2) return 0;
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  let p = 1 / FACTORIAL[EXP_TERMS - 1];
  for (let j = EXP_TERMS - 2; j >= 0; j--) p = p * r + 1 / FACTORIAL[j];
  const kk = Math.min(Math.max(k, -1100), 1100);
  return p * (kk >= 0 ? powi(2.0, kk) : powi(0.5, -kk));
}

/** numpy's sign: 0 for either zero, NaN for NaN. */
export const sgn = (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v);

/** Eigenvalues of a symmetric 1x1 or 2x2 matrix, smallest first (arith.eigh: LAPACK's dlaev2). */
export function eig(H) {
  if (H.length === 1) return [H[0][0]];
  const a = H[0][0],
    b = H[0][1],
    c = H[1][1];
  const sm = a + c,
    df = a - c,
    tb = b + b;
  const adf = Math.abs(df),
    ab = Math.abs(tb);
  const [acmx, acmn] = Math.abs(a) > Math.abs(c) ? [a, c] : [c, a];
  const rt =
    adf > ab
      ? adf * Math.sqrt(1.0 + (ab / adf) * (ab / adf))
      : adf < ab
        ? ab * Math.sqrt(1.0 + (adf / ab) * (adf / ab))
        : ab * 1.4142135623730951;
  let rt1 = sm < 0 ? 0.5 * (sm - rt) : 0.5 * (sm + rt);
  let rt2 = (acmx / rt1) * acmn - (b / rt1) * b;
  if (sm === 0) [rt1, rt2] = [0.5 * rt, -0.5 * rt];
  if (Number.isNaN(rt1) || Number.isNaN(rt2)) return [NaN, NaN];
  return rt1 <= rt2 ? [rt1, rt2] : [rt2, rt1];
}

/** x with A x = b for a symmetric 1x1 or 2x2 A (arith.solve): Cramer's rule; the
    pseudo-inverse where the determinant is exactly 0. */
export function solve(A, b) {
  if (A.length === 1) return [A[0][0] !== 0 ? b[0] / A[0][0] : 0];
  const [[a00, a01], [a10, a11]] = A,
    det = a00 * a11 - a01 * a10;
  if (det !== 0) return [(a11 * b[0] - a01 * b[1]) / det, (a00 * b[1] - a10 * b[0]) / det];
  const [lo, hi] = eig(A),
    top = Math.max(Math.abs(lo), Math.abs(hi));
  const out = [0.0, 0.0];
  for (const lam of [lo, hi]) {
    if (!(Math.abs(lam) > 1e-15 * top)) continue;
    const v = a01 !== 0 ? [a01, lam - a00] : lam === a00 ? [1.0, 0.0] : [0.0, 1.0];
    const n2 = v[0] * v[0] + v[1] * v[1];
    const w = (v[0] * b[0] + v[1] * b[1]) / (n2 * lam);
    out[0] = out[0] + w * v[0];
    out[1] = out[1] + w * v[1];
  }
  return out;
}

/** numpy's pairwise summation (add.reduce over a contiguous axis), bit for bit. */
export function pairwiseSum(a, lo = 0, n = a.length) {
  if (n < 8) {
    let res = -0.0;
    for (let i = lo; i < lo + n; i++) res += a[i];
    return res;
  }
  if (n <= 128) {
    const r = a.slice(lo, lo + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[lo + i + j];
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += a[lo + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
}
