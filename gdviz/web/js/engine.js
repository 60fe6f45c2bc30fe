/* The engine: gdviz's update rules (gdviz/optim/optimizers.py), runs and stopping rules
   (gdviz/engine.py, gdviz/stops.py), kinks, regimes (gdviz/analysis.py), the momentum map's
   theory (gdviz/maps) and the internals (gdviz/internals.py); checked against gd.run step for
   step (tests/js/engine.test.mjs, tests/test_same_numbers.py). Touches no DOM. */

import { sumsq, powi, LN_096, exp, sgn, eig, solve, pairwiseSum } from "./arith.js";
import { Generator } from "./pcg64.js";

export const MAX_LOSS = 1e100; // gdviz.engine.MAX_LOSS

const zeros = (d) => new Array(d).fill(0);
const finite = (v) => v.every(Number.isFinite);

/** One surface of the page: its loss `f`, loss and gradient `vg` and Hessian `h`, function
    bodies traced from the surface's Python arithmetic (gdviz/web/trace.py), so they compute
    gd.run's bits; a data surface computes its loss and gradient from its data instead. */
export function compileSurface(rec) {
  const vars = rec.vars;
  const h = new Function(...vars, rec.h);
  const S = { ...rec, hessian: (p) => h(...p) };
  if (rec.data) {
    // gdviz.surfaces.data.LinearRegression for MSE: r = w x + b - y, loss mean(r r), gradient
    // the mean over the samples idx of 2 r x and 2 r; every mean a pairwise sum over n, as numpy
    const { x, y } = rec.data;
    S.n = x.length;
    const all = Array.from({ length: S.n }, (_, i) => i);
    S.batchGrad = (p, idx) => {
      const a = new Array(idx.length),
        b = new Array(idx.length);
      for (let k = 0; k < idx.length; k++) {
        const xi = x[idx[k]];
        const d = 2 * (p[0] * xi + p[1] - y[idx[k]]);
        a[k] = d * xi;
        b[k] = d;
      }
      return [pairwiseSum(a) / idx.length, pairwiseSum(b) / idx.length];
    };
    S.value = (p) => {
      const rr = x.map((xi, i) => {
        const r = p[0] * xi + p[1] - y[i];
        return r * r;
      });
      return pairwiseSum(rr) / S.n;
    };
    S.vg = (p) => [S.value(p), S.batchGrad(p, all)];
  } else {
    const f = new Function(...vars, rec.f),
      vg = new Function(...vars, rec.vg);
    S.value = (p) => f(...p);
    S.vg = (p) => vg(...p);
  }
  S.grad = (p) => S.vg(p)[1];
  return S;
}

// -- the update rules: one per optimizer of gdviz.optim.OPTIMIZERS -----------------------
// Each mirrors its factory in gdviz/optim/optimizers.py transform by transform, with the same
// floating-point operations in the same order, and keeps its state under torch.optim's names
// (Trajectory.state). init(d, hp) -> state; step(p, g, state, hp, t) -> [update, state];
// check(hp) -> an error message or null. New params = p + update.

function decay(u, p, hp) {
  // add_decayed_weights: u + weight_decay * p (torch's L2 weight_decay; not with decoupled decay)
  return hp.weight_decay && !hp.decoupled_weight_decay ? u.map((ui, i) => ui + hp.weight_decay * p[i]) : u.slice();
}

const scale = (u, lr) => u.map((ui) => -lr * ui); // scale_by_schedule, a constant rate

