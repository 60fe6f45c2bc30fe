/* The state codec: the settings table (gdviz/web/state.py) to and from the URL hash, and
   HashModel, the offline page's model (anywidget's get/set/on/save_changes, kept in the hash).
   Mirrors gdviz/web/state.py's checks; touches no DOM. */

import { gfmt } from "./format.js";

export const clone = (v) => (v === null || typeof v !== "object" ? v : JSON.parse(JSON.stringify(v)));

/** obj[key] if obj has it as its own (never what Object.prototype has: "constructor", "__proto__"). */
export const own = (obj, key) =>
  obj !== null && typeof obj === "object" && Object.hasOwn(obj, key) ? obj[key] : undefined;

/** A plain object (JSON's objects, {...}): not an array, null, a function or a class instance. */
export const isDict = (v) =>
  v !== null &&
  typeof v === "object" &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

export function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every setting at its default: `{lang: "en", mode: "single", ...}`. */
export function defaults(props) {
  const out = {};
  for (const p of props) out[p.name] = clone(p.default);
  return out;
}

const num = (t) => (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN);

/** A value as the setting `p` (a row of the settings table, or of an optimizer's hyperparameters)
    may hold it, or undefined (then the default is kept). */
export function checkValue(p, v) {
  switch (p.type) {
    case "enum":
    case "text": // text with choices: a page's surfaces, its own keys
      return typeof v === "string" && v.trim() && (!p.choices || p.choices.includes(v)) ? v : undefined;
    case "bool":
      return typeof v === "boolean" ? v : undefined;
    case "number":
    case "int": {
      if (v === null && p.default === null) return null;
      if (typeof v !== "number" || !Number.isFinite(v)) return undefined;
      if (p.type === "int" && !Number.isInteger(v)) return undefined;
      if ((p.min != null && v < p.min) || (p.max != null && v > p.max) || (p.log && v <= 0)) return undefined;
      return v;
    }
    case "point":
      if (v === null) return null;
      return Array.isArray(v) && v.length >= 1 && v.length <= 2 && v.every(Number.isFinite) ? v.slice() : undefined;
    case "list": // each name once (a link repeating a racer 5000 times runs it once)
      return Array.isArray(v) && v.every((x) => typeof x === "string" && (!p.choices || p.choices.includes(x)))
        ? [...new Set(v)]
        : undefined;
    case "dict": // checked against the optimizer's table by fitHyper
    case "settings": // and by fitOthers
      return isDict(v) ? clone(v) : undefined;
  }
  return undefined;
}

export const said = (v) => (typeof v === "number" ? String(v) : v === undefined ? "undefined" : JSON.stringify(v));

/** What the setting `p` accepts, as an error names it: "a number in [1e-05, 10]", "true or false". */
export function accepted(p) {
  if (p.type === "enum" || p.type === "text" || p.type === "list")
    return p.choices ? `one of: ${p.choices.join(", ")}` : "text";
  if (p.type === "bool") return "true or false";
  if (p.type === "point") return "null or 1 or 2 finite numbers";
  if (p.type === "dict" || p.type === "settings") return "an object";
  const lo = p.min != null ? gfmt(p.min, 6) : null,
    hi = p.max != null ? gfmt(p.max, 6) : null;
  const range = lo !== null && hi !== null ? ` in [${lo}, ${hi}]` : lo !== null ? ` >= ${lo}` : "";
  return `${p.type === "int" ? "a whole number" : "a number"}${range}${p.default === null ? " or null" : ""}`;
}

/** The error for a value of setting `p` that checkValue refuses (one line). */
export function refusal(p, v, what = p.name) {
  if ((p.type === "enum" || p.type === "text") && p.choices && typeof v === "string")
    return `unknown ${p.name} '${v}'; choose from: ${p.choices.join(", ")}`;
  return `${what} must be ${accepted(p)}, got ${said(v)}`;
}

/** The hyperparameters in `hyper` that optimizer `name` takes (its rows of `optimizers`, the page's
    table; `lr` only `withLr`: the focused one's is a setting of its own), each in its range:
    [those, the first problem or null]. */
