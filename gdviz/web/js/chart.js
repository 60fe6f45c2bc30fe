/* The plots' pure helpers: nice numbers (the learning rates the arrow keys walk), ticks and their
   labels, where a path leaves the window. The page's own (the figures' ticks are matplotlib's).
   Touches no DOM. */

import { gfmt, minus } from "./format.js";

export const FONT = '"DejaVu Sans", "Noto Sans CJK SC", system-ui, sans-serif';
const SUPER = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
// a power of ten as a tick says it: pow10(-3) is "10⁻³"
export const pow10 = (e) => `10${String(e).replace(/./g, (c) => SUPER[c])}`;

// every two-significant-digit number from 1e-5 to 10: the learning rates the arrow keys walk
export function niceNumbers(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (let m = 10; m < 100; m++) {
      const v = Number((m * 10 ** (e - 1)).toPrecision(2));
      if (v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12)) out.push(v);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

export const nice2 = (v) => Number(v.toPrecision(2));

/** The round number `k` places from `cur` in `nice` (sorted); a value between two of them moves
    to the next one first. */
export function niceStep(nice, cur, k) {
  let i = nice.findIndex((v) => v >= cur * (1 - 1e-9));
  if (i < 0) i = nice.length - 1;
  return nice[Math.min(nice.length - 1, Math.max(0, (nice[i] > cur * (1 + 1e-9) && k > 0 ? i - 1 : i) + k))];
}

/** The dash pattern of a series line in `colour` at line width `lw`: the style's on/off lengths
    (gdviz.style.DASHES, in line widths, as matplotlib's) times `lw`; [] for a solid line.
    dashFor({"#009E73": [3.7, 1.6]}, "#009e73", 2) is [7.4, 3.2]. */
export function dashFor(dashes, colour, lw) {
  return (dashes[colour.toUpperCase()] || []).map((v) => v * lw);
}

// a tick's label: as many decimals as the ticks' spacing needs (2,000 / 0.5 / 0.001)
export function tickText(v, step) {
  if (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-4)) return minus(gfmt(v, 3));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return minus(v.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals }));
}

// nice axis ticks: 1, 2, 5 x 10^k
export function ticks(lo, hi, n = 6) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n,
    mag = 10 ** Math.floor(Math.log10(raw));
  const steps = [0.5, 1, 2, 5, 10].map((k) => k * mag);
  // the round step nearest n ticks, a smaller one if that leaves fewer than two in [lo, hi]
  for (let i = steps.findIndex((s) => s >= raw); i >= 0; i--) {
    const step = steps[i],
      out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    if (out.length > 1 || i === 0) return out;
  }
}

/** Where a path first leaves the window: [index, point on the edge], or [null, null]. */
export function firstExit(params, win) {
  const inside = (p) => p.every((v, i) => v >= win[i][0] && v <= win[i][1]);
  const i = params.findIndex((p) => !inside(p));
  if (i < 0) return [null, null];
  if (i === 0) return [0, params[0].slice()];
  const a = params[i - 1],
    b = params[i];
  let f = 1;
  a.forEach((v, k) => {
    const d = b[k] - v;
    if (d > 0) f = Math.min(f, (win[k][1] - v) / d);
    else if (d < 0) f = Math.min(f, (win[k][0] - v) / d);
  });
  return [i, a.map((v, k) => v + Math.max(f, 0) * (b[k] - v))];
}

// how much wider (or taller) than its window the plot's data area may be drawn: 1 is the true shape
export const STRETCH = 1.25;

/** The plot's canvas size in a room of `maxW` x `maxH` CSS pixels, with margins `m` ({l, r, t, b})
    around the data area, whose shape follows the window's aspect `a` (x span / y span):
    h = min(maxH - t - b, (maxW - l - r) / a), w = min(maxW - l - r, STRETCH * a * h). */
export function plotSize(maxW, maxH, a, m) {
  const h = Math.min(maxH - m.t - m.b, (maxW - m.l - m.r) / a),
    w = Math.min(maxW - m.l - m.r, STRETCH * a * h);
  return { width: Math.floor(w + m.l + m.r), height: Math.floor(h + m.t + m.b) };
}
