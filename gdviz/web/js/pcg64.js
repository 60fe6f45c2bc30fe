/* numpy's seeded sampling: default_rng(seed).choice(n, size, replace=False), PCG64 seeded
   through SeedSequence (numpy/random/_generator.pyx), so SGD draws gdviz's mini-batches. */

// -- numpy's seeded sampling: default_rng(seed).choice(n, size, replace=False) ----------------
// PCG64 seeded through SeedSequence, Lemire's bounded integers and Floyd's algorithm with a
// final shuffle, as numpy/random/_generator.pyx does, so SGD draws the same mini-batches.

// 128-bit numbers as eight 16-bit limbs, lowest first: every product and sum stays exact in a double
const limbs = (big) => Float64Array.from({ length: 8 }, (_, k) => Number((big >> BigInt(16 * k)) & 0xffffn));
const PCG_MULT = limbs((2549297995355413924n << 64n) + 4865540595714422341n);
const SCRATCH = new Float64Array(8);

/** state <- state * mult + inc (mod 2^128), in place. */
function lcg(state, mult, inc) {
  const out = SCRATCH;
  for (let k = 0; k < 8; k++) {
    let sum = inc[k];
    for (let i = 0; i <= k; i++) sum += state[i] * mult[k - i];
    out[k] = sum;
  }
  let c = 0;
  for (let k = 0; k < 8; k++) {
    const x = out[k] + c;
    c = Math.floor(x / 65536);
    state[k] = x - c * 65536;
  }
}

// the high and low 32 bits of a * b for a, b < 2^32
function mul32(a, b) {
  const al = a & 0xffff,
    ah = a >>> 16,
    bl = b & 0xffff,
    bh = b >>> 16;
  const lo = al * bl,
    mid = ah * bl + al * bh;
  const low = lo + (mid % 65536) * 65536;
  return [ah * bh + Math.floor(mid / 65536) + Math.floor(low / 4294967296), low % 4294967296];
}

function hashmix(value, hc) {
  value = (value ^ hc.v) >>> 0;
  hc.v = Math.imul(hc.v, 0x931e8875) >>> 0;
  value = Math.imul(value, hc.v) >>> 0;
  return (value ^ (value >>> 16)) >>> 0;
}

function mix(x, y) {
  const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) >>> 0;
  return (r ^ (r >>> 16)) >>> 0;
}

/** numpy.random.SeedSequence(seed).generate_state(nWords, uint64) as BigInts. */
export function seedSequence(seed, nWords) {
  const entropy = [];
  let s = BigInt(seed);
  do {
    entropy.push(Number(s & 0xffffffffn));
    s >>= 32n;
  } while (s > 0n);
  const pool = [0, 0, 0, 0],
    hc = { v: 0x43b0d7e5 };
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hc);
  for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) if (a !== b) pool[b] = mix(pool[b], hashmix(pool[a], hc));
  for (let a = 4; a < entropy.length; a++) for (let b = 0; b < 4; b++) pool[b] = mix(pool[b], hashmix(entropy[a], hc));
  let h = 0x8b51f9dd;
  const words = [];
  for (let i = 0; i < 2 * nWords; i++) {
    let v = (pool[i % 4] ^ h) >>> 0;
    h = Math.imul(h, 0x58f38ded) >>> 0;
    v = Math.imul(v, h) >>> 0;
    words.push((v ^ (v >>> 16)) >>> 0);
  }
  return Array.from({ length: nWords }, (_, k) => BigInt(words[2 * k]) | (BigInt(words[2 * k + 1]) << 32n));
}

/** numpy.random.Generator(PCG64(seed)): next32, bounded integers and choice without replacement. */
export class Generator {
  constructor(seed) {
    const [s0, s1, i0, i1] = seedSequence(seed, 4);
    this.inc = limbs(((((i0 << 64n) | i1) << 1n) | 1n) & ((1n << 128n) - 1n));
    this.state = new Float64Array(8);
    this.advance();
    lcg(this.state, limbs(1n), limbs((s0 << 64n) | s1)); // state += initstate
    this.advance();
    this.buffered = null;
  }

  advance() {
    lcg(this.state, PCG_MULT, this.inc);
  }

  /** The next 64-bit output (XSL-RR) as [high 32 bits, low 32 bits]. */
  next64() {
    this.advance();
    const s = this.state;
    const hi = [s[7] * 65536 + s[6], s[5] * 65536 + s[4]],
      lo = [s[3] * 65536 + s[2], s[1] * 65536 + s[0]];
    const x = [(hi[0] ^ lo[0]) >>> 0, (hi[1] ^ lo[1]) >>> 0],
      rot = s[7] >>> 10;
    if (rot === 0) return x;
    const [a, b] = rot >= 32 ? [x[1], x[0]] : x,
      r = rot % 32; // rotate right by rot
    return r === 0 ? [a, b] : [((a >>> r) | (b << (32 - r))) >>> 0, ((b >>> r) | (a << (32 - r))) >>> 0];
  }

  next32() {
    if (this.buffered !== null) {
      const v = this.buffered;
      this.buffered = null;
      return v;
    }
    const [hi, lo] = this.next64();
    this.buffered = hi;
    return lo;
  }

  /** A uniform integer in [0, rng] (random_bounded_uint64 with Lemire's method, rng < 2^32). */
  bounded(rng) {
    if (rng === 0) return 0;
    if (rng === 0xffffffff) return this.next32();
    let [high, left] = mul32(this.next32(), rng + 1);
    if (left < rng + 1) {
      const threshold = (0xffffffff - rng) % (rng + 1);
      while (left < threshold) [high, left] = mul32(this.next32(), rng + 1);
    }
    return high;
  }

  /** choice(n, size, replace=False) for n <= 10000: Floyd's algorithm, then a shuffle. */
  choice(n, size) {
    let mask = Math.floor(1.2 * size);
    for (const k of [1, 2, 4, 8, 16]) mask |= mask >>> k;
    const set = new Map(),
      idx = new Array(size),
      has = (loc) => set.has(loc);
    for (let j = n - size; j < n; j++) {
      const val = this.bounded(j);
      let loc = val & mask;
      while (has(loc) && set.get(loc) !== val) loc = (loc + 1) & mask;
      if (!has(loc)) {
        set.set(loc, val);
        idx[j - n + size] = val;
      } else {
        loc = j & mask;
        while (has(loc)) loc = (loc + 1) & mask;
        set.set(loc, j);
        idx[j - n + size] = j;
      }
    }
    for (let i = size - 1; i >= 1; i--) {
      const j = this.bounded(i);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx;
  }
}