export function fitHyper(optimizers, name, hyper, withLr = false) {
  const entry = own(optimizers, name);
  if (!entry) return [{}, `unknown optimizer '${name}'; choose from: ${Object.keys(optimizers).join(", ")}`];
  if (!isDict(hyper)) return [{}, `the hyperparameters of ${name} must be an object, got ${said(hyper)}`];
  const rows = entry.hyper.filter((row) => withLr || row.name !== "lr");
  const out = {};
  let problem = null;
  for (const [k, v] of Object.entries(hyper)) {
    const row = rows.find((r) => r.name === k);
    const why = !row
      ? `unknown hyperparameter '${k}' of ${name}; choose from: ${rows.map((r) => r.name).join(", ")}`
      : checkValue(row, v) === undefined
        ? refusal(row, v, `${k} of ${name}`)
        : null;
    if (why) problem = problem || why;
    else out[k] = v;
  }
  return [out, problem];
}

/** `others` (optimizer -> its lr and hyperparameters while another is focused) as fitHyper keeps
    each: [what fits, the first problem or null]. */
export function fitOthers(optimizers, others) {
  if (!isDict(others)) return [{}, `others must be an object, got ${said(others)}`];
  const out = {};
  let problem = null;
  for (const [name, d] of Object.entries(others)) {
    const [fit, why] = !own(optimizers, name)
      ? [{}, `unknown optimizer '${name}' in others; choose from: ${Object.keys(optimizers).join(", ")}`]
      : !isDict(d)
        ? [{}, `others: ${name}'s settings must be an object of hyperparameters, got ${said(d)}`]
        : fitHyper(optimizers, name, d, true);
    problem = problem || why;
    if (Object.keys(fit).length) out[name] = fit;
  }
  return [out, problem];
}

function encDict(d) {
  return Object.keys(d)
    .map((k) => `${k}:${d[k] === null ? "null" : String(d[k])}`)
    .join(",");
}

function decDict(t) {
  const out = [];
  if (!t) return {};
  for (const part of t.split(",")) {
    const i = part.indexOf(":");
    if (i < 1) return undefined;
    const k = part.slice(0, i),
      raw = part.slice(i + 1);
    const v = raw === "true" ? true : raw === "false" ? false : raw === "null" ? null : num(raw);
    if (typeof v === "number" && !Number.isFinite(v)) return undefined;
    out.push([k, v]);
  }
  return Object.fromEntries(out); // own keys, even "__proto__" (refused later as any unknown name)
}

const CODEC = {
  enum: [(v) => v, (t) => t],
  text: [(v) => v, (t) => t],
  number: [(v) => (v === null ? "" : String(v)), (t, p) => (t === "" && p.default === null ? null : num(t))],
  int: [(v) => String(v), (t) => num(t)],
  bool: [(v) => (v ? "true" : "false"), (t) => (t === "true" ? true : t === "false" ? false : undefined)],
  point: [(v) => (v === null ? "" : v.map(String).join(",")), (t) => (t === "" ? null : t.split(",").map(num))],
  list: [(v) => v.join(","), (t) => (t === "" ? [] : t.split(","))],
  dict: [encDict, decDict],
  settings: [
    (v) =>
      Object.keys(v)
        .sort()
        .map((k) => `${k}(${encDict(v[k])})`)
        .join(""),
    (t) => {
      const out = [];
      const re = /([A-Za-z0-9_.:-]+)\(([^()]*)\)/gy;
      let m,
        end = 0;
      while ((m = re.exec(t))) {
        const d = decDict(m[2]);
        if (d === undefined) return undefined;
        out.push([m[1], d]);
        end = re.lastIndex;
      }
      return end === t.length ? Object.fromEntries(out) : undefined;
    },
  ],
};

