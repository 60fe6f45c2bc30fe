// Runs the explorer's engine (gdviz/web/js/, as shipped) on cases read from stdin as JSON
// {surfaces: {key: engine record}, tables: {optimizer: {hyper: [...]}}, cases: [{optimizer, hyper,
// lr, surface, start, steps, seed}]} and writes each run's record (params, loss, grads, state,
// status, stop) to stdout as JSON. tests/test_same_numbers.py holds these to gd.run.
import { readFileSync } from "node:fs";

// the modules as shipped (gdviz/web/js/package.json says "module")
const E = await import(new URL("../../gdviz/web/js/index.js", import.meta.url).href);

const input = JSON.parse(readFileSync(0, "utf8"));
const surfaces = Object.fromEntries(Object.entries(input.surfaces).map(([k, rec]) => [k, E.compileSurface(rec)]));
const out = input.cases.map((c) => {
  const hp = E.hyperparameters(input.tables[c.optimizer], c.hyper, c.lr);
  const rec = E.run(surfaces[c.surface], E.RULES[c.optimizer], hp, c.start, c.steps, { seed: c.seed ?? 0 });
  const { params, loss, grads, state, status, reason, stop } = rec;
  return { params, loss, grads, state, status, reason, stop };
});
process.stdout.write(JSON.stringify(out));
