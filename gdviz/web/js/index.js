/* gdviz explorer: the ES modules of the offline page and the notebook widget, and their public API.

   anywidget's module shape: `export default { render({ model, el }) }`, returning a cleanup that
   cancels the animation frame. The notebook widget hands it a Jupyter model; the offline page a
   HashModel, which keeps the same settings in the URL hash. One UI, two hosts.

   The modules, each importing what it uses:
   - state.js: the state codec, the settings table (gdviz/web/state.py) to and from the URL hash;
   - arith.js, engine.js, pcg64.js: gdviz's arithmetic, update rules, stopping rules, regimes,
     internals and numpy's seeded sampling, mirrored from Python (gdviz/arith.py, gdviz/optim,
     gdviz/engine.py, gdviz/analysis.py, gdviz/internals.py) and checked against gd.run step for
     step (tests/test_explorer.py);
   - format.js, chart.js: numbers as text, ticks; linechart.js: the loss chart (log axis in
     decades for a diverged run); heatmap.js: the momentum map's geometry, cells and canvas; view.js: the controls generated from the table, the contour
     plot, the layout and lecture mode, playback, the live region.
   All but view.js touch no DOM, so Node's test runner imports them as they are (package.json
   says "module"). The hosts get one module: gdviz/web/bundle.py joins these in dependency order.

   Example (the page does this; a widget host passes its own model):
       const view = mount(new HashModel(data), document.getElementById("gdviz"));
       view.api.set({ surface: "rosenbrock", optimizer: "adam", lr: 0.05 });
       view.api.path().status;      // "converged"
*/

export {
  own, same, defaults, checkValue, accepted, refusal, fitHyper, fitOthers, toHash, parseHash, HashModel
} from "./state.js";
export { powi, LN_096, exp, eig, solve, pairwiseSum } from "./arith.js";
export {
  MAX_LOSS, compileSurface, RULES, hyperparameters, run, stopReason, batches, maxCurvature, regimes,
  momentumRate, momentumEdge, rateColour, stepsToShrink, internalsAt
} from "./engine.js";
export { seedSequence, Generator } from "./pcg64.js";
export { gfmt, readout, pyFloat, pyLiteral, shown } from "./format.js";
export { firstExit } from "./chart.js";
export { mount, default } from "./view.js";