function sgdLike(fixed = {}) {
  return {
    init(d, hp) {
      if (hp.line_search) return { step_size: zeros(d) };
      return { ...hp, ...fixed }.momentum ? { momentum_buffer: zeros(d) } : {};
    },
    // gd's line_search needs the loss: transforms.backtracking, bound to the surface
    bind(S) {
      const plain = this.step;
      return { ...this, step: (p, g, s, hp, t) => (hp.line_search ? backtrack(S, p, g, hp) : plain(p, g, s, hp, t)) };
    },
    step(p, g, s, hp, t) {
      const { momentum = 0, dampening = 0, nesterov = false } = { ...hp, ...fixed };
      let u = decay(g, p, hp),
        state = s;
      if (momentum) {
        // trace: buf_0 = u, buf_t = momentum buf + (1 - dampening) u
        const buf = t === 0 ? u.slice() : s.momentum_buffer.map((b, i) => momentum * b + (1 - dampening) * u[i]);
        u = nesterov ? u.map((ui, i) => ui + momentum * buf[i]) : buf;
        state = { momentum_buffer: buf };
      }
      return [scale(u, hp.lr), state];
    },
    check(hp) {
      const { momentum = 0, dampening = 0, nesterov = false } = { ...hp, ...fixed };
      if (hp.line_search && (momentum || hp.weight_decay || hp.batch_size != null)) {
        return "line_search is for plain full-batch gradient descent: momentum = 0, weight_decay = 0 and no batch_size";
      }
      return nesterov && (momentum <= 0 || dampening !== 0) ? "nesterov needs momentum > 0 and dampening = 0" : null;
    },
  };
}

/** transforms.backtracking: Armijo's rule along -g from lr, halving lr (at most 60 times) until
    loss(p - lr g) <= loss(p) - 1e-4 lr |g|^2;  update -lr g, state step_size = lr. */
function backtrack(S, p, g, hp) {
  let lr = hp.lr;
  const f0 = S.value(p),
    need = 1e-4 * sumsq(g);
  for (let k = 0; k < 60; k++) {
    if (S.value(p.map((v, i) => v - lr * g[i])) <= f0 - need * lr) break;
    lr *= 0.5;
  }
  return [g.map((x) => -lr * x), { step_size: g.map(() => lr) }];
}

const adagrad = {
  init: (d, hp) => ({ sum: new Array(d).fill(hp.initial_accumulator_value || 0) }),
  step(p, g, s, hp, t) {
    const u = decay(g, p, hp);
    const acc = s.sum.map((a, i) => a + u[i] * u[i]);
    const v = u.map((ui, i) => ui / (Math.sqrt(acc[i]) + hp.eps));
    const lr = hp.lr_decay ? hp.lr / (1 + t * hp.lr_decay) : hp.lr;
    return [scale(v, lr), { sum: acc }];
  },
};

const adadelta = {
  init: (d) => ({ square_avg: zeros(d), acc_delta: zeros(d) }),
  step(p, g, s, hp) {
    const { rho, eps } = hp;
    const u = decay(g, p, hp);
    const v = s.square_avg.map((a, i) => rho * a + (1 - rho) * u[i] * u[i]);
    const delta = u.map((ui, i) => (Math.sqrt(s.acc_delta[i] + eps) / Math.sqrt(v[i] + eps)) * ui);
    const a = s.acc_delta.map((x, i) => rho * x + (1 - rho) * delta[i] * delta[i]);
    return [scale(delta, hp.lr), { square_avg: v, acc_delta: a }];
  },
};

const rmsprop = {
  init(d, hp) {
    const s = { square_avg: zeros(d) };
    if (hp.centered) s.grad_avg = zeros(d);
    if (hp.momentum) s.momentum_buffer = zeros(d);
    return s;
  },
  step(p, g, s, hp) {
    const { alpha, eps } = hp;
    let u = decay(g, p, hp);
    const state = { square_avg: s.square_avg.map((a, i) => alpha * a + (1 - alpha) * u[i] * u[i]) };
    if (hp.centered) {
      state.grad_avg = s.grad_avg.map((m, i) => alpha * m + (1 - alpha) * u[i]);
      u = u.map((ui, i) => ui / (Math.sqrt(state.square_avg[i] - state.grad_avg[i] * state.grad_avg[i]) + eps));
    } else {
      u = u.map((ui, i) => ui / (Math.sqrt(state.square_avg[i]) + eps));
    }
    if (hp.momentum) {
      // trace without the first-step special case: buf = momentum buf + 1.0 u
      state.momentum_buffer = s.momentum_buffer.map((b, i) => hp.momentum * b + (1 - 0.0) * u[i]);
      u = state.momentum_buffer;
    }
    return [scale(u, hp.lr), state];
  },
};

