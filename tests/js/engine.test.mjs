// The explorer's JavaScript engine against gdviz's Python engine (tests/data/js_reference.json,
// made by tests/make_js_reference.py). Run by tests/test_explorer.py: node --test tests/js/
// The modules are imported as they are shipped.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const here = new URL(".", import.meta.url);
// the modules as shipped (gdviz/web/js/package.json says "module")
const E = await import(new URL("../../gdviz/web/js/index.js", import.meta.url).href);
const REF = JSON.parse(readFileSync(new URL("../data/js_reference.json", here), "utf8"));
const RTOL = 1e-9;

// The path (params, loss): |a - b| / |b| elementwise, the largest; a value below 1e-12 of the
// largest of its series counts at that size (a loss of exactly 0 against 1e-28 is not news).
// Gradients and optimizer state: max |a - b| / max |b| over the run, since they shrink towards 0
// as a run converges, where a relative difference of rounding noise means nothing (numpy's egg
// crate has 25 sin 2x where sympy's derivative has 50 sin x cos x).
function deviation(a, b) {
  const A = a.flat(Infinity),
    B = b.flat(Infinity);
  assert.equal(A.length, B.length, "lengths differ");
  const floor = 1e-12 * Math.max(0, ...B.map(Math.abs));
  let worst = 0;
  B.forEach((x, i) => {
    if (A[i] !== x) worst = Math.max(worst, Math.abs(A[i] - x) / Math.max(Math.abs(x), floor, 1e-300));
  });
  return worst;
}

function scaled(a, b) {
  const A = a.flat(Infinity),
    B = b.flat(Infinity);
  assert.equal(A.length, B.length, "lengths differ");
  let num = 0,
    den = 0;
  B.forEach((x, i) => {
    num = Math.max(num, Math.abs(A[i] - x));
    den = Math.max(den, Math.abs(x));
  });
  return den > 0 ? num / den : num;
}

const surfaces = Object.fromEntries(Object.entries(REF.surfaces).map(([k, rec]) => [k, E.compileSurface(rec)]));
// the optimizer's full hyperparameters, filled from the page's table (gdviz.web.tables)
const settings = (c) => E.hyperparameters(REF.tables[c.optimizer], c.hyper, c.lr);

test("every optimizer of the Python registry has a JavaScript rule", () => {
  const missing = REF.optimizers.filter((n) => !(n in E.RULES));
  assert.deepEqual(
    missing,
    [],
    `no JavaScript rule for: ${missing.join(", ")} (add one to RULES in gdviz/web/js/engine.js)`,
  );
  const covered = new Set(REF.cases.map((c) => c.optimizer));
  assert.deepEqual(
    REF.optimizers.filter((n) => !covered.has(n)),
    [],
    "OPTIMIZER_CASES misses an optimizer",
  );
});

for (const c of REF.cases) {
  const name = `${c.optimizer} ${JSON.stringify(c.hyper)} on ${c.surface}`;

  test(`one step at a time: ${name}`, () => {
    // feed Python's point, gradient and state; the rule must give Python's next point and state
    const plain = E.RULES[c.optimizer],
      hp = settings(c);
    const rule = plain.bind ? plain.bind(surfaces[c.surface]) : plain; // a line search needs the loss
    let state = rule.init(c.start.length, hp);
    let worst = 0;
    for (let t = 0; t < c.params.length - 1 && t < c.stop; t++) {
      const [u, next] = rule.step(c.params[t], c.grads[t], state, hp, t);
      worst = Math.max(worst, deviation([c.params[t].map((v, i) => v + u[i])], [c.params[t + 1]]));
      for (const k of Object.keys(c.state)) worst = Math.max(worst, scaled(next[k], c.state[k][t]));
      const recorded = Object.keys(next).filter((k) => k[0] !== "_"); // "_": the rule's own, never recorded
      assert.deepEqual(recorded.sort(), Object.keys(c.state).sort(), "state names differ");
      // continue from Python's state, so one step's error cannot hide in the next
      state = { ...next, ...Object.fromEntries(Object.keys(c.state).map((k) => [k, c.state[k][t]])) };
    }
    // on a surface of + - * / and sqrt, the same bits; else sin, exp... may differ in the last bit
    assert.ok(worst <= (REF.surfaces[c.surface].exact ? 0 : 1e-12), `largest relative deviation ${worst}`);
  });

  test(`the whole run: ${name}`, () => {
    const S = surfaces[c.surface];
    const rec = E.run(S, E.RULES[c.optimizer], settings(c), c.start, c.steps, { seed: c.seed });
    assert.equal(rec.status, c.status);
    assert.equal(rec.reason, c.reason, "stop reason");
    assert.equal(rec.stop, c.stop);
    assert.deepEqual(Object.keys(rec.state).sort(), Object.keys(c.state).sort(), "state names differ");
    const worst = Math.max(
      deviation(rec.params, c.params),
      deviation(rec.loss, c.loss),
      scaled(rec.grads, c.grads),
      ...Object.keys(c.state).map((k) => scaled(rec.state[k], c.state[k])),
    );
    assert.ok(worst <= (REF.surfaces[c.surface].exact ? 0 : RTOL), `largest relative deviation ${worst}`);
  });
}

