/* The view: class Explorer (controls generated from the settings table, the contour plot, the
   loss panel, the momentum map, playback, the keys) and mount / anywidget's default export. */

import { clone, own, isDict, checkValue, said, refusal, fitHyper, fitOthers, toHash } from "./state.js";
import {
  compileSurface, RULES, hyperparameters, run, linspace, regimes, momentumRate, stepsToShrink, internalsAt, rgb
} from "./engine.js";
import { gfmt, readout, pyLiteral, shown, vec } from "./format.js";
import { niceNumbers, nice2, niceStep, tickText, ticks, firstExit, pow10, FONT, plotSize, dashFor } from "./chart.js";
import { drawLossChart, dot } from "./linechart.js";
import { MAP, rateMapGeometry, rateMapCells, drawRateMap } from "./heatmap.js";

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

// keys typed on these are text (a text box, a list's type-ahead): the explorer's letters leave them
/** A legend's sample of a series line: its colour in its dash pattern (gdviz.style.DASHES, in
    line widths; `data-dash` says it, "" for solid), in em so it grows with the type. */
function lineSwatch(colour, dashes) {
  const lw = 0.2,
    on = dashFor(dashes, colour, lw),
    stops = [];
  let at = 0;
  for (let i = 0; i < on.length; i++) {
    const next = at + on[i];
    stops.push(`${i % 2 ? "transparent" : colour} ${at.toFixed(2)}em ${next.toFixed(2)}em`);
    at = next;
  }
  const fill = on.length ? `repeating-linear-gradient(90deg, ${stops.join(", ")})` : colour;
  return h("span", {
    class: "gdx-line",
    "data-dash": (dashes[colour.toUpperCase()] || []).join(" "),
    style: `display:inline-block;width:2.2em;height:${lw}em;vertical-align:middle;background:${fill}`,
  });
}

const NOT_TEXT = new Set(["range", "checkbox", "radio", "button", "submit", "reset", "color"]);
const typing = (el) =>
  el.isContentEditable ||
  el.tagName === "TEXTAREA" ||
  el.tagName === "SELECT" ||
  (el.tagName === "INPUT" && !NOT_TEXT.has(el.type));