// percent-encode what the hash syntax needs, keep the rest readable (x**2+10*y**2, -1.5,2)
const esc = (t) => encodeURIComponent(t).replace(/%(2C|3A|28|29|2F|2B|5E|7C)/g, (s) => decodeURIComponent(s));

/** The hash for a state: every setting that differs from its default, in table order. */
export function toHash(state, props) {
  const parts = [];
  for (const p of props) {
    const v = state[p.name];
    if (v === undefined || same(v, p.default)) continue;
    parts.push(`${p.name}=${esc(CODEC[p.type][0](v, p))}`);
  }
  return parts.join("&");
}

/** The state a hash describes: missing, unknown or bad keys fall back to the defaults. Names are
    looked up as own keys only; `hyper` keeps the hyperparameters of `optimizer` that are in range
    and `others` those of each optimizer (`optimizers`: the page's table), each bad one falling
    back to its default; the exercise is gradient descent's. */
export function parseHash(hash, props, optimizers) {
  const state = defaults(props);
  const byName = new Map(props.map((p) => [p.name, p]));
  for (const part of String(hash || "")
    .replace(/^#/, "")
    .split("&")) {
    const i = part.indexOf("=");
    if (i < 1) continue;
    const p = byName.get(part.slice(0, i));
    if (!p) continue;
    let text;
    try {
      text = decodeURIComponent(part.slice(i + 1));
    } catch (e) {
      continue;
    }
    const v = checkValue(p, CODEC[p.type][1](text, p));
    if (v !== undefined) state[p.name] = v;
  }
  return fitTogether(state, optimizers);
}

/** A state whose settings fit together: the exercise runs gd; `hyper` holds only what the
    focused optimizer takes, `others` only what each optimizer takes. */
function fitTogether(state, optimizers) {
  if (state.mode === "exercise") state.optimizer = "gd";
  if (Object.hasOwn(state, "hyper")) state.hyper = fitHyper(optimizers, state.optimizer, state.hyper)[0];
  if (Object.hasOwn(state, "others")) state.others = fitOthers(optimizers, state.others)[0];
  return state;
}

/** The offline page's model: anywidget's model interface (get, set, on, off, save_changes)
    over the URL hash, so a link reproduces the view. */
export class HashModel {
  constructor(data, win = globalThis.window) {
    this.data = data;
    this.props = data.props;
    this.win = win;
    this.state = parseHash(win ? win.location.hash : "", this.props, data.optimizers);
    this.handlers = {};
    this.timer = null;
    this.onHash = () => this.load(this.win.location.hash);
    if (win) win.addEventListener("hashchange", this.onHash);
  }

  get(name) {
    return name === "_data" ? this.data : clone(this.state[name]);
  }

  set(name, value) {
    if (same(this.state[name], value)) return;
    this.state[name] = clone(value);
    this.emit(name);
  }

  on(event, fn) {
    (this.handlers[event] = this.handlers[event] || []).push(fn);
  }

  off(event, fn) {
    if (!event) this.handlers = {};
    else if (this.handlers[event]) this.handlers[event] = fn ? this.handlers[event].filter((f) => f !== fn) : [];
  }

  emit(name) {
    for (const fn of this.handlers[`change:${name}`] || []) fn();
  }

  /** Write the hash (throttled while playing: replaceState, no history entry per step). */
  save_changes() {
    if (!this.win || this.timer !== null) return;
    this.timer = this.win.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, 120);
  }

  flush() {
    if (!this.win) return;
    const hash = toHash(this.state, this.props);
    if (this.win.location.hash.replace(/^#/, "") !== hash) {
      this.win.history.replaceState(
        null,
        "",
        hash ? `#${hash}` : this.win.location.pathname + this.win.location.search,
      );
    }
  }

  load(hash) {
    const next = parseHash(hash, this.props, this.data.optimizers);
    for (const p of this.props) {
      if (!same(next[p.name], this.state[p.name])) {
        this.state[p.name] = next[p.name];
        this.emit(p.name);
      }
    }
  }

  destroy() {
    if (this.win) this.win.removeEventListener("hashchange", this.onHash);
  }
}