// the Adam family (_adam_like): L2 weight decay on the gradient, or decoupled after the step (AdamW)
function adamLike(moments, fixed = {}) {
  return {
    init: (d, hp) => moments.init(d, { ...hp, ...fixed }),
    step(p, g, s, hp0, t) {
      const hp = { ...hp0, ...fixed };
      const [v, state] = moments.step(decay(g, p, hp), s, hp, t);
      const out = scale(v, hp.lr);
      return [hp.decoupled_weight_decay && hp.weight_decay ? decoupled(out, p, hp) : out, state];
    },
  };
}

// add_decoupled_weight_decay, after the step (AdamW): u - lr * weight_decay * p
const decoupled = (u, p, hp) => u.map((ui, i) => ui - hp.lr * hp.weight_decay * p[i]);
const lerp = (m, u, beta) => m.map((mi, i) => mi + (1 - beta) * (u[i] - mi)); // torch's lerp, same rounding

const scaleByAdam = {
  init(d, hp) {
    const s = { exp_avg: zeros(d), exp_avg_sq: zeros(d) };
    if (hp.amsgrad) s.max_exp_avg_sq = zeros(d);
    return s;
  },
  step(u, s, { beta1, beta2, eps, amsgrad }, step) {
    const t = step + 1;
    const m = lerp(s.exp_avg, u, beta1);
    const v = s.exp_avg_sq.map((vi, i) => beta2 * vi + (1 - beta2) * u[i] * u[i]);
    const state = { exp_avg: m, exp_avg_sq: v };
    let top = v;
    if (amsgrad) top = state.max_exp_avg_sq = s.max_exp_avg_sq.map((x, i) => Math.max(x, v[i]));
    const root = Math.sqrt(1 - powi(beta2, t)),
      bias = 1 - powi(beta1, t);
    return [m.map((mi, i) => mi / (Math.sqrt(top[i]) / root + eps) / bias), state];
  },
};

const scaleByNadam = {
  // mu_product is a number, not one per parameter: kept out of the record ("_")
  init: (d) => ({ exp_avg: zeros(d), exp_avg_sq: zeros(d), _mu_product: 1 }),
  step(u, s, { beta1, beta2, eps, momentum_decay: psi }, step) {
    const t = step + 1;
    const mu = beta1 * (1.0 - 0.5 * exp(t * psi * LN_096)),
      muNext = beta1 * (1.0 - 0.5 * exp((t + 1) * psi * LN_096));
    const prod = s._mu_product * mu;
    const m = lerp(s.exp_avg, u, beta1);
    const v = s.exp_avg_sq.map((vi, i) => beta2 * vi + (1 - beta2) * u[i] * u[i]);
    const out = u.map((ui, i) => {
      const denom = Math.sqrt(v[i] / (1 - powi(beta2, t))) + eps;
      return (((1 - mu) / (1 - prod)) * ui) / denom + ((muNext / (1 - prod * muNext)) * m[i]) / denom;
    });
    return [out, { exp_avg: m, exp_avg_sq: v, _mu_product: prod }];
  },
};

