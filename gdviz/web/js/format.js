/* Numbers as text as Python prints them: f"{x:.3g}" (gfmt), repr of a float (pyFloat), a value
   as typed (pyLiteral), the readouts' forms. Touches no DOM. */

/** Python's f"{x:.{digits}g}". */
export function gfmt(x, digits = 3) {
  if (!Number.isFinite(x)) return x !== x ? "–" : x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const [m, e] = x.toExponential(digits - 1).split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= digits) {
    return `${m.includes(".") ? m.replace(/\.?0+$/, "") : m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const fixed = x.toFixed(Math.max(0, digits - 1 - exp));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** gdviz.style.readout: a loss for a person to read (2.63, 0.0736, < 0.0001, 16,100,000). */
export function readout(x) {
  if (x !== x) return "–";
  const a = Math.abs(x);
  if (a < 1e-4) return x === 0 ? "0" : "< 0.0001";
  if (a < 1e4) return a >= 1e-3 ? gfmt(x, 3) : x.toFixed(4);
  return a < 1e9 ? Math.round(x).toLocaleString("en-US") : "> 10^9";
}

/** Python's repr of a float: the shortest digits that read back the same double, in fixed form
    for exponents -4 to 15 (0.0001, 5.0, 1000000000000000.0), else 1e-05, 1.5e+16; null for
    inf and nan, which have no literal. */
export function pyFloat(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return null;
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [m, e] = Math.abs(x).toExponential().split("e"), // the shortest round-trip digits
    digits = m.replace(".", ""),
    exp = Number(e),
    sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  return `${sign}${whole}.${digits.slice(exp + 1) || "0"}`;
}

/** A value as a Python literal of its kind ("number", "int", "bool", "text"), or null when it has
    none: True, None, 8, 0.1, 'adam'. */
export function pyLiteral(v, type) {
  if (v === null) return "None";
  if (type === "bool") return v === true ? "True" : v === false ? "False" : null;
  if (type === "int") return Number.isSafeInteger(v) ? String(v) : null;
  if (type === "text") return typeof v === "string" && /^[a-z][a-z0-9_]*$/.test(v) ? `'${v}'` : null; // a name
  return pyFloat(v);
}

/** A number as typed: 0.05, 1.6, 1e-05 (shortest form that reads back the same). */
export function shown(x) {
  if (x === null || x === undefined) return "";
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? x.toExponential() : String(x);
}

export const minus = (t) =>
  String(t)
    .replace(/^-/, "−")
    .replace(/([(,\s])-/g, "$1−");
// a vector to read: components below 1e-6 of the largest shown as 0 (noise next to the rest)
export function vec(v) {
  const top = Math.max(...v.map(Math.abs));
  const f = (x) => minus(gfmt(Math.abs(x) < 1e-6 * top ? 0 : x, 3));
  return v.length === 1 ? f(v[0]) : `(${v.map(f).join(", ")})`;
}