test("seeded mini-batches are numpy's default_rng(seed).choice(n, size, replace=False)", () => {
  for (const d of REF.draws) {
    const g = new E.Generator(d.seed);
    assert.deepEqual(
      d.draws.map(() => g.choice(d.n, d.size)),
      d.draws,
      `seed ${d.seed}, n ${d.n}, size ${d.size}`,
    );
  }
});

test("powers, exp, eigenvalues and solves are gdviz.arith's, bit for bit", () => {
  const A = REF.arith;
  for (const [x, n, want] of A.powi) assert.equal(E.powi(x, n), want, `powi(${x}, ${n})`);
  for (const [x, want] of A.exp) assert.equal(E.exp(x), want, `exp(${x})`);
  for (const [h, want] of A.eigh) assert.deepEqual(E.eig(h), want, `eig(${JSON.stringify(h)})`);
  for (const [h, b, want] of A.solve) assert.deepEqual(E.solve(h, b), want, `solve(${JSON.stringify(h)})`);
});

test("sums are numpy's pairwise sums, bit for bit", () => {
  for (const s of REF.sums) assert.equal(E.pairwiseSum(s.a), s.sum, `n = ${s.a.length}`);
});

test("learning-rate regimes are gdviz.analysis.regimes, to the bit", () => {
  for (const r of REF.regimes) {
    const js = E.regimes(surfaces[r.surface] || E.compileSurface(REF.surfaces[r.surface]), r.start);
    // eigenvalues by gdviz.arith's arithmetic in both: the same bits
    for (const k of ["L", "goldilocks", "diverge"]) assert.equal(js[k], r[k], `${r.surface} ${k}`);
    assert.deepEqual(js.band, r.band, `${r.surface} band`);
    assert.equal(js.mu === null, r.mu === null);
    for (const [lr, regime] of Object.entries(r.classify))
      assert.equal(js.classify(Number(lr)), regime, `${r.surface} lr ${lr}`);
  }
});

test("hash -> state -> hash comes back unchanged; bad keys fall back to the defaults", () => {
  const props = [
    { name: "surface", type: "text", default: "elongated" },
    { name: "mode", type: "enum", default: "single", choices: ["single", "race"] },
    { name: "lr", type: "number", default: 0.08, min: 1e-5, max: 10, log: true },
    { name: "tol", type: "number", default: null, min: 0, max: 1, log: true },
    { name: "steps", type: "int", default: 500, min: 1, max: 5000 },
    { name: "field", type: "bool", default: false },
    { name: "start", type: "point", default: null },
    { name: "racers", type: "list", default: ["gd"], choices: ["gd", "adam", "momentum"] },
    { name: "hyper", type: "dict", default: {} },
    { name: "others", type: "settings", default: {} },
    { name: "optimizer", type: "enum", default: "adam", choices: ["gd", "adam", "momentum"] },
  ];
  // each optimizer's rows, as gdviz.web.tables.optimizer_table has them: hyper and others are checked against them
  const lr = { name: "lr", type: "number", default: 0.001, min: 1e-5, max: 10, log: true };
  const optimizers = {
    gd: { hyper: [lr, { name: "momentum", type: "number", default: 0, min: 0, max: 0.999 }] },
    adam: {
      hyper: [
        lr,
        { name: "beta1", type: "number", default: 0.9, min: 0, max: 0.999 },
        { name: "amsgrad", type: "bool", default: false },
        { name: "batch_size", type: "int", default: null, min: 1, max: null },
      ],
    },
    momentum: { hyper: [lr] },
  };
  const state = {
    surface: "x**2 + 10*y**2 & (w-3)^2 #%",
    mode: "race",
    lr: 1.6e-5,
    tol: 1e-7,
    steps: 42,
    field: true,
    start: [-1.5, 2.000000001],
    racers: ["adam", "momentum"],
    hyper: { beta1: 0.8, amsgrad: true, batch_size: null },
    others: { adam: { lr: 0.05 }, gd: { lr: 0.001, momentum: 0.5 } },
  };
  const hash = E.toHash(state, props);
  assert.deepEqual(E.parseHash(hash, props, optimizers), { ...state, optimizer: "adam" });
  assert.equal(E.toHash(E.parseHash(hash, props, optimizers), props), hash);
  assert.equal(E.toHash(E.defaults(props), props), "");
  const bad = E.parseHash(
    "#lr=-3&mode=nope&steps=1.5&bogus=1&start=1,x&racers=gd,sgd&hyper=%zz&field=yes",
    props,
    optimizers,
  );
  assert.deepEqual(bad, E.defaults(props));
});
