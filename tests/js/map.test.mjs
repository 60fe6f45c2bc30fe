// The explorer's momentum map (gdviz/web/js/, as shipped): the theory's rate per step.
// Run by tests/test_explorer_map.py: node --test tests/js/map.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";

// the modules as shipped (gdviz/web/js/package.json says "module")
const E = await import(new URL("../../gdviz/web/js/index.js", import.meta.url).href);
const close = (a, b, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

test("no momentum is gradient descent: max |1 - alpha lambda|", () => {
  close(E.momentumRate(0.05, 0, [1, 20]), 0.95);
  close(E.momentumRate(0.09, 0, [1, 20]), 0.91);
  close(E.momentumRate(0.095, 0, [1, 20]), 0.905);
  close(E.momentumRate(0.12, 0, [1, 20]), 1.4);
  close(E.momentumRate(0.05, 0, [1, 20], true), 0.95); // Nesterov at beta = 0 too
});

test("heavy ball in its complex regime shrinks by sqrt(beta) per step (Distill)", () => {
  // the optimum of Polyak: alpha = (2 / (sqrt(L) + sqrt(mu)))^2, beta = ((sqrt(k) - 1) / (sqrt(k) + 1))^2
  const L = 20,
    mu = 1,
    k = L / mu,
    alpha = (2 / (Math.sqrt(L) + Math.sqrt(mu))) ** 2,
    beta = ((Math.sqrt(k) - 1) / (Math.sqrt(k) + 1)) ** 2;
  close(E.momentumRate(alpha, beta, [mu, L]), (Math.sqrt(k) - 1) / (Math.sqrt(k) + 1), 1e-7); // a double root
  close(E.momentumRate(0.01, 0.9, [1, 20]), Math.sqrt(0.9)); // both complex: |z| = sqrt(det) = sqrt(beta)
});

test("the edge: the rate crosses 1 at alpha = 2 (1 + beta) / lambda_max (Nesterov: / (1 + 2 beta))", () => {
  for (const nesterov of [false, true]) {
    for (const beta of [0, 0.3, 0.9, 0.999]) {
      const edge = E.momentumEdge(beta, 20, nesterov);
      assert.ok(E.momentumRate(edge * (1 - 1e-9), beta, [1, 20], nesterov) < 1, `${nesterov} ${beta}`);
      assert.ok(E.momentumRate(edge * (1 + 1e-9), beta, [1, 20], nesterov) > 1, `${nesterov} ${beta}`);
      close(E.momentumRate(edge, beta, [1, 20], nesterov), 1, 1e-12);
    }
  }
  assert.equal(E.momentumEdge(0.9, 0), null);
  assert.equal(E.momentumEdge(0.9, -1), null);
});

test("Distill's colours: YlGnBu from 0 to 1, black above 1.01", () => {
  const stops = [[0, "#ffffcc"], [0.3, "#a1dab4"], [0.5, "#41b6c4"], [0.7, "#2c7fb8"], [1, "#253494"],
    [1.01, "#000000"]];
  assert.deepEqual(E.rateColour(0, stops), [255, 255, 204]);
  assert.deepEqual(E.rateColour(0.3, stops), [161, 218, 180]);
  assert.deepEqual(E.rateColour(1, stops), [37, 52, 148]);
  assert.deepEqual(E.rateColour(1.005, stops), [19, 26, 74]);
  assert.deepEqual(E.rateColour(3, stops), [0, 0, 0]);
  assert.deepEqual(E.rateColour(NaN, stops), [0, 0, 0]); // never the colour of a fast rate
});

test("steps to shrink the error a million times", () => {
  assert.equal(E.stepsToShrink(0.635), Math.ceil(Math.log(1e6) / -Math.log(0.635))); // 31
  assert.equal(E.stepsToShrink(0.1), 6);
  assert.equal(E.stepsToShrink(0), 1);
  assert.equal(E.stepsToShrink(1), null);
  assert.equal(E.stepsToShrink(1.2), null);
});