const scaleByRadam = {
  init: (d) => ({ exp_avg: zeros(d), exp_avg_sq: zeros(d) }),
  step(u, s, { beta1, beta2, eps }, step) {
    const t = step + 1;
    const m = lerp(s.exp_avg, u, beta1);
    const v = s.exp_avg_sq.map((vi, i) => beta2 * vi + (1 - beta2) * u[i] * u[i]);
    const bc2 = 1 - powi(beta2, t),
      rhoInf = 2 / (1 - beta2) - 1,
      rho = rhoInf - (2 * t * powi(beta2, t)) / bc2;
    const rect = Math.sqrt(
      (Math.max(rho - 4, 0) * Math.max(rho - 2, 0) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho),
    );
    const out = m.map((mi, i) => {
      const corrected = mi / (1 - powi(beta1, t));
      return rho > 5.0 ? corrected * (Math.sqrt(bc2) / (Math.sqrt(v[i]) + eps)) * rect : corrected;
    });
    return [out, { exp_avg: m, exp_avg_sq: v }];
  },
};

const scaleByAdamax = {
  init: (d) => ({ exp_avg: zeros(d), exp_inf: zeros(d) }),
  step(u, s, { beta1, beta2, eps }, step) {
    const m = lerp(s.exp_avg, u, beta1);
    const inf = s.exp_inf.map((x, i) => Math.max(beta2 * x, Math.abs(u[i]) + eps));
    return [m.map((mi, i) => mi / inf[i] / (1 - powi(beta1, step + 1))), { exp_avg: m, exp_inf: inf }];
  },
};

const rprop = {
  // each coordinate's own step size, from lr; only the gradient's sign counts
  init: (d, hp) => ({ prev: zeros(d), step_size: new Array(d).fill(hp.lr) }),
  step(p, g, s, { etaminus, etaplus, step_min, step_max }) {
    const sign = g.map((gi, i) => sgn(gi * s.prev[i]));
    const size = s.step_size.map((x, i) =>
      Math.min(Math.max(x * (sign[i] > 0 ? etaplus : sign[i] < 0 ? etaminus : 1.0), step_min), step_max),
    );
    const kept = g.map((gi, i) => (sign[i] < 0 ? 0.0 : gi));
    return [kept.map((gi, i) => -sgn(gi) * size[i]), { prev: kept, step_size: size }];
  },
};

const lion = {
  // sign of an interpolated momentum; decoupled weight decay after the step
  init: (d) => ({ exp_avg: zeros(d) }),
  step(p, g, s, hp) {
    const m = s.exp_avg,
      out = scale(lerp(m, g, hp.beta1).map(sgn), hp.lr);
    return [hp.weight_decay ? decoupled(out, p, hp) : out, { exp_avg: lerp(m, g, hp.beta2) }];
  },
};

const newton = {
  // (H + damping I)^-1 g with the exact Hessian (the pseudo-inverse where H is singular)
  init: (d) => ({ curvature: zeros(d) }),
  bind(S) {
    return {
      ...this,
      step: (p, g, s, hp) => {
        const H = S.hessian(p),
          curvature = eig(H);
        const A = H.map((row, i) => row.map((x, j) => (i === j && hp.damping ? x + hp.damping : x)));
        return [scale(solve(A, g), hp.lr), { curvature }];
      },
    };
  },
};

export const RULES = {
  gd: sgdLike(),
  sgd: sgdLike(),
  momentum: sgdLike({ nesterov: false }),
  nesterov: sgdLike({ nesterov: true, dampening: 0 }),
  adagrad: adagrad,
  adadelta: adadelta,
  rmsprop: rmsprop,
  adam: adamLike(scaleByAdam),
  adamw: adamLike(scaleByAdam, { decoupled_weight_decay: true }),
  nadam: adamLike(scaleByNadam),
  radam: adamLike(scaleByRadam),
  adamax: adamLike(scaleByAdamax),
  rprop: rprop,
  lion: lion,
  newton: newton,
};

/** An optimizer's hyperparameters: `hyper` (Python's names) over the defaults of its table
    entry, and `lr`; throws an Error naming a bad one. */
