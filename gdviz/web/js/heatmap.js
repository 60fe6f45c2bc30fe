/* The momentum map (distill.pub's "Why Momentum Really Works"): the theory's rate per step of every
   (learning rate, beta) on a quadratic, drawn as one canvas cell per pixel, with the edge where
   the rate crosses 1 and the learner's point. Its geometry, its cells and its canvas drawing;
   the view (view.js) keeps the title, legend and words around it. */

import { momentumRate, momentumEdge, rateColour } from "./engine.js";
import { shown } from "./format.js";
import { tickText, ticks, pow10, FONT } from "./chart.js";
import { dot } from "./linechart.js";

// the momentum map's canvas (CSS pixels): one cell per pixel inside the margins
export const MAP = { width: 300, height: 230, m: { l: 46, r: 10, t: 8, b: 34 } };

/** The map's axes: on a log scale across, the decades from 0.1 / lambda_max to 8 / lambda_max
    (where the rates change; within the slider's range `lrp`), the momentum slider's range `bp`
    up; cell (i, j) is drawn at the pixel (m.l + j, m.t + i) and holds the rate at its centre. */
export function rateMapGeometry(mc, lrp, bp) {
  const { l, r, t, b } = MAP.m,
    top = Math.max(...mc.lambdas);
  const nx = MAP.width - l - r,
    ny = MAP.height - t - b,
    lo = Math.max(Math.log10(lrp.min), Math.floor(Math.log10(0.1 / top))),
    hi = Math.min(Math.log10(lrp.max), Math.ceil(Math.log10(8 / top))),
    b0 = bp.min,
    b1 = bp.max;
  return {
    nx,
    ny,
    lo,
    hi,
    b0,
    b1,
    lr: (j) => 10 ** (lo + ((j + 0.5) / nx) * (hi - lo)),
    beta: (i) => b1 - ((i + 0.5) / ny) * (b1 - b0), // the top row: the most momentum
    x: (lr) => l + ((Math.log10(lr) - lo) / (hi - lo)) * nx,
    y: (beta) => t + ((b1 - beta) / (b1 - b0)) * ny,
  };
}

/** The rate of every cell and its picture, coloured by `stops`; `cache` (the last result) is
    returned as it is while the optimizer, the curvatures and the axes stay the same. */
export function rateMapCells(mc, g, stops, cache) {
  const key = JSON.stringify([mc.nesterov, mc.lambdas, g.nx, g.ny, g.lo, g.hi, g.b0, g.b1]);
  if (cache && cache.key === key) return cache;
  const xs = Float64Array.from({ length: g.nx }, (_, j) => g.lr(j)),
    ys = Float64Array.from({ length: g.ny }, (_, i) => g.beta(i)),
    values = new Float64Array(g.nx * g.ny),
    img = document.createElement("canvas");
  img.width = g.nx;
  img.height = g.ny;
  const ictx = img.getContext("2d"),
    pixels = ictx.createImageData(g.nx, g.ny);
  for (let i = 0; i < g.ny; i++) {
    for (let j = 0; j < g.nx; j++) {
      const k = i * g.nx + j,
        v = (values[k] = momentumRate(xs[j], ys[i], mc.lambdas, mc.nesterov)),
        [R, G, B] = rateColour(v, stops);
      pixels.data.set([R, G, B, 255], 4 * k);
    }
  }
  ictx.putImageData(pixels, 0, 0);
  return { key, xs, ys, values, img };
}

/** Draw the map on `ctx`: the `cells`, the edge of convergence, the axes (`labels.lr`,
    `labels.momentum`) and the learner's (`lr`, mc.hp.momentum) in `colour`. */
export function drawRateMap(ctx, mc, g, cells, { style: st, labels, lr, colour }) {
  const { l, t } = MAP.m;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells.img, l, t, g.nx, g.ny);
  ctx.save();
  ctx.beginPath();
  ctx.rect(l, t, g.nx, g.ny);
  ctx.clip();
  // the edge of convergence, where the rate crosses 1
  const top = Math.max(...mc.lambdas);
  if (momentumEdge(0, top, mc.nesterov) !== null) {
    ctx.strokeStyle = st.diverged;
    ctx.lineWidth = 2;
    ctx.setLineDash([5, 3]);
    ctx.beginPath();
    for (let k = 0; k <= 60; k++) {
      const beta = g.b0 + (k / 60) * (g.b1 - g.b0);
      (k ? ctx.lineTo : ctx.moveTo).call(ctx, g.x(momentumEdge(beta, top, mc.nesterov)), g.y(beta));
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  ctx.strokeStyle = "#b8b8b8";
  ctx.lineWidth = 1;
  ctx.strokeRect(l - 0.5, t - 0.5, g.nx + 1, g.ny + 1);
  ctx.fillStyle = st.muted;
  ctx.font = `10px ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let e = Math.ceil(g.lo); e <= Math.floor(g.hi); e++) {
    ctx.fillRect(g.x(10 ** e), t + g.ny, 1, 3);
    if ((e - Math.ceil(g.lo)) % 2 === 0 || e === Math.floor(g.hi))
      ctx.fillText(e >= -2 && e <= 1 ? shown(10 ** e) : pow10(e), g.x(10 ** e), t + g.ny + 4);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const bt = ticks(g.b0, g.b1, 5);
  for (const v of bt) {
    ctx.fillRect(l - 3, g.y(v), 3, 1);
    ctx.fillText(tickText(v, bt[1] - bt[0] || 1), l - 5, g.y(v));
  }
  ctx.fillStyle = st.ink;
  ctx.font = `11px ${FONT}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(labels.lr, l + g.nx / 2, MAP.height - 1);
  ctx.save();
  ctx.translate(11, t + g.ny / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(labels.momentum, 0, 0);
  ctx.restore();
  // the learner's (lr, beta)
  const px = Math.min(Math.max(g.x(lr), l), l + g.nx); // a rate off the map: at its edge
  dot(ctx, [px, g.y(mc.hp.momentum)], 5.5, colour, "white", 2);
}