// keys a focused control acts on by itself: a button's Enter or Space, a list's or a slider's arrows
const PRESS = new Set(["Enter", " "]);
const NATIVE = new Set([...PRESS, "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);
const nativeKey = (target, key) =>
  target.matches("select, input") ? NATIVE.has(key) : target.matches("button, summary") && PRESS.has(key);
const ICONS = {
  // 16 x 16 paths: the fonts lack the media-control glyphs
  reset: "M3 2h2v12H3zM14 2v12L6 8z",
  step: "M2 2l8 6-8 6zM11 2h2v12h-2z",
  play: "M4 2l10 6-10 6z",
  pause: "M3 2h3.5v12H3zM9.5 2H13v12H9.5z",
  lecture: "M1 1h5v2H3v3H1zM10 1h5v5h-2V3h-3zM1 10h2v3h3v2H1zM13 10h2v5h-5v-2h3z",
};

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "gdx-icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

const EXERCISE_RATES = [0.1, 1, 4];

class Explorer {
  constructor(model, el, opts = {}) {
    this.model = model;
    this.el = el;
    this.opts = opts;
    this.data = model.get("_data");
    this.props = this.data.props;
    this.prop = new Map(this.props.map((p) => [p.name, p]));
    this.compiled = new Map();
    this.paths = [];
    this.playing = false;
    this.raf = null;
    this.dirty = { run: true, controls: true, draw: true };
    this.cache = new Map();
    this.attempts = [];
    this.nice = niceNumbers(this.prop.get("lr").min, this.prop.get("lr").max);
    this.build();
    this.handlers = this.props.map((p) => [`change:${p.name}`, () => this.changed(p.name)]);
    for (const [ev, fn] of this.handlers) model.on(ev, fn);
    this.observer = typeof ResizeObserver !== "undefined" ? new ResizeObserver(() => this.resized()) : null;
    if (this.observer) for (const box of [this.plotBox, this.main]) this.observer.observe(box);
    // leaving full screen (Esc, the browser's own way) leaves lecture mode too
    this.onFullscreen = () => !document.fullscreenElement && this.full && ((this.full = false), this.set({ lecture: false }));
    document.addEventListener("fullscreenchange", this.onFullscreen);
    this.api = this.makeApi();
    this.flush();
  }

  // -- state ------------------------------------------------------------------------------
  /** A setting, as a copy: a Jupyter model hands out its own objects, and a change made to
      them in place would never be seen as a change. */
  get(name) {
    return clone(this.model.get(name));
  }

  L(key) {
    const pair = own(this.data.labels, key);
    return pair ? pair[this.get("lang") === "zh" ? 1 : 0] : key;
  }

  /** Set settings (the model emits the changes), write them (hash or kernel). */
  set(changes) {
    for (const [k, v] of Object.entries(changes)) this.model.set(k, v);
    this.model.save_changes();
  }

  changed(name) {
    if (["t", "field", "internals"].includes(name)) this.dirty.draw = true;
    else if (["lang", "hide", "speed", "lecture"].includes(name)) this.dirty.controls = this.dirty.draw = true;
    else this.dirty.run = this.dirty.controls = this.dirty.draw = true;
    if (name === "t" && !this.playing) this.dirty.controls = true;
    this.schedule();
  }

  schedule() {
    if (this.raf === null && !this.destroyed) this.raf = requestAnimationFrame((time) => this.frame(time));
  }

  frame(time) {
    this.raf = null;
    if (this.playing) this.advance(time);
    this.flush();
    if (this.playing) this.schedule();
  }

  flush() {
    if (this.dirty.run) this.recompute();
    if (this.dirty.controls) this.syncControls();
    if (this.dirty.draw || this.dirty.run) this.draw();
    this.dirty = { run: false, controls: false, draw: false };
  }

  surfaceKey() {
    const key = this.get("surface");
    if (this.get("mode") === "exercise") return this.data.exercise.surface;
    return own(this.data.surfaces, key) ? key : this.data.order[0];
  }

  surface(key = this.surfaceKey()) {
    if (!this.compiled.has(key)) this.compiled.set(key, compileSurface(this.data.surfaces[key]));
    return this.compiled.get(key);
  }

  start() {
    const S = this.surface(),
      s = this.get("start");
    return s && s.length === S.dim && this.get("mode") !== "exercise" ? s : S.start;
  }

  racers() {
    const mode = this.get("mode");
    if (mode === "exercise") return ["gd"];
    if (mode === "race") {
      const r = this.get("racers").filter((n) => own(this.data.optimizers, n));
      return r.length ? r : [this.get("optimizer")];
    }
    return [this.focus()];
  }

  focus() {
    if (this.get("mode") === "exercise") return "gd";
    const name = this.get("optimizer");
    return own(this.data.optimizers, name) ? name : Object.keys(this.data.optimizers)[0];
  }

  /** lr and hyperparameters of optimizer `name`: the focused one's are `lr` and `hyper`. */
  settingsOf(name) {
    if (name === this.focus()) return { lr: this.get("lr"), hyper: this.get("hyper") };
    const { lr, ...hyper } = own(this.get("others"), name) || {};
    return { lr: lr ?? this.data.surfaces[this.surfaceKey()].suggest[name] ?? 0.01, hyper };
  }

  /** Focus optimizer `name`: keep the settings of the one it replaces, bring back its own. */
  focusOn(name, extra = {}) {
    const old = this.focus(),
      others = this.get("others");
    if (name === old) return this.set(extra);
    others[old] = { lr: this.get("lr"), ...this.get("hyper") };
    const { lr, ...hyper } = own(others, name) || {};
    delete others[name];
    this.set({
      optimizer: name,
      lr: lr ?? this.data.surfaces[this.surfaceKey()].suggest[name],
      hyper,
      others,
      t: -1,
      ...extra,
    });
  }

  recompute() {
    const S = this.surface(),
      start = this.start();
    const steps = this.get("steps"),
      tol = this.get("tol"),
      seed = this.get("seed");
    this.regime = regimes(S, start);
    this.paths = this.racers().map((name) => {
      const entry = this.data.optimizers[name],
        { lr, hyper } = this.settingsOf(name);
      const out = { name, colour: entry.colour, lr, hyper, rec: null, error: null };
      try {
        out.hp = hyperparameters(entry, hyper, lr);
        const rule = RULES[name];
        out.error = rule.check ? rule.check(out.hp) : null;
        if (!out.error) out.rec = run(S, rule, out.hp, start, steps, { tol: tol ?? undefined, seed });
        if (out.rec && out.rec.error) out.error = out.rec.error;
      } catch (e) {
        out.error = e.message;
      }
      return out;
    });
    this.longest = Math.max(1, ...this.paths.map((p) => (p.rec ? p.rec.params.length - 1 : 0)));
  }

  shownStep() {
    const t = this.playing ? this.tPlay : this.get("t");
    return t < 0 ? this.longest : Math.min(t, this.longest);
  }

  // -- playback -----------------------------------------------------------------------------
  play() {
    if (this.playing) return this.pause();
    this.tPlay = this.get("t") < 0 || this.get("t") >= this.longest ? 0 : this.get("t");
    this.playing = true;
    this.last = null;
    this.acc = 0;
    this.syncControls();
    this.schedule();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.set({ t: this.tPlay });
    this.syncControls();
    this.announce();
  }

  /** Say the step shown and each path's loss (and how it ended) in the live region: called on
      Step, Reset and a pause (the end of a run too), never per animation frame. */
  announce() {
    if (this.dirty.run) this.recompute();
    const T = this.shownStep(),
      lang = this.get("lang") === "zh" ? 1 : 0;
    const parts = this.paths.map((p) => {
      const name = this.data.optimizers[p.name].label[lang];
      if (!p.rec) return `${name}: ${p.error || this.L("explorer error")}`;
      const n = Math.min(T, p.rec.params.length - 1);
      const end = n >= p.rec.params.length - 1 ? ` (${this.status(p, n)})` : "";
      return `${name}: ${this.L("loss")} ${readout(p.rec.loss[n])}${end}`;
    });
    this.live.textContent = `${this.stepText()}; ${parts.join("; ")}`;
  }

  advance(time) {
    if (this.last !== null) this.acc += ((time - this.last) / 1000) * this.get("speed");
    this.last = time;
    const k = Math.floor(this.acc);
    if (k > 0) {
      this.acc -= k;
      this.tPlay = Math.min(this.tPlay + k, this.longest);
      this.dirty.draw = true;
      this.counter.textContent = this.stepText();
      if (this.tPlay >= this.longest) {
        this.record();
        this.pause();
      }
    }
  }

  step() {
    if (this.playing) this.pause();
    const t = this.get("t");
    if (this.get("mode") === "exercise" && t >= this.longest) return this.record(); // the count stays put
    const next = t < 0 || t >= this.longest ? 1 : t + 1;
    this.set({ t: Math.min(next, this.longest) });
    if (next >= this.longest) this.record();
    this.announce();
  }

  reset() {
    if (this.playing) this.playing = false;
    this.set({ t: 0 });
    this.syncControls();
    this.announce();
  }

  /** Exercise: note the rate and what it did once the learner has stepped to the end. */
  record() {
    if (this.get("mode") !== "exercise" || !this.paths[0] || !this.paths[0].rec) return;
    const { lr, rec } = this.paths[0];
    if (!this.attempts.some((a) => a.lr === lr)) this.attempts.push({ lr, steps: rec.stop, status: rec.status });
    this.dirty.controls = true;
    this.schedule();
  }

  // -- the DOM --------------------------------------------------------------------------------
  build() {
    // keys typed in the explorer are the explorer's: a notebook's shortcuts (R: raw cell...) stay out
    const root = (this.root = h("div", {
      class: "gdx",
      "data-lm-suppress-shortcuts": "true",
      "data-p-suppress-shortcuts": "true",
    }));
    this.el.replaceChildren(root);
    this.keyed = new Map(); // element -> its keys: (event) => handled
    this.onKey = (e) => this.keydown(e);
    globalThis.addEventListener("keydown", this.onKey, true); // before a host's shortcuts
    root.addEventListener("keydown", this.onKey); // inside a closed shadow root the window cannot see
    this.title = h("h1", { class: "gdx-title" });
    this.subtitle = h("p", { class: "gdx-sub" });
    this.headerTools = h("div", { class: "gdx-tools" });
    root.append(h("header", { class: "gdx-header" }, h("div", {}, this.title, this.subtitle), this.headerTools));
    this.side = h("aside", { class: "gdx-side" });
    this.main = h("section", { class: "gdx-main" });
    root.append(h("div", { class: "gdx-body" }, this.side, this.main));

    // the plot, its legend, playback, the loss panel, the read-out
    this.plot = h("canvas", { class: "gdx-plot", tabindex: "0", role: "img" });
    this.plotBox = h("div", { class: "gdx-plotbox" }, this.plot);
    this.caption = h("div", { class: "gdx-caption" });
    this.legend = h("div", { class: "gdx-legend" });
    this.counter = h("span", { class: "gdx-counter" });
    // what a screen reader says: the step and loss after Step, Reset, a pause and the end of a run
    this.live = h("div", { class: "gdx-sr", role: "status", "aria-live": "polite" });
    this.buttons = {
      reset: h("button", { type: "button", "data-button": "reset", onclick: () => this.reset() }),
      step: h("button", { type: "button", class: "gdx-primary", "data-button": "step", onclick: () => this.step() }),
      play: h("button", { type: "button", "data-button": "play", onclick: () => this.play() }),
      lecture: h("button", { type: "button", "data-button": "lecture", onclick: () => this.lecture(true) }),
    };
    this.speedBox = h("div", { class: "gdx-speed", "data-prop": "speed" });
    this.lossCanvas = h("canvas", { class: "gdx-loss", role: "img" });
    // the momentum map, beside the loss chart (momentum and Nesterov on a quadratic)
    this.mapCanvas = h("canvas", { class: "gdx-map", tabindex: "0", role: "img" });
    this.mapTitle = h("div", { class: "gdx-maptitle" });
    this.mapLegend = h("div", { class: "gdx-maplegend" });
    this.mapRate = h("p", { class: "gdx-maprate", "aria-live": "polite" });
    this.mapBox = h("div", { class: "gdx-mapbox" }, this.mapTitle, this.mapCanvas, this.mapLegend, this.mapRate);
    this.mapNote = h("p", { class: "gdx-note gdx-mapnote" });
    this.readoutBox = h("div", { class: "gdx-readout" });
    this.insideBox = h("div", { class: "gdx-inside" });
    this.code = h("code");
    this.playback = h(
      "div",
      { class: "gdx-playback" },
      this.buttons.reset,
      this.buttons.step,
      this.buttons.play,
      this.counter,
      this.speedBox,
      this.buttons.lecture,
    );
    // what goes with the plot: under it in one column, beside it on a wide one (explorer.css)
    this.panel = h(
      "div",
      { class: "gdx-panel" },
      h("div", { class: "gdx-charts" }, this.lossCanvas, this.mapBox),
      this.mapNote,
      this.readoutBox,
      this.insideBox,
      h("details", { class: "gdx-python" }, h("summary"), h("pre", {}, this.code)),
      h("p", { class: "gdx-keys" }),
    );
    this.layout = h("div", { class: "gdx-layout" }, this.caption, this.plotBox, this.legend, this.playback, this.panel);
    this.main.append(this.layout, this.live);
    this.plot.addEventListener("pointerdown", (e) => this.pointer(e, true));
    this.plot.addEventListener("pointermove", (e) => this.dragging && this.pointer(e, false));
    const end = () => (this.dragging = false);
    this.plot.addEventListener("pointerup", end);
    this.plot.addEventListener("pointercancel", end);
    this.keyed.set(this.plot, (e) => this.plotKey(e));
    this.mapCanvas.addEventListener("pointerdown", (e) => this.mapPointer(e, true));
    this.mapCanvas.addEventListener("pointermove", (e) => this.mapDragging && this.mapPointer(e, false));
    const mapEnd = () => (this.mapDragging = false);
    this.mapCanvas.addEventListener("pointerup", mapEnd);
    this.mapCanvas.addEventListener("pointercancel", mapEnd);
    this.keyed.set(this.mapCanvas, (e) => this.mapKey(e));
    this.controls = {};
  }

  /** The controls, generated from the settings table: one per row with a group. */
  buildControls() {
    const groups = {};
    const group = (name) => (groups[name] = groups[name] || h("div", { class: `gdx-group gdx-${name}` }));
    for (const p of this.props) {
      if (!p.group) continue;
      const make = this[`control_${p.name}`] || this[`control_${p.type}`];
      const c = make.call(this, p);
      c.wrap.dataset.prop = p.name;
      this.controls[p.name] = c;
      if (p.name === "speed") this.speedBox.replaceChildren(c.wrap);
      else if (p.group === "header") this.headerTools.prepend(c.wrap);
      else group(p.group).append(c.wrap);
    }
    this.lrHome = [this.controls.lr.wrap.parentNode, this.controls.lr.wrap.nextSibling]; // lecture mode moves it
    this.exerciseBox = h("div", { class: "gdx-exercise" });
    this.missingNote = h("p", { class: "gdx-note" });
    const copy = this.opts.page
      ? h("button", { type: "button", class: "gdx-link", onclick: () => this.copyLink() })
      : null;
    if (copy) this.headerTools.append((this.copyButton = copy));
    const section = (key, body, cls) =>
      h("section", { class: `gdx-card ${cls || ""}` }, h("h2", { "data-label": key }), body);
    this.sections = {
      mode: group("mode"),
      exercise: section("lr exercise", this.exerciseBox, "gdx-exercise-card"),
      surface: section("explorer surface", group("surface")),
      optimizer: section("explorer optimizer", [group("optimizer"), this.missingNote]),
      run: h(
        "details",
        { class: "gdx-card gdx-more" },
        h("summary", { "data-label": "explorer run settings" }),
        group("run"),
      ),
      layers: section("explorer layers", group("layers")),
    };
    this.side.replaceChildren(...Object.values(this.sections));
  }

  // a labelled field: label, control, optional note
  field(p, control, extra = []) {
    const id = `gdx-${p.name}-${Math.random().toString(36).slice(2, 8)}`;
    control.id = id;
    const label = h("label", { for: id, id: `${id}-label`, "data-label": p.label });
    return { wrap: h("div", { class: "gdx-field" }, label, control, ...extra), input: control, label };
  }

  control_enum(p) {
    if (p.name === "lang" || p.name === "mode") {
      const wrap = h("div", { class: `gdx-seg gdx-seg-${p.name}`, role: "group" });
      const buttons = p.choices.map((c) =>
        h("button", { type: "button", "data-value": c, onclick: () => this.pick(p.name, c) }),
      );
      wrap.append(...buttons);
      return { wrap, buttons };
    }
    const select = h("select", { onchange: () => this.pick(p.name, select.value) });
    return this.field(p, select);
  }

  control_surface(p) {
    const select = h("select", { onchange: () => this.pick("surface", select.value) });
    const formula = h("div", { class: "gdx-formula" });
    const c = this.field(p, select, [formula]);
    c.label.classList.add("gdx-sr");
    return { ...c, formula };
  }

  control_text(p) {
    const input = h("input", { type: "text", onchange: () => this.pick(p.name, input.value) });
    return this.field(p, input);
  }

  control_number(p) {
    if (p.log) return this.logSlider(p, (v) => this.pick(p.name, v));
    const input = h("input", {
      type: "number",
      step: "any",
      min: p.min ?? undefined,
      max: p.max ?? undefined,
      onchange: () => this.pick(p.name, input.value === "" ? null : Number(input.value)),
    });
    return this.field(p, input);
  }

  control_int(p) {
    const input = h("input", {
      type: "number",
      step: 1,
      min: p.min,
      max: p.max,
      onchange: () => this.pick(p.name, Math.round(Number(input.value))),
    });
    return this.field(p, input);
  }

  control_bool(p) {
    const input = h("input", { type: "checkbox", onchange: () => this.pick(p.name, input.checked) });
    const label = h("label", { class: "gdx-check" }, input, h("span", { "data-label": p.label }));
    return { wrap: h("div", { class: "gdx-field" }, label), input };
  }

  control_point(p) {
    const inputs = [0, 1].map((i) =>
      h("input", {
        type: "number",
        step: "any",
        "aria-label": `start ${i}`,
        onchange: () => this.moveStart(inputs.map((x) => Number(x.value))),
      }),
    );
    const reset = h("button", { type: "button", class: "gdx-small", onclick: () => this.set({ start: null, t: -1 }) });
    const hint = h("p", { class: "gdx-hint", "data-label": "explorer start hint" });
    const names = [h("span", { class: "gdx-var" }), h("span", { class: "gdx-var" })];
    const row = h("div", { class: "gdx-row" }, names[0], inputs[0], names[1], inputs[1], reset);
    const label = h("div", { class: "gdx-label", "data-label": p.label });
    return { wrap: h("div", { class: "gdx-field" }, label, row, hint), inputs, reset, names };
  }

  control_list(p) {
    // racers: one toggle per optimizer, in its colour
    const wrap = h("div", { class: "gdx-field gdx-racers" }, h("div", { class: "gdx-label", "data-label": p.label }));
    const chips = Object.keys(this.data.optimizers).map((name) => {
      const b = h(
        "button",
        { type: "button", class: "gdx-chip", "data-value": name, onclick: () => this.toggleRacer(name) },
        h("span", { class: "gdx-dot", style: `background:${this.data.optimizers[name].colour}` }),
        h("span"),
      );
      return b;
    });
    wrap.append(h("div", { class: "gdx-chips" }, chips));
    return { wrap, chips };
  }

  control_dict() {
    // the focused optimizer's hyperparameters: rebuilt when it changes (see syncHyper)
    const wrap = h("div", { class: "gdx-hyper" });
    return { wrap };
  }

  /** A logarithmic slider (for lr: zones under it), a number box, arrow keys on nice numbers. */
  logSlider(p, commit, opts = {}) {
    const lo = Math.log10(p.min),
      hi = Math.log10(p.max);
    const range = h("input", { type: "range", min: lo, max: hi, step: 0.001, class: "gdx-log" });
    const box = h("input", { type: "number", step: "any", min: p.min, max: p.max, class: "gdx-num" });
    const nice = p.name === "lr" ? this.nice : niceNumbers(p.min, p.max);
    const snap = (v) => Math.min(p.max, Math.max(p.min, p.name === "speed" ? Math.round(v) || 1 : nice2(v)));
    range.addEventListener("input", () => commit(snap(10 ** Number(range.value))));
    this.keyed.set(range, (e) => {
      const cur = opts.value ? opts.value() : this.get(p.name);
      const moves = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };
      if (Object.hasOwn(moves, e.key)) commit(niceStep(nice, cur, moves[e.key]));
      else if (e.key === "Home" || e.key === "End") commit(e.key === "Home" ? p.min : p.max);
      else return false;
      return true;
    });
    box.addEventListener("change", () => {
      const v = Number(box.value);
      if (Number.isFinite(v) && v >= p.min && v <= p.max) commit(v);
      else this.syncControls();
    });
    const zones = h("div", { class: "gdx-zones" });
    const decades = h("div", { class: "gdx-decades", "aria-hidden": "true" });
    const every = Math.ceil((hi - lo) / 7);
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e += every) {
      decades.append(
        h("span", { style: `left:${(100 * (e - lo)) / (hi - lo)}%` }, e >= -2 && e <= 2 ? shown(10 ** e) : pow10(e)),
      );
    }
    const c = this.field(p, range, [decades, zones]);
    c.wrap.classList.add("gdx-logfield");
    c.label.after(box);
    box.setAttribute("aria-labelledby", c.label.id);
    return {
      ...c,
      range,
      box,
      zones,
      set: (v) => {
        range.value = Math.log10(v);
        if (document.activeElement !== box) box.value = shown(v);
        range.setAttribute("aria-valuetext", shown(v));
      },
    };
  }

  /** `changes` (gdviz.set) checked before anything changes: every name a setting (own names
      only), every value as its row allows, `hyper` what the optimizer focused after the change
      takes, `others` what each optimizer takes; an Error names the first problem. */
  checkChanges(changes) {
    if (!isDict(changes))
      throw new Error(`gdviz.set takes an object of settings, e.g. {lr: 0.05}, got ${said(changes)}`);
    const c = {};
    for (const [k, v] of Object.entries(changes)) {
      const p = this.prop.get(k);
      if (!p) throw new Error(`unknown setting '${k}'; choose from: ${this.props.map((x) => x.name).join(", ")}`);
      const ok = checkValue(p, k === "surface" && typeof v === "string" ? v.trim() : v);
      if (ok === undefined) throw new Error(refusal(p, v));
      c[k] = ok;
    }
    const mode = c.mode ?? this.get("mode");
    if (mode === "exercise" && c.optimizer !== undefined && c.optimizer !== "gd") {
      const why = "the exercise is gradient descent's: optimizer must be 'gd' in mode 'exercise'";
      throw new Error(`${why}, got '${c.optimizer}'`);
    }
    const focus = mode === "exercise" ? "gd" : (c.optimizer ?? this.focus());
    // the values as given (NaN, undefined or a function would not survive the copy in c)
    const problem =
      (c.hyper !== undefined && fitHyper(this.data.optimizers, focus, changes.hyper)[1]) ||
      (c.others !== undefined && fitOthers(this.data.optimizers, changes.others)[1]);
    if (problem) throw new Error(problem);
    return c;
  }

  /** Set one setting from its control, with what it implies. */
  pick(name, value) {
    const p = this.prop.get(name);
    if (p && checkValue(p, value) === undefined) return this.syncControls(); // refused
    if (name === "optimizer") return this.focusOn(value);
    if (name === "surface") return this.set(this.onSurface(value));
    if (name === "mode") return this.setMode(value);
    const extra = ["lr", "steps", "tol", "seed"].includes(name) && this.get("mode") !== "exercise" ? { t: -1 } : {};
    if (name === "lr" && this.get("mode") === "exercise") extra.t = 0;
    this.set({ [name]: value, ...extra });
  }

  /** What a new surface implies: its own start, the rates that suit it there, the whole path
      (and a race's steps). gdviz.web.state.on_surface is the same rule for the widget. */
  onSurface(key, focus = this.focus()) {
    const others = this.get("others");
    for (const k of Object.keys(others)) {
      delete others[k].lr;
      if (!Object.keys(others[k]).length) delete others[k];
    }
    const steps = this.get("mode") === "race" ? { steps: this.data.surfaces[key].race_steps } : {};
    return { surface: key, start: null, t: -1, others, lr: this.data.surfaces[key].suggest[focus], ...steps };
  }

  /** What a new mode implies (gdviz.web.state.on_mode is the same rule for the widget). */
  setMode(mode) {
    if (mode === "exercise") {
      this.attempts = [];
      const others = this.get("others");
      if (this.focus() !== "gd") others[this.focus()] = { lr: this.get("lr"), ...this.get("hyper") };
      delete others.gd;
      this.set({ mode, optimizer: "gd", lr: this.data.exercise.rates[0], hyper: {}, others, t: 0 });
    } else if (mode === "race") {
      const racers = this.get("racers");
      if (!racers.includes(this.focus())) racers.unshift(this.focus());
      const key = own(this.data.surfaces, this.get("surface")) ? this.get("surface") : this.data.order[0];
      this.set({ mode, racers, t: -1, steps: this.data.surfaces[key].race_steps });
    } else {
      const steps = this.get("mode") === "race" ? { steps: this.prop.get("steps").default } : {};
      this.set({ mode, t: -1, ...steps });
    }
  }

  toggleRacer(name) {
    let racers = this.get("racers");
    if (racers.includes(name)) {
      if (racers.length === 1) return;
      racers = racers.filter((r) => r !== name);
      this.set({ racers });
      if (name === this.focus()) this.focusOn(racers[0]);
    } else {
      this.set({ racers: Object.keys(this.data.optimizers).filter((r) => r === name || racers.includes(r)) });
      this.focusOn(name);
    }
  }

  moveStart(pt) {
    const S = this.surface();
    if (pt.length !== S.dim || !pt.every(Number.isFinite) || this.get("mode") === "exercise") return;
    this.set({ start: pt.map((v) => Number(v.toPrecision(4))), t: -1 });
  }

  pointer(e, down) {
    if (this.get("mode") === "exercise" || !this.geom) return;
    const r = this.plot.getBoundingClientRect();
    const [x, y] = this.geom.toData(e.clientX - r.left, e.clientY - r.top);
    const S = this.surface();
    if (down) {
      this.dragging = true;
      if (this.plot.setPointerCapture && e.pointerId !== undefined) {
        try {
          this.plot.setPointerCapture(e.pointerId);
        } catch (err) {
          /* a synthetic event */
        }
      }
    }
    this.moveStart(S.dim === 1 ? [x] : [x, y]);
  }

  plotKey(e) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (!Object.hasOwn(moves, e.key) || this.get("mode") === "exercise") return false;
    const S = this.surface(),
      [dx, dy] = moves[e.key],
      f = e.shiftKey ? 0.1 : 0.02;
    const w = this.geom.win,
      s = this.start();
    const pt = s.map((v, i) => v + (i === 0 ? dx : dy) * f * (w[i][1] - w[i][0]));
    if (S.dim === 1 && dy) return true;
    this.moveStart(pt);
    return true;
  }

  /** Keys typed in the explorer, caught on the window before the host's shortcuts see them
      (Jupyter's command mode: R makes the cell raw, arrows move between cells). The focused
      element's own keys (plot, map, sliders) and S . P K R (anywhere but in a text box) stop
      here; a control's native keys (a list's arrows, a button's Enter) stop here too, left to
      the browser; every other key passes through to the host (a framed page sends a clicker's
      PageDown/PageUp on to its deck: gdviz.web.page). */
  keydown(e) {
    const target = e.composedPath()[0];
    if (!(target instanceof Element) || !this.root.contains(target) || e.ctrlKey || e.metaKey || e.altKey) return;
    const mine = this.keyed.get(target);
    if ((mine && mine(e)) || this.key(e, target)) {
      e.preventDefault();
      e.stopPropagation();
    } else if (!e.shiftKey && nativeKey(target, e.key)) {
      e.stopPropagation();
    }
  }

  /** S or . steps, P or K plays or pauses, R resets (either case); true when it acted. */
  key(e, target) {
    if (typing(target)) return false;
    const act = own(
      {
        s: () => this.step(),
        ".": () => this.step(),
        p: () => this.play(),
        k: () => this.play(),
        r: () => this.reset(),
        l: () => this.lecture(true),
        ...(this.get("lecture") ? { Escape: () => this.lecture(false) } : {}), // else Esc is the host's
      },
      e.key.length === 1 ? e.key.toLowerCase() : e.key,
    );
    if (act) act();
    return Boolean(act);
  }

  /** Lecture mode on or off (`on`: true toggles): full screen when a click or key asks for it,
      large type, the controls reduced to the rate, Step, Play and Reset (explorer.css). */
  lecture(on) {
    const next = on === true ? !this.get("lecture") : false;
    this.set({ lecture: next });
    if (next && this.root.requestFullscreen && !document.fullscreenElement) {
      this.root.requestFullscreen().then(() => (this.full = true), () => {}); // refused: large type all the same
    } else if (!next && this.full && document.fullscreenElement === this.root) {
      this.full = false;
      document.exitFullscreen().catch(() => {});
    }
  }

  /** The canvases' type and margins: 1, or 1.6 in lecture mode (read from the back of a room). */
  scale() {
    return this.get("lecture") ? 1.6 : 1;
  }

  copyLink() {
    if (this.model.flush) this.model.flush();
    const url = globalThis.location ? globalThis.location.href : "";
    const done = () => {
      this.copyButton.textContent = this.L("explorer copied");
      setTimeout(() => (this.copyButton.textContent = this.L("explorer copy link")), 1500);
    };
    if (navigator.clipboard && globalThis.isSecureContext) navigator.clipboard.writeText(url).then(done, done);
    else {
      const area = h("textarea", {}, url);
      document.body.append(area);
      area.select();
      try {
        document.execCommand("copy");
      } catch (err) {
        /* nothing to copy into */
      }
      area.remove();
      done();
    }
  }

  resized() {
    this.dirty.draw = true;
    this.mapDrawn = null; // a new pixel ratio, perhaps
    this.schedule();
  }

  // -- keeping the controls in step with the state -------------------------------------------
  syncControls() {
    if (!this.sections) this.buildControls();
    const lang = this.get("lang"),
      mode = this.get("mode"),
      exercise = mode === "exercise";
    this.root.lang = lang === "zh" ? "zh-Hans" : "en";
    for (const node of this.root.querySelectorAll("[data-label]")) node.textContent = this.L(node.dataset.label);
    this.title.textContent = this.L("explorer title");
    this.subtitle.textContent = this.L("explorer subtitle");
    const c = this.controls;
    for (const b of c.lang.buttons) {
      b.textContent = b.dataset.value === "en" ? "English" : "中文";
      b.setAttribute("aria-pressed", String(b.dataset.value === lang));
    }
    c.lang.wrap.setAttribute("aria-label", this.L("explorer language"));
    for (const b of c.mode.buttons) {
      b.textContent = this.L(`explorer mode ${b.dataset.value}`);
      b.setAttribute("aria-pressed", String(b.dataset.value === mode));
    }
    c.mode.wrap.setAttribute("aria-label", this.L("explorer mode"));
    if (this.copyButton) this.copyButton.textContent = this.L("explorer copy link");
    this.syncSurface();
    this.syncOptimizer();
    const S = this.surface();
    for (const name of ["steps", "seed"]) c[name].input.value = this.get(name);
    c.tol.set(this.get("tol") ?? S.tol);
    c.tol.zones.replaceChildren(
      this.get("tol") === null
        ? h("span", { class: "gdx-hint" }, `${this.L("explorer surface default")}: ${shown(S.tol)}`)
        : h(
            "button",
            { type: "button", class: "gdx-small", onclick: () => this.set({ tol: null, t: -1 }) },
            `${this.L("explorer surface default")}: ${shown(S.tol)}`,
          ),
    );
    c.speed.set(this.get("speed"));
    c.speed.zones.textContent = "";
    c.field.input.checked = this.get("field");
    c.internals.input.checked = this.get("internals");
    c.field.wrap.hidden = S.dim === 1;
    this.buttons.reset.replaceChildren(icon("reset"), this.L("explorer reset"));
    this.buttons.step.replaceChildren(icon("step"), this.L("explorer step"));
    this.buttons.play.replaceChildren(
      icon(this.playing ? "pause" : "play"),
      this.L(this.playing ? "explorer pause" : "explorer play"),
    );
    this.buttons.play.setAttribute("aria-pressed", String(this.playing));
    const lecture = this.get("lecture");
    this.root.classList.toggle("gdx-lecture", lecture);
    this.buttons.lecture.replaceChildren(icon("lecture"), this.L(lecture ? "explorer lecture leave" : "explorer lecture"));
    this.buttons.lecture.setAttribute("aria-pressed", String(lecture));
    // in lecture mode the rate sits beside Step and Play, the side column hidden
    const [home, after] = lecture ? [this.buttons.lecture.parentNode, this.buttons.lecture] : this.lrHome;
    if (c.lr.wrap.parentNode !== home) home.insertBefore(c.lr.wrap, after);
    this.counter.textContent = this.stepText();
    this.main.querySelector(".gdx-python summary").textContent = this.L("explorer python");
    this.main.querySelector(".gdx-keys").textContent = this.L("explorer keys");
    this.code.textContent = this.python();
    this.sections.exercise.hidden = !exercise;
    this.sections.optimizer.hidden = false;
    c.optimizer.wrap.hidden = exercise;
    c.racers.wrap.hidden = mode !== "race";
    c.hyper.wrap.hidden = exercise;
    this.syncExercise();
    const hidden = new Set(this.get("hide"));
    for (const [name, ctl] of Object.entries(c)) if (hidden.has(name)) ctl.wrap.hidden = true;
    this.sections.surface.hidden = exercise || (hidden.has("surface") && hidden.has("start"));
    this.sections.layers.hidden = hidden.has("field") && hidden.has("internals");
    this.sections.run.hidden = ["steps", "tol", "seed"].every((n) => hidden.has(n));
    this.sections.mode.hidden = hidden.has("mode");
  }

  syncSurface() {
    const c = this.controls,
      S = this.surface(),
      key = this.surfaceKey(),
      i = this.get("lang") === "zh" ? 1 : 0;
    const select = c.surface.input;
    if (select.options.length !== this.data.order.length || select.dataset.lang !== this.get("lang")) {
      select.replaceChildren(
        ...this.data.order.map((k) => {
          const rec = this.data.surfaces[k];
          return h("option", { value: k }, rec.custom ? `${rec.title[i]}: ${k}` : rec.title[i]);
        }),
      );
      select.dataset.lang = this.get("lang");
    }
    select.value = key;
    const rec = this.data.surfaces[key];
    c.surface.formula.replaceChildren(
      rec.formula
        ? h("img", {
            src: rec.formula,
            alt: rec.text,
            class: "gdx-formula-img",
            onload: (e) => (e.target.style.width = `${e.target.naturalWidth / 2}px`),
          })
        : h("code", {}, rec.text),
    );
    const start = this.start();
    c.start.names.forEach((n, k) => (n.textContent = S.vars[k] || ""));
    c.start.inputs.forEach((input, k) => {
      input.hidden = k >= S.dim;
      input.setAttribute("aria-label", `${this.L("start")} ${S.vars[k] || ""}`);
      if (document.activeElement !== input && k < S.dim) input.value = Number(start[k].toPrecision(6));
    });
    c.start.names[1].hidden = S.dim === 1;
    c.start.reset.textContent = this.L("explorer default start");
    c.start.reset.disabled = this.get("start") === null;
    const unknown = this.get("surface") !== key && this.get("mode") !== "exercise";
    c.surface.formula.title = unknown ? `${this.L("explorer unknown surface")}: ${this.get("surface")}` : "";
  }

  syncOptimizer() {
    const c = this.controls,
      names = Object.keys(this.data.optimizers),
      i = this.get("lang") === "zh" ? 1 : 0;
    const select = c.optimizer.input,
      mode = this.get("mode"),
      racers = this.racers();
    const choices = mode === "race" ? racers : names;
    if (select.dataset.key !== `${choices}|${i}`) {
      select.replaceChildren(...choices.map((n) => h("option", { value: n }, this.data.optimizers[n].label[i])));
      select.dataset.key = `${choices}|${i}`;
    }
    select.value = this.focus();
    c.optimizer.label.textContent = this.L(mode === "race" ? "explorer edit racer" : "explorer optimizer");
    c.optimizer.label.classList.toggle("gdx-sr", mode !== "race");
    for (const chip of c.racers.chips) {
      const name = chip.dataset.value,
        on = racers.includes(name);
      chip.lastChild.textContent = this.data.optimizers[name].label[i];
      chip.setAttribute("aria-pressed", String(on));
      chip.classList.toggle("gdx-focus", name === this.focus() && mode === "race");
    }
    c.lr.set(this.get("lr"));
    this.syncZones();
    this.syncHyper();
    const missing = Object.keys(this.data.missing || {});
    this.missingNote.hidden = !missing.length;
    this.missingNote.textContent = missing.length ? `${this.L("explorer missing")}: ${missing.join(", ")}` : "";
  }

  syncZones() {
    const c = this.controls.lr,
      reg = this.regime,
      name = this.focus();
    const lo = Math.log10(this.prop.get("lr").min),
      hi = Math.log10(this.prop.get("lr").max);
    const at = (v) => `${(100 * (Math.log10(Math.min(Math.max(v, 10 ** lo), 10 ** hi)) - lo)) / (hi - lo)}%`;
    const gdLike = name === "gd" || name === "sgd";
    const solved = this.attempts.some((a) => a.status === "converged" && a.steps === 1);
    const show = reg && gdLike && (this.get("mode") !== "exercise" || solved);
    const col = this.data.style.regimes;
    if (show) {
      // the track painted with the regimes: each zone from its lowest rate to its highest
      const zones = [
        ["too small", 0, reg.band[0]],
        ["goldilocks", reg.band[0], reg.band[1]],
        ["too large", reg.band[1], reg.diverge],
        ["diverges", reg.diverge, Infinity],
      ];
      const stops = zones.map(([k, a, b]) => `${col[k]} ${at(a)} ${at(b)}`);
      c.range.style.setProperty("--track", `linear-gradient(to right, ${stops.join(", ")})`);
    } else {
      c.range.style.setProperty("--track", "");
    }
    c.range.classList.toggle("gdx-zoned", !!show);
    if (!show) {
      c.zones.replaceChildren(
        h(
          "span",
          { class: "gdx-hint" },
          this.get("mode") === "exercise"
            ? this.L("explorer zones hidden")
            : reg
              ? this.L("explorer zones gd only")
              : this.L("explorer zones none"),
        ),
      );
      return;
    }
    const lr = this.get("lr"),
      regime = reg.classify(lr);
    const pill = h("span", { class: "gdx-pill", style: `background:${col[regime]}` }, this.L(regime));
    const f = (v) => shown(Number(v.toPrecision(2)));
    c.zones.replaceChildren(
      pill,
      h(
        "span",
        { class: "gdx-hint" },
        ` ${this.L("goldilocks")} ${f(reg.band[0])}–${f(reg.band[1])} · ${this.L("diverges")} ≥ ${f(reg.diverge)} · L = ${gfmt(reg.L, 3)}`,
      ),
    );
  }

  syncHyper() {
    const name = this.focus(),
      entry = this.data.optimizers[name],
      box = this.controls.hyper.wrap;
    const hyper = this.get("hyper"),
      i = this.get("lang") === "zh" ? 1 : 0,
      S = this.surface();
    const key = `${name}|${i}|${S.n || 0}|${this.get("mode")}`;
    if (box.dataset.key !== key) {
      box.dataset.key = key;
      const items = entry.hyper.filter((hp) => hp.name !== "lr" && (hp.name !== "batch_size" || S.n));
      const make = (hp) => this.hyperControl(name, hp);
      const primary = items.filter((hp) => hp.primary).map(make);
      const rest = items.filter((hp) => !hp.primary).map(make);
      this.hyperControls = [...primary, ...rest];
      const rule = h("pre", { class: "gdx-rule" }, entry.rule);
      const more = rest.length
        ? h(
            "details",
            { class: "gdx-morehp" },
            h("summary", {}, this.L("explorer more hyperparameters")),
            rest.map((c) => c.wrap),
          )
        : null;
      box.replaceChildren(
        ...primary.map((c) => c.wrap),
        more || "",
        h("details", { class: "gdx-rulebox" }, h("summary", {}, this.L("the rule")), rule),
        h(
          "button",
          { type: "button", class: "gdx-small", onclick: () => this.set({ hyper: {}, t: -1 }) },
          this.L("explorer defaults"),
        ),
      );
    }
    for (const c of this.hyperControls) c.sync(hyper);
  }

  hyperControl(name, hp) {
    const label = `${hp.label[this.get("lang") === "zh" ? 1 : 0]}`;
    const commit = (v) => {
      const hyper = this.get("hyper");
      if (v === hp.default || (v !== null && hp.default !== null && Math.abs(v - hp.default) < 1e-15))
        delete hyper[hp.name];
      else hyper[hp.name] = v;
      this.set({ hyper, t: this.get("mode") === "exercise" ? 0 : -1 });
    };
    const id = `gdx-hp-${name}-${hp.name}-${Math.random().toString(36).slice(2, 6)}`;
    const title = h("label", { for: id, id: `${id}-label` }, label, h("code", { class: "gdx-py" }, hp.name));
    if (hp.type === "bool") {
      const input = h("input", { type: "checkbox", id, onchange: () => commit(input.checked) });
      return {
        wrap: h(
          "div",
          { class: "gdx-field" },
          h("label", { class: "gdx-check" }, input, h("span", {}, label, h("code", { class: "gdx-py" }, hp.name))),
        ),
        sync: (hy) => (input.checked = hy[hp.name] ?? hp.default),
      };
    }
    if (hp.log) {
      const c = this.logSlider({ ...hp, label: "" }, commit, { value: () => this.get("hyper")[hp.name] ?? hp.default });
      c.label.replaceWith(title);
      c.range.id = id;
      c.box.setAttribute("aria-labelledby", title.id);
      c.zones.remove();
      return { wrap: c.wrap, sync: (hy) => c.set(hy[hp.name] ?? hp.default) };
    }
    const S = this.surface();
    const full = hp.name === "batch_size";
    const max = full ? S.n + 1 : hp.max;
    const range = h("input", { type: "range", id, min: hp.min, max, step: hp.step ?? "any" });
    const box = h("input", {
      type: "number",
      class: "gdx-num",
      min: hp.min,
      max: full ? S.n : hp.max,
      step: hp.step ?? "any",
      "aria-labelledby": `${id}-label`,
    });
    const value = (v) => (full && v > S.n ? null : v);
    range.addEventListener("input", () => commit(value(Number(range.value))));
    box.addEventListener("change", () => {
      const v = Number(box.value);
      if (box.value === "" && full) commit(null);
      else if (Number.isFinite(v) && v >= hp.min && (hp.max === null || v <= hp.max))
        commit(value(hp.type === "int" ? Math.round(v) : v));
    });
    const wrap = h("div", { class: "gdx-field gdx-logfield" }, title, box, range);
    return {
      wrap,
      sync: (hy) => {
        const v = hp.name in hy ? hy[hp.name] : hp.default;
        range.value = v === null ? max : v;
        if (document.activeElement !== box) box.value = v === null ? "" : v;
        box.placeholder = full ? this.L("full batch") : "";
        range.setAttribute("aria-valuetext", v === null ? this.L("full batch") : String(v));
      },
    };
  }

  syncExercise() {
    if (this.get("mode") !== "exercise") return;
    const lr = this.get("lr");
    const task = (key, rate) =>
      h(
        "li",
        {},
        h("span", {}, this.L(key)),
        rate === undefined
          ? ""
          : h(
              "button",
              {
                type: "button",
                class: `gdx-small${lr === rate ? " gdx-on" : ""}`,
                onclick: () => this.set({ lr: rate, t: 0 }),
              },
              `lr = ${rate}`,
            ),
      );
    const rows = this.attempts
      .slice()
      .sort((a, b) => a.lr - b.lr)
      .map((a) =>
        h(
          "tr",
          {},
          h("td", {}, shown(a.lr)),
          h("td", {}, String(a.steps)),
          h("td", { class: `gdx-${a.status}` }, this.L(a.status)),
        ),
      );
    const solved = this.attempts.find((a) => a.status === "converged" && a.steps === 1);
    this.exerciseBox.replaceChildren(
      h(
        "ol",
        { class: "gdx-tasks" },
        task("explorer task 1", EXERCISE_RATES[0]),
        task("explorer task 2", EXERCISE_RATES[1]),
        task("explorer task 3", EXERCISE_RATES[2]),
        task("explorer task 4"),
      ),
      rows.length
        ? h(
            "table",
            { class: "gdx-attempts" },
            h(
              "thead",
              {},
              h("tr", {}, h("th", {}, this.L("lr")), h("th", {}, this.L("explorer steps taken")), h("th", {}, this.L("explorer status"))),
            ),
            h("tbody", {}, rows),
          )
        : h("p", { class: "gdx-hint" }, this.L("explorer attempts")),
      solved
        ? h(
            "p",
            { class: "gdx-success" },
            this.L("explorer solved").replace("{lr}", shown(solved.lr)).replace("{L}", gfmt(this.regime.L, 3)),
          )
        : "",
    );
  }

  stepText() {
    const t = this.shownStep(),
      n = this.longest;
    return this.get("mode") === "exercise" && t < n ? `${this.L("step")} ${t}` : `${this.L("step")} ${t} / ${n}`;
  }

  /** The focused run as Python: a gd.run call whose arguments are literals made from checked
      settings only (names from the optimizer's table, numbers as Python's repr prints them). */
  python() {
    const p = this.paths.find((x) => x.name === this.focus()) || this.paths[0];
    const entry = p && own(this.data.optimizers, p.name);
    if (!entry) return "";
    const rows = new Map(entry.hyper.map((row) => [row.name, row]));
    const args = [];
    for (const [k, v] of [["lr", p.lr], ...Object.entries(p.hyper).filter(([k]) => k !== "lr")]) {
      const row = rows.get(k),
        text = row && checkValue(row, v) !== undefined ? pyLiteral(v, row.type) : null;
      if (text !== null) args.push(`${k}=${text}`); // an unknown or bad one: nothing (the page says why)
    }
    const start = this.start().map((v) => pyLiteral(v, "number")),
      [steps, tol, seed] = ["steps", "tol", "seed"].map((k) => this.get(k));
    const extra = [`start=[${start.join(", ")}]`, `steps=${pyLiteral(steps, "int")}`];
    if (tol !== null) extra.push(`tol=${pyLiteral(tol, "number")}`);
    if (seed) extra.push(`seed=${pyLiteral(seed, "int")}`);
    if ([...start, pyLiteral(steps, "int"), pyLiteral(tol, "number"), pyLiteral(seed, "int")].includes(null)) return "";
    const name = pyLiteral(p.name, "text"),
      surface = this.data.surfaces[this.surfaceKey()].python;
    return [
      "import gdviz as gd",
      "",
      `traj = gd.run(gd.optimizer(${name}, ${args.join(", ")}),`,
      `              ${surface}, ${extra.join(", ")})`,
      "print(traj.status, traj.n_steps, traj.loss[-1])",
    ].join("\n");
  }

  // -- drawing ------------------------------------------------------------------------------
  canvas(cv, width, height) {
    const dpr = globalThis.devicePixelRatio || 1;
    if (cv.width !== Math.round(width * dpr) || cv.height !== Math.round(height * dpr)) {
      cv.width = Math.round(width * dpr);
      cv.height = Math.round(height * dpr);
      cv.style.width = `${width}px`;
      cv.style.height = `${height}px`;
    }
    const ctx = cv.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    return { ctx, dpr };
  }

  draw() {
    const S = this.surface();
    const win = this.window(S);
    const k = this.scale(),
      m = { l: 64 * k, r: 16, t: 14, b: 40 * k };
    const room = this.plotRoom(),
      // a curve's window is a weight and a loss: drawn 1.8 times as wide as tall
      aspect = S.dim === 1 ? 1.8 : (win[0][1] - win[0][0]) / (win[1][1] - win[1][0]),
      { width, height } = plotSize(room.width, room.height, aspect, m);
    this.layout.style.setProperty("--gdx-plotw", `${width}px`);
    const { ctx, dpr } = this.canvas(this.plot, width, height);
    const geom = (this.geom = {
      win,
      m,
      width,
      height,
      x: (v) => m.l + ((v - win[0][0]) / (win[0][1] - win[0][0])) * (width - m.l - m.r),
      y: (v) => m.t + ((win[1][1] - v) / (win[1][1] - win[1][0])) * (height - m.t - m.b),
      toData: (px, py) => [
        win[0][0] + ((px - m.l) / (width - m.l - m.r)) * (win[0][1] - win[0][0]),
        win[1][1] - ((py - m.t) / (height - m.t - m.b)) * (win[1][1] - win[1][0]),
      ],
    });
    ctx.font = `12px ${FONT}`;
    if (S.dim === 2) {
      ctx.drawImage(this.background(S, geom, dpr), 0, 0, width, height);
      if (this.get("field")) this.drawField(ctx, S, geom);
    } else {
      this.drawCurve(ctx, S, geom);
    }
    this.drawAxes(ctx, S, geom);
    ctx.save();
    ctx.beginPath();
    ctx.rect(m.l, m.t, width - m.l - m.r, height - m.t - m.b);
    ctx.clip();
    const T = this.shownStep();
    for (const p of this.paths)
      if (p.rec) (S.dim === 2 ? this.drawPath2 : this.drawPath1).call(this, ctx, S, geom, p, T);
    if (this.get("internals")) this.drawInternals(ctx, S, geom, T);
    this.drawMinima(ctx, S, geom);
    ctx.restore();
    for (const p of this.paths) if (p.rec) this.markDivergence(ctx, S, geom, p, T);
    this.plot.setAttribute("aria-label", this.describe());
    const mc = this.mapCase(),
      mapOn = Boolean(mc && !mc.why);
    this.mapBox.hidden = !mapOn;
    this.mapNote.hidden = !(mc && mc.why);
    this.mapNote.textContent = mc && mc.why ? this.L(mc.why) : "";
    const panel = Math.floor(this.panel.clientWidth || width),
      mapBeside = mapOn && panel >= 2 * MAP.width + 16,
      lossWidth = Math.max(200, mapBeside ? panel - MAP.width - 16 : panel);
    let lossHeight = mapBeside ? MAP.height : 170;
    if (room.beside) lossHeight = this.get("lecture") ? Math.min(height, Math.round(0.9 * lossWidth)) : mapOn ? 180 : 230;
    this.drawLoss(lossWidth, T, lossHeight);
    // the map does not change with the step shown: drawn again only when what it shows changes
    const mapKey = mapOn && JSON.stringify([mc.name, mc.lambdas, this.get("lr"), mc.hp.momentum, this.get("lang")]);
    if (mapOn && mapKey !== this.mapDrawn) this.drawMap(mc);
    this.mapDrawn = mapKey;
    this.syncReadout(T);
    this.counter.textContent = this.stepText();
  }

  /** The room the plot may take (CSS pixels): the column's width, less the panel's (at least the
      momentum map's width) when that stands beside it (explorer.css's --gdx-beside); at most 560 px
      tall, and on a page of its own (or in lecture mode) on a laptop, at most what leaves the
      playback row (and, in one column out of lecture mode, the loss chart) in the window. A framed
      page grows its frame instead (page.py's HOST). */
  plotRoom() {
    const lecture = this.get("lecture"),
      beside = getComputedStyle(this.layout).getPropertyValue("--gdx-beside").trim() === "1",
      column = this.layout.clientWidth || 640;
    const width = Math.max(260, Math.min(lecture ? 1800 : 880, beside ? column - MAP.width - 16 : column));
    let height = lecture ? 1200 : 560;
    const alone = this.opts.page && globalThis.parent === globalThis;
    const narrow = getComputedStyle(this.main).order !== "0"; // one column: the plot first (explorer.css)
    if ((alone || lecture) && !narrow) {
      const box = this.plotBox.getBoundingClientRect(),
        below = (beside || lecture ? this.playback : this.lossCanvas).getBoundingClientRect().bottom - box.bottom;
      height = Math.min(height, Math.floor(globalThis.innerHeight - (box.top + globalThis.scrollY) - below - 14));
    }
    return { width, height: Math.max(260, height), beside };
  }

  window(S) {
    // the surface's bounds, grown to show a start placed outside them
    const s = this.start();
    return S.bounds
      .map(([lo, hi], i) => {
        const pad = 0.08 * (hi - lo);
        return [s[i] < lo ? s[i] - pad : lo, s[i] > hi ? s[i] + pad : hi];
      })
      .concat(S.dim === 1 ? [this.curveRange(S, S.bounds[0])] : []);
  }

  curveRange(S, [w0, w1]) {
    const s = this.start()[0];
    const lo = Math.min(w0, s),
      hi = Math.max(w1, s);
    let top = -Infinity,
      low = Infinity;
    for (let i = 0; i <= 200; i++) {
      const z = S.value([lo + ((hi - lo) * i) / 200]);
      if (Number.isFinite(z) && Math.abs(z) <= 1e300) {
        top = Math.max(top, z);
        low = Math.min(low, z);
      }
    }
    if (!Number.isFinite(top)) return [0, 1];
    low = Math.min(low, 0);
    return [low - 0.04 * (top - low), top + 0.1 * (top - low || 1)];
  }

  /** The filled contours and contour lines of a 2-D surface, drawn once per surface and size:
      the levels and band colours of the figures (gdviz.render.axes.draw_contours). */
  background(S, g, dpr) {
    const key = `${S.key}|${g.width}|${g.height}|${dpr}|${g.win.flat().join(",")}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const cv = document.createElement("canvas");
    cv.width = Math.round(g.width * dpr);
    cv.height = Math.round(g.height * dpr);
    const ctx = cv.getContext("2d");
    const x0 = Math.round(g.m.l * dpr),
      y0 = Math.round(g.m.t * dpr);
    const w = Math.round((g.width - g.m.l - g.m.r) * dpr),
      hgt = Math.round((g.height - g.m.t - g.m.b) * dpr);
    const img = ctx.createImageData(w, hgt),
      px = img.data;
    const levels = S.levels,
      colours = S.colours.map(rgb);
    const band = (z) => {
      let lo = 0,
        hi = levels.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (levels[mid] <= z) lo = mid + 1;
        else hi = mid;
      }
      return Math.min(Math.max(lo - 1, 0), colours.length - 1);
    };
    const [[a0, a1], [b0, b1]] = g.win;
    for (let j = 0; j < hgt; j++) {
      const y = b1 - ((j + 0.5) / hgt) * (b1 - b0);
      for (let i = 0; i < w; i++) {
        const z = S.value([a0 + ((i + 0.5) / w) * (a1 - a0), y]);
        const c = Number.isFinite(z) ? colours[band(z)] : [255, 255, 255];
        const o = 4 * (j * w + i);
        px[o] = c[0];
        px[o + 1] = c[1];
        px[o + 2] = c[2];
        px[o + 3] = 255;
      }
    }
    ctx.putImageData(img, x0, y0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.contourLines(ctx, S, g);
    if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value); // keep the last few surfaces
    this.cache.set(key, cv); // switching back is instant
    return cv;
  }

  contourLines(ctx, S, g) {
    const n = 160,
      [[a0, a1], [b0, b1]] = g.win;
    const xs = linspace(a0, a1, n),
      ys = linspace(b0, b1, n);
    const Z = ys.map((y) => xs.map((x) => S.value([x, y])));
    ctx.strokeStyle = this.data.style.contour_line;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = 0.8;
    ctx.beginPath();
    for (const lv of S.levels) {
      for (let j = 0; j < n - 1; j++) {
        for (let i = 0; i < n - 1; i++) {
          const c = [Z[j][i], Z[j][i + 1], Z[j + 1][i + 1], Z[j + 1][i]];
          if (!c.every(Number.isFinite)) continue;
          const idx = (c[0] >= lv) | ((c[1] >= lv) << 1) | ((c[2] >= lv) << 2) | ((c[3] >= lv) << 3);
          if (idx === 0 || idx === 15) continue;
          const P = [
            [xs[i], ys[j]],
            [xs[i + 1], ys[j]],
            [xs[i + 1], ys[j + 1]],
            [xs[i], ys[j + 1]],
          ];
          const edge = (a, b) => {
            const f = (lv - c[a]) / (c[b] - c[a]);
            return [g.x(P[a][0] + f * (P[b][0] - P[a][0])), g.y(P[a][1] + f * (P[b][1] - P[a][1]))];
          };
          const E = [edge(0, 1), edge(1, 2), edge(2, 3), edge(3, 0)];
          const mid = (c[0] + c[1] + c[2] + c[3]) / 4 >= lv;
          const segs = {
            1: [[3, 0]],
            2: [[0, 1]],
            3: [[3, 1]],
            4: [[1, 2]],
            5: mid
              ? [
                  [3, 2],
                  [0, 1],
                ]
              : [
                  [3, 0],
                  [1, 2],
                ],
            6: [[0, 2]],
            7: [[3, 2]],
            8: [[2, 3]],
            9: [[0, 2]],
            10: mid
              ? [
                  [0, 3],
                  [1, 2],
                ]
              : [
                  [0, 1],
                  [2, 3],
                ],
            11: [[1, 2]],
            12: [[1, 3]],
            13: [[0, 1]],
            14: [[0, 3]],
          }[idx];
          for (const [a, b] of segs) {
            ctx.moveTo(...E[a]);
            ctx.lineTo(...E[b]);
          }
        }
      }
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  drawField(ctx, S, g) {
    // the direction of -grad L on a 15 x 15 grid, arrows of equal length (gdviz.render.axes.draw_field)
    const n = 15,
      [[a0, a1], [b0, b1]] = g.win;
    const cell = Math.min((a1 - a0) / (n + 1), (b1 - b0) / (n + 1)) * 0.4;
    ctx.strokeStyle = ctx.fillStyle = this.data.style.field;
    ctx.globalAlpha = 0.6;
    ctx.lineWidth = 1.1;
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= n; j++) {
        const x = a0 + ((a1 - a0) * i) / (n + 1),
          y = b0 + ((b1 - b0) * j) / (n + 1);
        const gr = S.grad([x, y]),
          norm = Math.hypot(gr[0], gr[1]);
        if (!(norm > 0) || !Number.isFinite(norm)) continue;
        this.arrow(ctx, [g.x(x), g.y(y)], [g.x(x - (gr[0] / norm) * cell), g.y(y - (gr[1] / norm) * cell)], 5);
      }
    }
    ctx.globalAlpha = 1;
  }

  arrow(ctx, a, b, head = 8, dashed = false) {
    const dx = b[0] - a[0],
      dy = b[1] - a[1],
      len = Math.hypot(dx, dy);
    if (!(len > 0.5)) return;
    const ux = dx / len,
      uy = dy / len,
      hl = Math.min(head, len * 0.6);
    ctx.save();
    if (dashed) ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0] - ux * hl * 0.6, b[1] - uy * hl * 0.6);
    ctx.stroke();
    ctx.restore();
    ctx.beginPath();
    ctx.moveTo(b[0], b[1]);
    ctx.lineTo(b[0] - ux * hl - uy * hl * 0.45, b[1] - uy * hl + ux * hl * 0.45);
    ctx.lineTo(b[0] - ux * hl + uy * hl * 0.45, b[1] - uy * hl - ux * hl * 0.45);
    ctx.closePath();
    ctx.fill();
  }

  /** An arrowhead at b, pointing away from a. */
  head(ctx, a, b, size) {
    const dx = b[0] - a[0],
      dy = b[1] - a[1],
      len = Math.hypot(dx, dy) || 1,
      ux = dx / len,
      uy = dy / len;
    ctx.beginPath();
    ctx.moveTo(b[0], b[1]);
    ctx.lineTo(b[0] - ux * size - uy * size * 0.45, b[1] - uy * size + ux * size * 0.45);
    ctx.lineTo(b[0] - ux * size + uy * size * 0.45, b[1] - uy * size - ux * size * 0.45);
    ctx.closePath();
    ctx.fill();
  }

  drawAxes(ctx, S, g) {
    const { m, width, height, win } = g,
      st = this.data.style,
      k = this.scale();
    ctx.strokeStyle = "#b8b8b8";
    ctx.lineWidth = 1;
    ctx.strokeRect(m.l + 0.5, m.t + 0.5, width - m.l - m.r - 1, height - m.t - m.b - 1);
    ctx.fillStyle = st.muted;
    ctx.font = `${11 * k}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const xt = ticks(win[0][0], win[0][1], Math.max(3, Math.round(width / 110)));
    this.plotTicks = { x: [], y: [], size: 11 * k };
    for (const v of xt) {
      const x = g.x(v);
      ctx.fillRect(x, height - m.b, 1, 4);
      ctx.fillText(tickText(v, xt[1] - xt[0] || 1), x, height - m.b + 6);
      this.plotTicks.x.push(tickText(v, xt[1] - xt[0] || 1));
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    const yt = ticks(win[1][0], win[1][1], Math.max(3, Math.round(height / 90)));
    for (const v of yt) {
      const y = g.y(v);
      ctx.fillRect(m.l - 4, y, 4, 1);
      ctx.fillText(tickText(v, yt[1] - yt[0] || 1), m.l - 7, y);
      this.plotTicks.y.push(tickText(v, yt[1] - yt[0] || 1));
    }
    ctx.fillStyle = st.ink;
    ctx.font = `italic ${13 * k}px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    const xname = S.dim === 1 && S.vars[0] === "w" ? this.L("weight") : S.vars[0];
    ctx.fillText(xname, m.l + (width - m.l - m.r) / 2, height - 2);
    ctx.save();
    ctx.translate(16 * k, m.t + (height - m.t - m.b) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(S.dim === 1 ? this.L("loss") : S.vars[1], 0, 0);
    ctx.restore();
  }

  drawCurve(ctx, S, g) {
    const [w0, w1] = g.win[0];
    ctx.strokeStyle = "#444444";
    ctx.lineWidth = 2;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i <= 400; i++) {
      const w = w0 + ((w1 - w0) * i) / 400,
        z = S.value([w]);
      if (!Number.isFinite(z) || Math.abs(z) > 1e300) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(g.x(w), g.y(z));
      else ctx.moveTo(g.x(w), g.y(z));
      pen = true;
    }
    ctx.stroke();
  }

  star(ctx, x, y, r, fill, edge) {
    ctx.beginPath();
    for (let k = 0; k < 10; k++) {
      const a = -Math.PI / 2 + (k * Math.PI) / 5,
        rr = k % 2 ? r * 0.45 : r;
      ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.strokeStyle = edge;
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  drawMinima(ctx, S, g) {
    S.minima.forEach((mn, k) => {
      const x = g.x(mn[0]),
        y = g.y(S.dim === 1 ? S.value(mn) : mn[1]);
      if (k === 0 && S.global) this.star(ctx, x, y, 11, this.data.style.star, "#333333");
      else this.star(ctx, x, y, 6.5, "#333333", "#ffffff");
    });
    for (const sd of S.saddles || []) {
      const x = g.x(sd[0]),
        y = g.y(sd[1]);
      ctx.strokeStyle = "#333333";
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      ctx.moveTo(x - 5, y);
      ctx.lineTo(x, y - 5);
      ctx.lineTo(x + 5, y);
      ctx.lineTo(x, y + 5);
      ctx.closePath();
      ctx.stroke();
    }
  }

  /** A 2-D path: a faint whole path, the part played so far over it, start and current point. */
  drawPath2(ctx, S, g, p, T) {
    const P = p.rec.params,
      n = Math.min(T, P.length - 1);
    const pts = P.map(([a, b]) => [g.x(a), g.y(b)]);
    const ghost = n < P.length - 1 && this.get("mode") !== "exercise";
    const line = (k0, k1) => {
      ctx.beginPath();
      for (let k = k0; k <= k1; k++) (k === k0 ? ctx.moveTo : ctx.lineTo).call(ctx, pts[k][0], pts[k][1]);
    };
    ctx.lineJoin = ctx.lineCap = "round";
    if (ghost) {
      ctx.globalAlpha = 0.35;
      ctx.setLineDash([5, 4]);
      ctx.strokeStyle = p.colour;
      ctx.lineWidth = 1.4;
      line(n, P.length - 1);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    if (n > 0) {
      line(0, n);
      ctx.strokeStyle = "rgba(255,255,255,0.85)";
      ctx.lineWidth = 4.6;
      ctx.stroke();
      ctx.strokeStyle = p.colour;
      ctx.lineWidth = 2.1;
      ctx.setLineDash(dashFor(this.data.style.dashes, p.colour, ctx.lineWidth));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = p.colour;
    if (P.length <= 81) for (let k = 1; k < n; k++) dot(ctx, pts[k], 2.6, p.colour, "white", 0.8);
    ctx.strokeStyle = p.colour;
    ctx.fillStyle = p.colour;
    let drawn = 0;
    for (let k = 0; k < Math.min(n, 60) && drawn < 8; k++) {
      const [a, b] = [pts[k], pts[k + 1]];
      if (Math.hypot(b[0] - a[0], b[1] - a[1]) < 18) continue;
      ctx.lineWidth = 1.6;
      this.arrow(ctx, a, [b[0] - (b[0] - a[0]) * 0.08, b[1] - (b[1] - a[1]) * 0.08], 8);
      drawn++;
    }
    dot(ctx, pts[0], 5.5, "white", p.colour, 2.2);
    dot(ctx, pts[n], n === P.length - 1 ? 5 : 6, p.colour, "white", 1.5);
  }

  /** A 1-D path: the points visited on the loss curve, an arc from each to the next. */
  drawPath1(ctx, S, g, p, T) {
    const P = p.rec.params,
      L = p.rec.loss,
      n = Math.min(T, P.length - 1);
    const pts = P.map((w, k) => [g.x(w[0]), g.y(L[k])]);
    const ghost = n < P.length - 1 && this.get("mode") !== "exercise";
    ctx.strokeStyle = ctx.fillStyle = p.colour;
    const arc = (a, b) => {
      // a hop, raised like a thrown ball's (gdviz.render.geometry.hop)
      const mx = (a[0] + b[0]) / 2;
      const c = [mx, Math.min(a[1], b[1]) - 0.3 * Math.hypot(b[0] - a[0], b[1] - a[1])];
      ctx.beginPath();
      ctx.moveTo(...a);
      ctx.quadraticCurveTo(c[0], c[1], b[0], b[1]);
      ctx.stroke();
      return c;
    };
    for (let k = 0; k < P.length - 1; k++) {
      if (k >= n && !ghost) break;
      const [a, b] = [pts[k], pts[k + 1]];
      if (Math.hypot(b[0] - a[0], b[1] - a[1]) < 3) continue;
      ctx.globalAlpha = k >= n ? 0.3 : 1;
      ctx.lineWidth = 1.4;
      ctx.setLineDash(dashFor(this.data.style.dashes, p.colour, ctx.lineWidth));
      const c = arc(a, b);
      ctx.setLineDash([]);
      if (k < n && k < 40) this.head(ctx, c, b, 8);
    }
    ctx.globalAlpha = 1;
    for (let k = 1; k < n; k++) dot(ctx, pts[k], 4, p.colour, "white", 1);
    dot(ctx, pts[0], 6, "white", p.colour, 2.2);
    dot(ctx, pts[n], 7, p.colour, "white", 1.6);
  }

  markDivergence(ctx, S, g, p, T) {
    if (p.rec.status !== "diverged") return;
    const P = p.rec.params,
      n = Math.min(T, P.length - 1);
    const win = S.dim === 1 ? [g.win[0]] : g.win.slice(0, 2);
    const [i, edge] = firstExit(P.slice(0, n + 1), win);
    if (i === null) return;
    const st = this.data.style;
    const x = g.x(edge[0]),
      y = S.dim === 1 ? g.m.t + 26 : g.y(edge[1]);
    if (S.dim === 2) {
      const a = [g.x(P[i - 1][0]), g.y(P[i - 1][1])],
        d = [x - a[0], y - a[1]],
        len = Math.hypot(...d) || 1;
      ctx.strokeStyle = ctx.fillStyle = st.diverged;
      ctx.lineWidth = 2.4;
      this.arrow(ctx, [x - (d[0] / len) * 34, y - (d[1] / len) * 34], [x, y], 12);
    }
    const text = `${this.L("diverged")}${this.get("lang") === "en" ? " ✕" : " ✕"}`;
    ctx.font = `bold 12px ${FONT}`;
    const w = ctx.measureText(text).width + 12;
    const cx = Math.min(Math.max(x - (x - g.width / 2) * 0.25, g.m.l + w / 2 + 4), g.width - g.m.r - w / 2 - 4);
    const cy = Math.min(Math.max(y - (y - g.height / 2) * 0.2, g.m.t + 14), g.height - g.m.b - 14);
    ctx.fillStyle = "white";
    ctx.strokeStyle = st.diverged;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.roundRect ? ctx.roundRect(cx - w / 2, cy - 11, w, 22, 5) : ctx.rect(cx - w / 2, cy - 11, w, 22);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = st.diverged;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, cx, cy);
  }

  /** What the focused optimizer's update at the shown step is made of (gdviz.internals). */
  drawInternals(ctx, S, g, T) {
    const p = this.paths.find((x) => x.name === this.focus()) || this.paths[0];
    this.inside = null;
    if (!p || !p.rec || p.rec.params.length < 2) return;
    const t = Math.min(T, p.rec.params.length - 2);
    const ins = (this.inside = { ...internalsAt(p.rec, p.name, p.hp, t), t, name: p.name });
    const st = this.data.style,
      P = p.rec.params[t];
    const at = (v) => (S.dim === 2 ? [g.x(v[0]), g.y(v[1])] : [g.x(v[0]), g.y(p.rec.loss[t])]);
    const add = (a, b) => a.map((x, i) => x + b[i]);
    const draw = (a, b, colour, lw = 2, dashed = false) => {
      ctx.strokeStyle = ctx.fillStyle = colour;
      ctx.lineWidth = lw;
      this.arrow(ctx, at(a), at(b), 10, dashed);
    };
    if (S.dim === 1) {
      // the course's picture: the tangent, and the step along w
      const [w0, w1] = g.win[0],
        half = 0.16 * (w1 - w0),
        w = P[0],
        y = p.rec.loss[t],
        gr = p.rec.grads[t][0];
      ctx.save();
      ctx.setLineDash([6, 4]);
      ctx.strokeStyle = st.push;
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      ctx.moveTo(g.x(w - half), g.y(y - gr * half));
      ctx.lineTo(g.x(w + half), g.y(y + gr * half));
      ctx.stroke();
      ctx.restore();
    }
    if (ins.lookahead) {
      draw(ins.position, ins.lookahead, st.carried);
      dot(ctx, at(ins.lookahead), 4.5, "white", st.push, 1.6);
      draw(ins.lookahead, add(ins.lookahead, ins.push), st.push);
    } else if (ins.carried && ins.carried.some((v) => v !== 0)) {
      const c = add(P, ins.carried);
      draw(P, c, st.carried);
      draw(c, add(c, ins.push), st.push);
      draw(P, add(P, ins.push), st.push, 1, true);
      draw(add(P, ins.push), add(add(P, ins.push), ins.carried), st.carried, 1, true);
      draw(P, add(P, ins.step), st.step, 2.4);
    } else if (ins.effective_lr) {
      const shownLr = ins.effective_lr,
        span = Math.min(...g.win.slice(0, S.dim).map(([a, b]) => b - a));
      const top = Math.max(...shownLr, 1e-300),
        half = shownLr.map((v) => (v * 0.12 * span) / top);
      ctx.strokeStyle = st.box;
      ctx.lineWidth = 1.3;
      if (S.dim === 2) {
        const a = at([P[0] - half[0], P[1] + half[1]]),
          b = at([P[0] + half[0], P[1] - half[1]]);
        ctx.strokeRect(a[0], a[1], b[0] - a[0], b[1] - a[1]);
      }
      draw(P, add(P, ins.step), st.step, 2.4);
    } else {
      draw(P, add(P, ins.step), S.dim === 1 ? st.carried : st.step, 2.4);
    }
  }

  /** Loss against steps, every path, the part not yet played faint; log scale over decades. */
  drawLoss(width, T, height = 170) {
    const { ctx } = this.canvas(this.lossCanvas, width, height),
      exercise = this.get("mode") === "exercise";
    this.lossDrawn = drawLossChart(ctx, {
      width,
      height,
      T,
      runs: this.paths.filter((p) => p.rec).map((p) => ({ colour: p.colour, loss: p.rec.loss, status: p.rec.status })),
      // in the exercise the axis grows with the steps taken: it must not tell the count
      N: exercise && T < this.longest ? Math.max(10, Math.ceil(T * 1.5)) : this.longest,
      ahead: exercise ? 0 : 0.3,
      style: this.data.style,
      labels: { step: this.L("step"), loss: this.L("loss"), log: this.L("log scale") },
      k: this.scale(),
    });
    this.lossCanvas.setAttribute("aria-label", `${this.L("loss")} / ${this.L("step")}`);
  }

  status(p, n) {
    const rec = p.rec;
    if (!rec) return this.L("explorer error");
    const at = n >= rec.params.length - 1;
    if (!at) return this.L("explorer running");
    if (rec.status === "converged" && own(this.data.labels, `explorer stop ${rec.reason}`))
      return this.L(`explorer stop ${rec.reason}`).replace("{n}", rec.stop);
    if (rec.status === "converged") return this.L("explorer converged at").replace("{n}", rec.stop);
    if (rec.status === "diverged") return this.L("explorer diverged at").replace("{n}", rec.stop);
    return this.L("explorer stopped at").replace("{n}", rec.stop);
  }

  /** A finishing place as the page says it: 1st, 2nd, 3rd, 4th... / 第 1 名. */
  place(n) {
    if (this.get("lang") === "zh") return this.L("explorer place").replace("{n}", n);
    const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] || "th";
    return `${n}${suffix}`;
  }

  syncReadout(T) {
    const S = this.surface(),
      lang = this.get("lang") === "zh" ? 1 : 0;
    const places = this.get("mode") === "race" ? finishOrder(this.paths, T) : new Map();
    const rows = this.paths.map((p) => {
      const name = this.data.optimizers[p.name].label[lang],
        place = places.get(p.name);
      if (!p.rec || p.error) {
        return h(
          "tr",
          {},
          h("th", {}, h("span", { class: "gdx-dot", style: `background:${p.colour}` }), name),
          h("td", { colspan: 4, class: "gdx-error" }, p.error || ""),
        );
      }
      const n = Math.min(T, p.rec.params.length - 1),
        g = p.rec.grads[n];
      return h(
        "tr",
        { "data-name": p.name, "data-place": place },
        h(
          "th",
          {},
          place ? h("span", { class: "gdx-place" }, this.place(place)) : null,
          h("span", { class: "gdx-dot", style: `background:${p.colour}` }),
          name,
          h("small", {}, ` lr ${shown(p.lr)}`),
        ),
        h("td", {}, `${n}`),
        h("td", {}, readout(p.rec.loss[n])),
        h("td", { class: "gdx-c-grad" }, vec(g)),
        h("td", { class: "gdx-c-pos" }, vec(p.rec.params[n])),
        h(
          "td",
          { class: `gdx-status gdx-${n >= p.rec.params.length - 1 ? p.rec.status : "running"}` },
          this.status(p, n),
        ),
      );
    });
    const head = h(
      "tr",
      {},
      ...["explorer optimizer", "step", "loss", "gradient", "explorer position", "explorer status"].map((k) =>
        h("th", { class: { gradient: "gdx-c-grad", "explorer position": "gdx-c-pos" }[k] || "" }, this.L(k)),
      ),
    );
    // a race: those who finished by the step shown first, in their order; the others after
    const rank = (i) => places.get(this.paths[i].name) ?? Infinity;
    const ordered = rows.map((_, i) => i).sort((i, j) => rank(i) - rank(j) || i - j);
    this.readoutBox.replaceChildren(h("table", {}, h("thead", {}, head), h("tbody", {}, ordered.map((i) => rows[i]))));
    this.legend.replaceChildren(
      ...this.paths.map((p) =>
        h(
          "span",
          { class: "gdx-key", "data-name": p.name },
          lineSwatch(p.colour, this.data.style.dashes),
          `${this.data.optimizers[p.name].label[lang]} (lr ${shown(p.lr)})`,
        ),
      ),
    );
    this.syncInside(S, lang);
    const rec = this.data.surfaces[this.surfaceKey()];
    const note = this.L(
      { exercise: "explorer exercise caption", race: "explorer try race" }[this.get("mode")] ||
        (S.dim === 1 || this.focus() === "gd" || this.focus() === "sgd"
          ? "explorer try single"
          : "explorer click to start"),
    );
    this.caption.replaceChildren(
      h("strong", {}, rec.custom ? `${rec.title[lang]}: ${rec.key}` : rec.title[lang]),
      h("span", { class: "gdx-hint" }, ` · ${note}`),
    );
  }

  syncInside(S, lang) {
    const ins = this.get("internals") ? this.inside : null;
    this.insideBox.hidden = !ins;
    if (!ins) return this.insideBox.replaceChildren();
    const st = this.data.style,
      key = (colour, label, dashed) =>
        h(
          "span",
          { class: "gdx-key" },
          h("span", { class: `gdx-swatch${dashed ? " gdx-dashed" : ""}`, style: `border-color:${colour}` }),
          this.L(label),
        );
    const keys = [];
    if (ins.lookahead) keys.push(key(st.carried, "to the look-ahead"), key(st.push, "push at the look-ahead"));
    else if (ins.carried)
      keys.push(key(st.carried, "carried velocity"), key(st.push, "gradient push"), key(st.step, "step taken"));
    else if (ins.effective_lr) keys.push(key(st.box, "effective step box"), key(st.step, "step taken"));
    else keys.push(key(S.dim === 1 ? st.carried : st.step, S.dim === 1 ? "gradient step" : "step = push"));
    if (S.dim === 1) keys.push(key(st.push, "tangent", true));
    const parts = [h("div", { class: "gdx-keys-row" }, h("strong", {}, `${this.L("update")} ${ins.t + 1}: `), keys)];
    if (ins.scale) {
      const p = this.paths.find((x) => x.name === ins.name),
        top = Math.max(1e-300, ...this.scaleMax(p));
      const squares = ins.scale.map((s, i) => {
        const side = Math.max(2, (46 * s) / top);
        return h(
          "div",
          { class: "gdx-square" },
          h("div", { class: "gdx-sq", style: `width:${side}px;height:${side}px;background:${st.box}` }),
          h("div", {}, h("em", {}, S.vars[i]), ` ${gfmt(s, 3)}`),
          h("div", { class: "gdx-hint" }, `${this.L("effective rate")} ${gfmt(ins.effective_lr[i], 3)}`),
        );
      });
      parts.push(
        h("div", { class: "gdx-squares" }, h("div", { class: "gdx-hint" }, this.L(`accumulator ${ins.name}`)), squares),
      );
    }
    this.insideBox.replaceChildren(...parts);
  }

  scaleMax(p) {
    if (!p || !p.rec) return [1];
    const tops = [];
    const n = p.rec.params.length - 1;
    for (let t = 0; t < n; t += Math.max(1, Math.floor(n / 200)))
      tops.push(...(internalsAt(p.rec, p.name, p.hp, t).scale || [0]));
    return tops;
  }

  describe() {
    const S = this.data.surfaces[this.surfaceKey()],
      lang = this.get("lang") === "zh" ? 1 : 0;
    const parts = this.paths.map(
      (p) =>
        `${this.data.optimizers[p.name].label[lang]} lr ${shown(p.lr)}: ${p.rec ? this.L(p.rec.status === "converged" ? "converged" : p.rec.status) : p.error}`,
    );
    return `${S.title[lang]}. ${this.L("start")} ${vec(this.start())}. ${parts.join("; ")}`;
  }

  // -- the momentum map: every (learning rate, beta) coloured by the theory's rate -------------
  /** What the map shows for the focused optimizer: null (hidden: neither momentum nor Nesterov,
      or the exercise), {why} (a label saying why there is no map), or {name, nesterov, hp,
      lambdas}: the Hessian's eigenvalues as the update sees them, (1 - dampening) (lambda +
      weight_decay), since it follows (1 - dampening) (g + weight_decay p). */
  mapCase() {
    const name = this.focus();
    if (this.get("mode") === "exercise" || (name !== "momentum" && name !== "nesterov")) return null;
    const rec = this.data.surfaces[this.surfaceKey()];
    if (!rec.curvatures) return { why: "explorer map needs quadratic" };
    const { lr, hyper } = this.settingsOf(name);
    let hp;
    try {
      hp = hyperparameters(this.data.optimizers[name], hyper, lr);
    } catch (e) {
      return null; // the read-out says what is wrong
    }
    if (rec.data && hp.batch_size != null && hp.batch_size < rec.data.x.length)
      return { why: "explorer map needs full batch" };
    const keep = 1 - (hp.dampening || 0),
      wd = hp.weight_decay || 0;
    return { name, nesterov: name === "nesterov", hp, lambdas: rec.curvatures.map((l) => keep * (l + wd)) };
  }

  /** The map's axes (heatmap.js: rateMapGeometry). */
  mapGeom(mc) {
    return rateMapGeometry(mc, this.prop.get("lr"), this.data.optimizers[mc.name].hyper.find((x) => x.name === "momentum"));
  }

  /** The rate of every cell and its picture (kept while the optimizer, the curvatures and the
      axes stay the same). */
  mapImage(mc, g) {
    return (this.mapCache = rateMapCells(mc, g, this.data.style.rates, this.mapCache));
  }

  /** The rate at the learner's (lr, beta) and what it means, in words. */
  mapText(mc) {
    const lr = this.get("lr"),
      beta = mc.hp.momentum,
      rate = momentumRate(lr, beta, mc.lambdas, mc.nesterov);
    const near = Math.abs(1 - rate), // enough digits to tell a rate from 1
      r = gfmt(rate, near > 0 && near < 0.01 ? Math.min(12, 2 + Math.ceil(-Math.log10(near))) : 3),
      n = stepsToShrink(rate);
    const key = rate < 1 ? "explorer map rate" : rate === 1 ? "explorer map stalls" : "explorer map diverges";
    const point = this.L("explorer map point").replace("{lr}", shown(lr)).replace("{beta}", shown(beta));
    const said = this.L(key)
      .replace("{rate}", r)
      .replace("{n}", n === null ? "" : n.toLocaleString("en-US"));
    return { rate, steps: n, text: `${point} → ${said}` };
  }

  drawMap(mc) {
    const { ctx } = this.canvas(this.mapCanvas, MAP.width, MAP.height),
      st = this.data.style,
      g = this.mapGeom(mc);
    drawRateMap(ctx, mc, g, this.mapImage(mc, g), {
      style: st,
      labels: { lr: `${this.L("hp lr")} α${this.L("log scale")}`, momentum: this.L("hp momentum") },
      lr: this.get("lr"),
      colour: this.data.optimizers[mc.name].colour,
    });
    const said = this.mapText(mc);
    this.mapCanvas.setAttribute("aria-label", `${this.L("explorer map label")}. ${said.text}`);
    this.mapTitle.replaceChildren(
      h("strong", {}, this.L("explorer map title")),
      h("div", { class: "gdx-hint" }, this.L("explorer map hint")),
    );
    const ramp = st.rates
      .filter(([r]) => r <= 1)
      .map(([r, c]) => `${c} ${100 * r}%`)
      .join(", ");
    this.mapLegend.replaceChildren(
      h(
        "span",
        { class: "gdx-key" },
        `${this.L("explorer map scale")} 0`,
        h("span", { class: "gdx-ramp", style: `background:linear-gradient(to right, ${ramp})` }),
        "1",
      ),
      h("span", { class: "gdx-key" }, h("span", { class: "gdx-sq gdx-black" }), this.L("explorer map diverges key")),
      h(
        "span",
        { class: "gdx-key" },
        h("span", { class: "gdx-swatch gdx-dashed", style: `border-color:${st.diverged}` }),
        this.L(`explorer map edge ${mc.name}`),
      ),
    );
    if (this.mapRate.textContent !== said.text) this.mapRate.textContent = said.text;
  }

  /** Set lr and beta from the map: lr to two significant digits, as the slider; beta to 0.001. */
  moveMap(lr, beta, mc) {
    const lrp = this.prop.get("lr"),
      bp = this.data.optimizers[mc.name].hyper.find((x) => x.name === "momentum"),
      floor = mc.nesterov ? 0.001 : bp.min; // Nesterov needs some momentum
    this.set({
      lr: Math.min(lrp.max, Math.max(lrp.min, nice2(lr))),
      hyper: { ...this.get("hyper"), momentum: Math.min(bp.max, Math.max(floor, Number(beta.toFixed(3)))) },
      t: -1,
    });
  }

  mapPointer(e, down) {
    const mc = this.mapCase();
    if (!mc || mc.why) return;
    const r = this.mapCanvas.getBoundingClientRect(),
      g = this.mapGeom(mc);
    const j = Math.floor(e.clientX - r.left - MAP.m.l),
      i = Math.floor(e.clientY - r.top - MAP.m.t);
    if (down) {
      if (j < 0 || j >= g.nx || i < 0 || i >= g.ny) return; // the axes, not the map
      this.mapDragging = true;
      if (this.mapCanvas.setPointerCapture && e.pointerId !== undefined) {
        try {
          this.mapCanvas.setPointerCapture(e.pointerId);
        } catch (err) {
          /* a synthetic event */
        }
      }
    }
    const clamp = (v, n) => Math.min(n - 1, Math.max(0, v));
    this.moveMap(g.lr(clamp(j, g.nx)), g.beta(clamp(i, g.ny)), mc);
  }

  /** Arrow keys on the map: left and right walk the round learning rates (PageUp, PageDown ten
      at a time), up and down move beta by 0.01 (with Shift 0.1). */
  mapKey(e) {
    const mc = this.mapCase();
    if (!mc || mc.why) return false;
    const across = { ArrowRight: 1, ArrowLeft: -1, PageUp: 10, PageDown: -10 },
      up = { ArrowUp: 1, ArrowDown: -1 };
    if (!Object.hasOwn(across, e.key) && !Object.hasOwn(up, e.key)) return false;
    const lr = this.get("lr"),
      beta = mc.hp.momentum;
    if (Object.hasOwn(across, e.key)) this.moveMap(niceStep(this.nice, lr, across[e.key]), beta, mc);
    else this.moveMap(lr, beta + up[e.key] * (e.shiftKey ? 0.1 : 0.01), mc);
    return true;
  }

  // -- the scripting and testing API (window.gdviz on the page) --------------------------------
  makeApi() {
    const view = this;
    const settle = () => (view.dirty.run || view.dirty.controls || view.dirty.draw) && view.flush(); // what the UI changed
    return {
      /** Change settings: {surface, optimizer, lr, start, steps, hyper, ...} (Python's names), as
          the controls do: another mode, optimizer or surface brings what it implies (the
          exercise's gd, the optimizer's own settings, the surface's start and rates), then the
          other values are set. All are checked first: a bad one throws an Error naming it and
          what is accepted, and nothing changes. */
      set(changes) {
        const { mode, optimizer, surface, ...rest } = view.checkChanges(changes),
          exercise = mode === "exercise" && view.get("mode") !== "exercise"; // it starts at step 0
        if (mode !== undefined && mode !== view.get("mode")) view.setMode(mode);
        if (optimizer !== undefined && optimizer !== view.focus()) view.focusOn(optimizer);
        if (surface !== undefined && surface !== view.get("surface")) view.set(view.onSurface(surface));
        if (!Object.hasOwn(rest, "t") && !exercise) rest.t = -1;
        view.set(rest);
        view.flush();
        return this.state();
      },
      /** The focused path (or the racer `name`): params, loss, grads, state, status, stop. */
      path(name) {
        settle();
        const p = view.paths.find((x) => x.name === (name || view.focus())) || view.paths[0];
        if (!p) return null;
        if (!p.rec) return { params: [], loss: [], status: "error", error: p.error };
        const { params, loss, grads, state, status, reason, stop, error } = p.rec;
        return { params, loss, grads, state, status, reason, stop, error, lr: p.lr, hyper: p.hp };
      },
      /** Every path shown, by optimizer. */
      paths() {
        return Object.fromEntries(view.paths.map((p) => [p.name, this.path(p.name)]));
      },
      /** Every setting. */
      state() {
        settle();
        return Object.fromEntries(view.props.map((p) => [p.name, view.get(p.name)]));
      },
      /** The learning-rate zones at the start (gdviz.analysis.regimes). */
      regimes() {
        settle();
        const r = view.regime;
        return r && { L: r.L, mu: r.mu, goldilocks: r.goldilocks, diverge: r.diverge, band: r.band };
      },
      /** What update `t` (0, 1, ... of the focused path) is made of (gdviz.internals). */
      internals: (t) => {
        settle();
        const p = view.paths.find((x) => x.name === view.focus()),
          last = p && p.rec ? p.rec.params.length - 2 : -1;
        if (!Number.isInteger(t) || t < 0 || t > last)
          throw new Error(`t must be a whole number in [0, ${last}], got ${said(t)}`);
        return internalsAt(p.rec, p.name, p.hp, t);
      },
      hash: () => toHash(Object.fromEntries(view.props.map((p) => [p.name, view.get(p.name)])), view.props),
      /** The plot's window in data coordinates, [[x0, x1], [y0, y1]] (1-D: w and loss). */
      window: () => settle() || (view.geom && view.geom.win),
      /** Where a point of the plot is drawn, in CSS pixels from the canvas' top left. */
      pixel: (pt) => settle() || (view.geom && [view.geom.x(pt[0]), view.geom.y(pt[1])]),
      /** Recompute the paths (no drawing); returns milliseconds. */
      recompute() {
        const t0 = performance.now();
        view.recompute();
        return performance.now() - t0;
      },
      /** Recompute and draw everything; returns milliseconds. */
      redraw() {
        const t0 = performance.now();
        view.dirty = { run: true, controls: true, draw: true };
        view.flush();
        return performance.now() - t0;
      },
      /** The momentum map as drawn: null when there is none; {why} when a line says why not;
          else the learning rate of each column and beta of each row (cell centres, the top row
          first), the rate of each cell, the eigenvalues used, where the cells are on the map's
          canvas ([left, top, columns, rows] in CSS pixels, one cell a pixel), the point, its
          rate and what the page says of it. */
      rateMap() {
        settle();
        const mc = view.mapCase();
        if (!mc || mc.why) return mc && { why: view.L(mc.why) };
        const g = view.mapGeom(mc),
          c = view.mapImage(mc, g);
        return {
          optimizer: mc.name,
          lambdas: mc.lambdas,
          x: Array.from(c.xs),
          y: Array.from(c.ys),
          values: Array.from({ length: g.ny }, (_, i) => Array.from(c.values.subarray(i * g.nx, (i + 1) * g.nx))),
          box: [MAP.m.l, MAP.m.t, g.nx, g.ny],
          point: [view.get("lr"), mc.hp.momentum],
          ...view.mapText(mc),
        };
      },
      /** The axes as drawn: the tick labels of the plot and of the loss chart ({x, y}), whether
          the loss axis is log, and per run the loss chart's last point and divergence mark
          (CSS pixels of its canvas); the plot's data area (`frame`: its size and its window's spans). */
      axes() {
        settle();
        const g = view.geom;
        const frame = g && {
          width: g.width - g.m.l - g.m.r, // the data area in CSS pixels, and the window it shows
          height: g.height - g.m.t - g.m.b,
          xspan: g.win[0][1] - g.win[0][0],
          yspan: g.win[1][1] - g.win[1][0],
        };
        return { plot: view.plotTicks, loss: view.lossDrawn, frame };
      },
      missing: () => Object.keys(view.data.missing || {}),
      rules: () => Object.keys(RULES),
    };
  }

  destroy() {
    this.destroyed = true;
    document.removeEventListener("fullscreenchange", this.onFullscreen);
    if (this.raf !== null) cancelAnimationFrame(this.raf);
    this.raf = null;
    this.playing = false;
    globalThis.removeEventListener("keydown", this.onKey, true);
    for (const [ev, fn] of this.handlers) this.model.off(ev, fn);
    if (this.observer) this.observer.disconnect();
  }
}

/** A race's finish order at step `T`: name -> place (1, 2, ...; equal steps share a place) of
    each path that converged by then, by the steps it took. */
function finishOrder(paths, T) {
  const done = paths
    .filter((p) => p.rec && p.rec.status === "converged" && p.rec.stop <= T)
    .sort((a, b) => a.rec.stop - b.rec.stop);
  const out = new Map();
  done.forEach((p, i) => out.set(p.name, i > 0 && done[i - 1].rec.stop === p.rec.stop ? out.get(done[i - 1].name) : i + 1));
  return out;
}

/** Mount the explorer on `el` for `model` (anywidget's model interface); returns the view,
    whose `api` is window.gdviz on the offline page. */
export function mount(model, el, opts = {}) {
  return new Explorer(model, el, opts);
}

export default {
  render({ model, el }) {
    const view = mount(model, el);
    return () => view.destroy();
  },
};