export function hyperparameters(entry, hyper, lr) {
  const hp = { lr };
  for (const h of entry.hyper) if (h.name !== "lr") hp[h.name] = h.default;
  for (const [k, v] of Object.entries(hyper || {})) {
    const h = entry.hyper.find((x) => x.name === k);
    if (!h) throw new Error(`unknown hyperparameter '${k}'; choose from: ${entry.hyper.map((x) => x.name).join(", ")}`);
    hp[k] = v;
  }
  for (const h of entry.hyper) {
    const v = hp[h.name],
      bad = (need) => new Error(`${h.name} must be ${need}, got ${v}`);
    if (h.type === "bool") {
      if (typeof v !== "boolean") throw bad("true or false");
      continue;
    }
    if (v === null && h.default === null) continue; // batch_size None: the full batch
    if (!Number.isFinite(v) || (h.type === "int" && !Number.isInteger(v)))
      throw bad(h.type === "int" ? "a whole number" : "a number");
    if ((h.min !== null && v < h.min) || (h.max !== null && v > h.max)) throw bad(`in [${h.min}, ${h.max ?? "∞"}]`);
  }
  return hp;
}

/** One run of `rule` on surface S from `start`: gd.run's loop for a single path, with its
    stopping rules (converged: |g| < tol; diverged: a coordinate farther than `limit` from the
    centre of the bounds, loss > MAX_LOSS, or not finite, keeping the last finite point) and
    its record (params, loss, grads, state after each update). */
export function run(S, rule, hp, start, steps, opts = {}) {
  const tol = opts.tol ?? S.tol;
  const tol2 = tol * tol;
  const { centre, limit } = S;
  let p = start.slice();
  let [loss, g] = S.vg(p);
  g = atKink(S, p, loss, g);
  const rec = {
    params: [p],
    loss: [loss],
    grads: [],
    state: {},
    status: "max_steps",
    reason: "",
    stop: steps,
    error: null,
  };
  if (!Number.isFinite(loss) || !finite(g)) {
    rec.status = "error";
    rec.stop = 0;
    rec.error = Number.isFinite(loss)
      ? `the gradient is not defined at the start [${p.join(", ")}], a kink or cusp that is not a minimum: start elsewhere`
      : `the loss or gradient is not finite at the start [${p.join(", ")}]`;
    rec.grads.push(g);
    return rec;
  }
  const stochastic = hp.batch_size != null && S.batchGrad !== undefined;
  const draws = stochastic ? batches(opts.seed ?? 0, S.n, Math.min(hp.batch_size, S.n)) : null;
  if (rule.bind) rule = rule.bind(S); // an optimizer that needs more of the surface than its gradient
  let state = rule.init(p.length, hp);
  for (let t = 0; t < steps; t++) {
    if (tol2 && sumsq(g) < tol2) {
      rec.status = "converged";
      rec.reason = stopReason(S, p, loss, rec.loss[0]);
      rec.stop = t;
      break;
    }
    const gu = stochastic ? S.batchGrad(p, draws(t)) : g;
    rec.grads.push(gu);
    let u;
    [u, state] = rule.step(p, gu, state, hp, t);
    for (const [name, value] of Object.entries(state)) {
      if (name[0] !== "_") (rec.state[name] = rec.state[name] || []).push(value); // "_": the rule's own, not recorded
    }
    let q = p.map((v, i) => v + u[i]);
    let [ql, qg] = S.vg(q);
    qg = atKink(S, q, ql, qg);
    const near = q.every((v, i) => Math.abs(v - centre[i]) <= limit),
      inside = near && ql <= MAX_LOSS;
    const ok = inside && finite(qg);
    if (!ok) {
      rec.status = "diverged";
      const fin = finite(q) && Number.isFinite(ql) && finite(qg);
      rec.reason = !fin && !inside ? "not finite" : !near ? "too far" : !inside ? "loss too large" : "kink";
      rec.stop = t + (fin ? 1 : 0);
      if (!fin) [q, ql, qg] = [p, loss, g];
    }
    [p, loss, g] = [q, ql, qg];
    rec.params.push(p);
    rec.loss.push(loss);
    if (!ok) break;
  }
  rec.grads.push(g); // the full gradient at the final point
  return rec;
}

