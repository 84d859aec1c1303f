// Numbers for people: the positions of sliders built from the catalog's slider hints, typed
// numbers read (the core words a value out of range), and values shown on controls.

import { compact_number as compactNumber, range_error as rangeError } from '../pkg/optiscape.js';

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
export function sliderSteps({ min, max, spacing }) {
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
export function speedSteps(max) {
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
  const outside = rangeError(name, range.lo ?? -Infinity, range.lo_open, range.hi ?? Infinity, range.hi_open, value);
  if (outside) return { error: outside };
  return { value };
}

/** A number on a control or read-out: 0.001, 0.9999, 2.5e-5, 1.23e4 (the core's compact form). */
export function fmt(x, digits = 4) {
  return x === null || x === undefined ? '\u2013' : compactNumber(x, digits);
}

/** Bytes as "12 kB" or "1.3 MB". */
export function fileSize(bytes) {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
