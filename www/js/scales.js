// Numbers for people: slider scales built from the catalog's slider hints, range checks that
// mirror the core's (for inline messages; the core validates again), and formatting.

/** Mantissas of the "nice" values a log slider stops at, per decade. */
const MANTISSAS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9];

/** Rounds away binary noise (0.1 + 0.2) without changing any value a person typed. */
function clean(x) {
  return Number(x.toPrecision(12));
}

/** Nice values from lo to hi (both > 0), lo and hi included. */
function niceLogValues(lo, hi) {
  const out = [lo];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e += 1) {
    for (const m of MANTISSAS) {
      const v = clean(m * 10 ** e);
      if (v > lo * (1 + 1e-9) && v < hi * (1 - 1e-9)) out.push(v);
    }
  }
  out.push(hi);
  return out;
}

/** A "nice" step (1, 2 or 5 times a power of ten) near `raw`. */
function niceStep(raw) {
  const e = Math.floor(Math.log10(raw));
  const m = raw / 10 ** e;
  const nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
  return clean(nice * 10 ** e);
}

/**
 * The positions of a slider: an `<input type=range>` runs over 0..count-1 and each position is
 * one nice value. `spacing` is the catalog's: 'linear', 'log' (evenly spaced in log10 x) or
 * 'one_minus_log' (evenly spaced in log10(1 - x): 0.9, 0.99, 0.999, 0.9999 are equally far apart).
 */
export function sliderScale({ min, max, spacing }) {
  let values;
  let key;
  if (spacing === 'log' && min > 0) {
    values = niceLogValues(min, max);
    key = (x) => Math.log10(x);
  } else if (spacing === 'one_minus_log' && max < 1) {
    values = niceLogValues(1 - max, 1 - min).map((d) => clean(1 - d)).reverse();
    key = (x) => -Math.log10(1 - x);
  } else {
    const step = niceStep((max - min) / 100);
    const n = Math.round((max - min) / step);
    values = Array.from({ length: n + 1 }, (_, i) => clean(min + i * step));
    key = (x) => x;
  }
  const keys = values.map(key);
  return {
    count: values.length,
    value: (i) => values[Math.max(0, Math.min(values.length - 1, i))],
    /** The position nearest to x (the ends for values beyond them, as typed ones may be). */
    index(x) {
      if (!(x > values[0])) return 0;
      if (x >= values[values.length - 1]) return values.length - 1;
      const k = key(x);
      let best = 0;
      for (let i = 1; i < keys.length; i += 1) {
        if (Math.abs(keys[i] - k) < Math.abs(keys[best] - k)) best = i;
      }
      return best;
    },
  };
}

/** Integer steps per frame from 1 to max, roughly evenly spaced in log. */
export function speedScale(max) {
  const values = [...new Set(niceLogValues(1, max).map(Math.round))];
  return {
    count: values.length,
    value: (i) => values[Math.max(0, Math.min(values.length - 1, i))],
    index(x) {
      let best = 0;
      for (let i = 1; i < values.length; i += 1) {
        if (Math.abs(Math.log(values[i] / x)) < Math.abs(Math.log(values[best] / x))) best = i;
      }
      return best;
    },
  };
}

/** The catalog's range with JSON's null read as infinity. */
function bounds(range) {
  return {
    lo: range.lo ?? -Infinity,
    hi: range.hi ?? Infinity,
    loOpen: range.lo_open,
    hiOpen: range.hi_open,
  };
}

export function inRange(x, range) {
  const { lo, hi, loOpen, hiOpen } = bounds(range);
  return Number.isFinite(x) && (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi);
}

/** `[0, inf)` as the core prints it. */
export function rangeText(range) {
  const { lo, hi, loOpen, hiOpen } = bounds(range);
  const end = (x) => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x));
  return `${loOpen ? '(' : '['}${end(lo)}, ${end(hi)}${hiOpen ? ')' : ']'}`;
}

/**
 * Parses a typed number. Returns {value} or {error}; accepts what JSON accepts plus a leading
 * '+', '.5', a typeset minus '−' and surrounding spaces, nothing else (no expressions, nothing
 * evaluated). A comma is the decimal sign where people write it so (0,05 is 0.05); where a whole
 * number is asked for (`whole`), commas before groups of three digits separate thousands instead
 * (1,000 is 1000).
 */
export function parseNumber(text, range, name, { whole = false } = {}) {
  const typed = String(text).trim();
  const grouped = whole && /^[+-]?\d{1,3}(,\d{3})+$/.test(typed);
  const t = (grouped ? typed.replaceAll(',', '') : typed.replace(/^([+\-\u2212]?\d*),(\d)/, '$1.$2')).replace(/^\u2212/, '-');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    return { error: `${name}: "${typed.slice(0, 20)}" is not a number` };
  }
  const value = Number(t);
  if (!Number.isFinite(value)) return { error: `${name}: "${typed.slice(0, 20)}" is too large to be a number (the largest is about 1.8e308)` };
  if (!inRange(value, range)) return { error: `${name} must be in ${rangeText(range)}, got ${typed.slice(0, 20)}` };
  return { value };
}

/** A compact, exact-enough number for labels: 0.001, 0.9999, 2.5e-5, 1.23e+4. */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined) return '–';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(digits + 2)));
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * About three significant digits, as plot's legend writes a value (format_value in
 * src/render/ticks.rs): "0.05", "2500", "−3.2×10⁻⁶".
 */
export function fmtValue(v) {
  if (!Number.isFinite(v)) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s;
  if (a >= 1e-3 && a < 1e5) {
    s = v.toFixed(Math.max(0, 2 - Math.floor(Math.log10(a))));
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  } else {
    const [m, e] = v.toExponential(1).split('e');
    const mantissa = m.replace(/\.0$/, '');
    const power = `10${[...String(Number(e))].map((d) => '⁰¹²³⁴⁵⁶⁷⁸⁹⁻'['0123456789-'.indexOf(d)]).join('')}`;
    s = mantissa === '1' ? power : mantissa === '-1' ? `-${power}` : `${mantissa}×${power}`;
  }
  return s.replace('-', '−');
}

/** A loss for the legend: always 3 significant digits, exponent when small or large. */
export function fmtLoss(x) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 0.01 && a < 1e4) return x.toPrecision(3);
  return x.toExponential(2).replace('e+', 'e');
}

/** A coordinate for the pointer read-out, with `decimals` (those of a pixel at the zoom). */
export function fmtCoord(x, decimals = 3) {
  return (Math.abs(x) < 0.5 * 10 ** -decimals ? 0 : x).toFixed(decimals);
}