/** gdviz.stops.at_convergence: why a run converged where it did, from the Hessian's eigenvalues
    there, the loss against the lowest known minimum (S.lowest, null when none is known) and the
    loss a step further downhill. */
export function stopReason(S, p, loss, startLoss) {
  const lam = eig(S.hessian(p)),
    lowest = S.lowest ?? null;
  const level =
    lowest !== null &&
    loss - lowest <= 1e-4 * Math.max(startLoss - lowest, 0.0) + 1e-12 * (1 + Math.abs(lowest));
  const atMinimum = lowest === null || level ? "minimum" : "local minimum";
  if (!lam.every(Number.isFinite)) return atMinimum; // a kink no nearby point undercuts
  const tiny = 1e-8 * Math.max(...lam.map(Math.abs)),
    lo = Math.min(...lam),
    hi = Math.max(...lam);
  if (lo > tiny && !level) {
    // an inflection where the slope vanishes: downhill goes on past the stop (stops.PROBE)
    const span = Math.max(...S.bounds.map(([a, b]) => b - a)),
      g = S.grad(p);
    if (S.value(p.map((v, i) => v - 1e-3 * span * Math.sign(g[i]))) < loss) return "saddle point";
  }
  if (lo > tiny) return atMinimum;
  if (level) return "minimum"; // a valley's floor is flat along the valley
  if (hi < -tiny) return "maximum";
  if (lo < -tiny) return "saddle point";
  return "plateau";
}

// gdviz.engine's KINK_RADII and KINK_DIRECTIONS (cos, sin of k pi / 8, written out)
const KINK_RADII = [1e-9, 1e-6, 1e-3];
const COS = [1.0, 0.9238795325112867, 0.7071067811865476, 0.3826834323650898, 0.0];
const COS16 = [...COS, ...COS.slice(0, -1).reverse().map((c) => -c), ...COS.slice(1).map((c) => -c), ...COS.slice(1, -1).reverse()];
const KINK_DIRECTIONS = COS16.map((c, k) => [c, COS16[(k + 12) % 16]]);

/** gdviz.engine._at_kinks: where the loss is finite but the gradient is not (a kink or cusp, 0/0)
    and no point nearby is lower, the gradient is 0, a subgradient: the run has converged there. */
function atKink(S, p, loss, g) {
  if (!Number.isFinite(loss) || finite(g)) return g;
  const span = Math.max(...S.bounds.map(([lo, hi]) => hi - lo));
  const dirs = S.dim === 1 ? [[1.0], [-1.0]] : KINK_DIRECTIONS;
  for (const r of KINK_RADII)
    for (const d of dirs) if (S.value(p.map((v, i) => v + r * span * d[i])) < loss) return g;
  return g.map(() => 0.0);
}

/** The t-th mini-batch of the stream default_rng(seed).choice(n, size, replace=False) draws:
    the same for every run with that seed, so they are drawn once and kept (moving a slider then
    costs no sampling). */
const STREAMS = new Map();

export function batches(seed, n, size) {
  const key = `${seed}|${n}|${size}`;
  if (!STREAMS.has(key)) {
    if (STREAMS.size >= 8) STREAMS.delete(STREAMS.keys().next().value);
    STREAMS.set(key, { rng: new Generator(seed), drawn: [] });
  }
  const stream = STREAMS.get(key);
  return (t) => {
    while (stream.drawn.length <= t) stream.drawn.push(stream.rng.choice(n, size));
    return stream.drawn[t];
  };
}

// -- learning-rate regimes (gdviz.analysis.regimes) -----------------------------------------

export function linspace(a, b, n) {
  const step = (b - a) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + i * step));
}

