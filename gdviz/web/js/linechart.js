/* The loss chart: each run's loss against the step, drawn on a canvas (Playground's linechart.ts).
   The axis is logarithmic, with decade ticks, when the losses span more than two decades or a run
   diverged (its loss grows geometrically up to the divergence mark); else linear. Touches no DOM
   but the canvas context it is handed. */

import { tickText, ticks, pow10, FONT, dashFor } from "./chart.js";

/** A filled, outlined disc at [x, y]. */
export function dot(ctx, [x, y], r, fill, edge, lw) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = edge;
  ctx.lineWidth = lw;
  ctx.stroke();
}

/** The last index of `loss` with a finite value (-1 if none). */
export function lastFinite(loss) {
  let k = loss.length - 1;
  while (k >= 0 && !Number.isFinite(loss[k])) k--;
  return k;
}

/** The loss axis for `runs` ([{loss, status}]): {log, a, b, ticks}, a and b its ends (exponents
    on a log axis). Log when every loss is positive and they span more than 2 decades, or a run
    diverged: whole decades then, at least one apart, so at least two ticks show.

        lossAxis([{ loss: [10, 20, 40, 1e8], status: "diverged" }])
        // { log: true, a: 1, b: 9, ticks: [10, 1e3, 1e5, 1e7, 1e9] }
*/
export function lossAxis(runs) {
  const values = runs.flatMap((r) => r.loss.slice(0, lastFinite(r.loss) + 1)).filter(Number.isFinite);
  if (!values.length) return null;
  const lo = Math.min(...values),
    hi = Math.max(...values),
    diverged = runs.some((r) => r.status === "diverged");
  if (lo > 0 && (hi / lo > 100 || diverged)) {
    const a = Math.floor(Math.log10(lo) + 1e-9),
      b = Math.max(a + 1, Math.ceil(Math.log10(hi) - 1e-9));
    const exps = ticks(a, b, 4).filter(Number.isInteger);
    return { log: true, a, b, ticks: exps.map((e) => 10 ** e) };
  }
  let a = lo,
    b = hi;
  if (!(b > a)) b = a + 1;
  const pad = 0.05 * (b - a);
  [a, b] = [a - pad, b + pad];
  return { log: false, a, b, ticks: ticks(a, b, 4) };
}

/** Draw the chart on `ctx` (`width` x `height` CSS pixels): `runs` ([{colour, loss, status}]) up
    to step `T` in full, the rest faintly (`ahead`: its opacity, 0 to hide it), the x axis from 0
    to `N` steps. `k` scales type and margins (lecture mode). Returns what was drawn: the tick
    labels, whether the axis is log, and for each run the last point drawn and the divergence
    mark, in CSS pixels. */
export function drawLossChart(ctx, { width, height, runs, T, N, ahead, style, labels, k = 1 }) {
  const m = { l: 64 * k, r: 16, t: 10, b: 34 * k };
  const axis = lossAxis(runs);
  const out = { x: [], y: [], log: false, runs: [], size: 11 * k };
  if (!axis) return out;
  const { log, a, b } = axis;
  const f = log ? Math.log10 : (v) => v;
  const X = (i) => m.l + (i / N) * (width - m.l - m.r),
    Y = (v) => m.t + ((b - f(v)) / (b - a)) * (height - m.t - m.b);
  ctx.strokeStyle = "#b8b8b8";
  ctx.lineWidth = 1;
  ctx.strokeRect(m.l + 0.5, m.t + 0.5, width - m.l - m.r - 1, height - m.t - m.b - 1);
  ctx.fillStyle = style.muted;
  ctx.font = `${11 * k}px ${FONT}`;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yt = axis.ticks;
  for (const v of yt) {
    const text = log ? pow10(Math.round(Math.log10(v))) : tickText(v, yt[1] - yt[0] || 1);
    ctx.fillRect(m.l - 4, Y(v), 4, 1);
    ctx.fillText(text, m.l - 7, Y(v));
    out.y.push(text);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of ticks(0, N, Math.max(2, Math.min(6, Math.round((width - m.l) / 70)))).filter(Number.isInteger)) {
    ctx.fillRect(X(v), height - m.b, 1, 4);
    ctx.fillText(String(v), X(v), height - m.b + 5);
    out.x.push(String(v));
  }
  ctx.fillStyle = style.ink;
  ctx.textBaseline = "bottom";
  ctx.fillText(labels.step, m.l + (width - m.l - m.r) / 2, height - 1);
  ctx.save();
  ctx.translate(14 * k, m.t + (height - m.t - m.b) / 2);
  ctx.rotate(-Math.PI / 2);
  const title = labels.loss + (log ? labels.log : ""); // "(log scale)" left out where it does not fit: the ticks say 10ⁿ
  ctx.fillText(ctx.measureText(title).width <= height - m.t - m.b ? title : labels.loss, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(m.l, m.t, width - m.l - m.r, height - m.t - m.b);
  ctx.clip();
  for (const p of runs) {
    const Ls = p.loss,
      end = lastFinite(Ls),
      n = Math.min(T, end);
    const drawn = { last: null, mark: null };
    out.runs.push(drawn);
    if (n < 0) continue;
    for (const [k0, k1, alpha] of [
      [0, n, 1],
      [n, end, ahead],
    ]) {
      if (k1 <= k0 || !alpha) continue;
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = p.colour;
      ctx.lineWidth = alpha === 1 ? 2 : 1.3;
      ctx.setLineDash(dashFor(style.dashes, p.colour, ctx.lineWidth));
      ctx.beginPath();
      for (let i = k0; i <= k1; i++) (i === k0 ? ctx.moveTo : ctx.lineTo).call(ctx, X(i), Y(Ls[i]));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.globalAlpha = 1;
    drawn.last = [X(n), Y(Ls[n])];
    dot(ctx, [X(n), Math.max(Math.min(Y(Ls[n]), height - m.b), m.t + 3)], 4, p.colour, "white", 1.2);
    if (p.status === "diverged" && T >= end) drawn.mark = [X(end), Y(Ls[end])]; // where the line ends
  }
  ctx.strokeStyle = style.muted;
  ctx.globalAlpha = 0.5;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(X(Math.min(T, N)), m.t);
  ctx.lineTo(X(Math.min(T, N)), height - m.b);
  ctx.stroke();
  ctx.restore();
  for (const { mark } of out.runs) {   // the divergence marks, unclipped: a cross on the frame shows whole
    if (!mark) continue;
    const [cx, cy] = mark;
    ctx.strokeStyle = style.diverged;
    ctx.lineWidth = 2.4;
    ctx.beginPath();
    ctx.moveTo(cx - 5, cy - 5);
    ctx.lineTo(cx + 5, cy + 5);
    ctx.moveTo(cx + 5, cy - 5);
    ctx.lineTo(cx - 5, cy + 5);
    ctx.stroke();
  }
  out.log = log;
  return out;
}