/** The largest Hessian eigenvalue over an n^d grid of the bounds (NaN ignored). */
export function maxCurvature(S, n = 41) {
  const axes = S.bounds.map(([lo, hi]) => linspace(lo, hi, n));
  let top = -Infinity;
  const visit = (pt) => {
    const e = eig(S.hessian(pt)).at(-1);
    if (e > top) top = e;
  };
  if (S.dim === 1) axes[0].forEach((x) => visit([x]));
  else for (const x of axes[0]) for (const y of axes[1]) visit([x, y]);
  return top;
}

/** Regimes of gradient descent from the curvature at `start`: L, mu, Goldilocks 2/(L + mu),
    divergence 2/L and the Goldilocks band; null where there is no positive curvature. */
export function regimes(S, start) {
  const ev = eig(S.hessian(start));
  let [mu, L] = [ev[0], ev.at(-1)];
  if (!Number.isFinite(L) || L <= 0) [L, mu] = [maxCurvature(S), null];
  if (!Number.isFinite(L) || L <= 0) return null;
  if (!(mu !== null && Number.isFinite(mu) && mu > 0)) mu = null;
  const low = mu ?? L;
  const goldilocks = 2 / (L + low),
    diverge = 2 / L;
  const factor = (lr) => Math.max(Math.abs(1 - lr * low), Math.abs(1 - lr * L));
  const b = Math.max(0.5, Math.sqrt(factor(goldilocks)));
  const band = [(1 - b) / low, Math.min((1 + b) / L, diverge)];
  const classify = (lr) =>
    lr * L >= 2
      ? "diverges"
      : lr < band[0] * (1 - 1e-12)
        ? "too small"
        : lr <= band[1] * (1 + 1e-12)
          ? "goldilocks"
          : "too large";
  return { L, mu, goldilocks, diverge, band, classify };
}

// -- the momentum map (Distill's "Why Momentum Really Works"; gdviz.maps, method="theory") ----

/** The convergence rate per step of momentum with step alpha and momentum beta on a quadratic
    whose Hessian has the eigenvalues `lambdas`: along each eigenvector (velocity, error) evolves
    by a 2x2 matrix, and the rate is its largest |eigenvalue|, the slowest over the lambdas:
        heavy ball [[beta, lambda], [-alpha beta, 1 - alpha lambda]]
        Nesterov   [[beta, lambda], [-alpha beta^2, 1 - alpha lambda (1 + beta)]]
    from the trace T and determinant D: (|T| + sqrt(T^2 - 4 D)) / 2, or sqrt(D) for a complex
    pair; |1 - alpha lambda| without momentum. Above 1 the run diverges. gdviz.maps.theory.rate,
    operation for operation: the same bits as gd.map(..., method="theory"). */
export function momentumRate(alpha, beta, lambdas, nesterov = false) {
  let worst = -Infinity;
  for (const lam of lambdas) {
    const a = alpha * lam;
    let r;
    if (beta === 0) r = Math.abs(1 - a); // plain gradient descent, exactly
    else {
      const T = nesterov ? beta + 1 - a * (1 + beta) : beta + 1 - a,
        D = nesterov ? beta * (1 - a) : beta,
        disc = T * T - 4 * D,
        root = Math.sqrt(Math.max(disc, 0));
      r = disc >= 0 ? Math.max(Math.abs(T + root), Math.abs(T - root)) / 2 : Math.sqrt(Math.max(D, 0));
    }
    worst = r > worst || r !== r ? r : worst;
  }
  return worst;
}

/** The largest step that converges at momentum beta, where the rate crosses 1 (an eigenvalue
    -1): heavy ball 2 (1 + beta) / lambda_max, Nesterov 2 (1 + beta) / ((1 + 2 beta) lambda_max);
    null without positive curvature. */
export function momentumEdge(beta, lambdaMax, nesterov = false) {
  if (!(lambdaMax > 0)) return null;
  return (2 * (1 + beta)) / ((nesterov ? 1 + 2 * beta : 1) * lambdaMax);
}

export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Distill's colours of a rate: piecewise linear in RGB through `stops` ([rate, "#rrggbb"], the
    last black just above 1), the end colours beyond them; a rate that is not a number is
    black, never the colour of a fast one. */
export function rateColour(r, stops) {
  if (r !== r) return rgb(stops.at(-1)[1]);
  if (r <= stops[0][0]) return rgb(stops[0][1]);
  for (let k = 1; k < stops.length; k++) {
    if (r <= stops[k][0]) {
      const [r0, c0] = stops[k - 1],
        [r1, c1] = stops[k];
      const f = (r - r0) / (r1 - r0),
        a = rgb(c0),
        b = rgb(c1);
      return a.map((v, i) => Math.round(v + f * (b[i] - v)));
    }
  }
  return rgb(stops.at(-1)[1]);
}

/** Steps for the error to shrink by `factor` at `rate` per step: log(factor) / -log(rate), at
    least 1; null when it does not shrink. */
export function stepsToShrink(rate, factor = 1e6) {
  if (!(rate < 1)) return null;
  return rate <= 0 ? 1 : Math.max(1, Math.ceil(Math.log(factor) / -Math.log(rate)));
}

// -- what each update is made of (gdviz.internals) -----------------------------------------

const MOMENTUM = ["gd", "sgd", "momentum", "nesterov"];

/** The terms of update t of a run (see gdviz/internals.py): step, push, and carried /
    position / lookahead (momentum, Nesterov) or scale / effective_lr / first (adaptive). */
export function internalsAt(rec, name, hp, t) {
  const p = rec.params[t],
    g = rec.grads[t],
    st = rec.state,
    lr = hp.lr;
  const sub = (a, b) => a.map((x, i) => x - b[i]);
  const step = sub(rec.params[t + 1], p);
  const wd = hp.weight_decay || 0;
  const gUsed = g.map((x, i) => x + wd * p[i]);
  const row = (k, i = t) => st[k][i];
  if (MOMENTUM.includes(name) && st.momentum_buffer) {
    const beta = hp.momentum,
      before = t > 0 ? row("momentum_buffer", t - 1) : zeros(p.length);
    const carried = before.map((b) => -lr * beta * b);
    if (name === "nesterov" || hp.nesterov) {
      return { step, push: gUsed.map((x) => -lr * x), carried, position: sub(p, carried), lookahead: p.slice() };
    }
    return { step, push: sub(step, carried), carried };
  }
  if (MOMENTUM.includes(name) || !st || !Object.keys(st).length) return { step, push: gUsed.map((x) => -lr * x) };
  const push = g.map((x) => -lr * x);
  const T = t + 1;
  if (name === "adagrad") {
    const rate = lr / (1 + (T - 1) * (hp.lr_decay || 0));
    const scale = row("sum").map(Math.sqrt);
    return { step, push, scale, effective_lr: scale.map((s) => rate / (s + hp.eps)) };
  }
  if (name === "rmsprop") {
    const v = row("square_avg");
    const scale = (st.grad_avg ? v.map((x, i) => x - row("grad_avg")[i] ** 2) : v).map(Math.sqrt);
    return { step, push, scale, effective_lr: scale.map((s) => lr / (s + hp.eps)) };
  }
  if (name === "adam") {
    const v = row(st.max_exp_avg_sq ? "max_exp_avg_sq" : "exp_avg_sq");
    const scale = v.map((x) => Math.sqrt(x / (1 - powi(hp.beta2, T))));
    const first = row("exp_avg").map((m) => m / (1 - powi(hp.beta1, T)));
    return { step, push, scale, effective_lr: scale.map((s) => lr / (s + hp.eps)), first };
  }
  if (name === "adadelta") {
    const before = t > 0 ? row("acc_delta", t - 1) : zeros(p.length);
    const scale = row("square_avg").map((x) => Math.sqrt(x + hp.eps));
    return { step, push, scale, effective_lr: scale.map((s, i) => (lr * Math.sqrt(before[i] + hp.eps)) / s) };
  }
  return { step, push };
}
