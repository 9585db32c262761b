/**
 * Exact decimal arithmetic on strings, for money. Cost lines stay strings from the cloud's
 * answer to the database's NUMERIC, so totals match the provider's to the last digit.
 */
const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parses "12.34", "-0.5", "7"; also JSON numbers in exponent form ("1.2e-5"), exactly. */
export function normalizeDecimal(value: string | number): string {
  const text = typeof value === "number" ? numberToPlain(value) : value.trim();
  const m = DECIMAL.exec(text) ?? DECIMAL.exec(expandExponent(text));
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(value)}`);
  const sign = m[1] === "-" ? "-" : "";
  const int = m[2]!.replace(/^0+(?=\d)/, "");
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const out = frac ? `${int}.${frac}` : int;
  return out === "0" ? "0" : sign + out;
}

export function isDecimal(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value !== "string") return false;
  try {
    normalizeDecimal(value);
    return true;
  } catch {
    return false;
  }
}

/** Sum of decimal strings, exact. */
export function sumDecimals(values: Iterable<string>): string {
  let scale = 0;
  const parts: { digits: bigint; scale: number }[] = [];
  for (const v of values) {
    const n = normalizeDecimal(v);
    const negative = n.startsWith("-");
    const [int, frac = ""] = (negative ? n.slice(1) : n).split(".");
    const digits = BigInt(`${int}${frac}`) * (negative ? -1n : 1n);
    parts.push({ digits, scale: frac.length });
    scale = Math.max(scale, frac.length);
  }
  let total = 0n;
  for (const p of parts) total += p.digits * 10n ** BigInt(scale - p.scale);
  return fromScaled(total, scale);
}

/** Rounds half away from zero to `places` decimals (banks' and clouds' invoice rounding). */
export function roundDecimal(value: string, places: number): string {
  const n = normalizeDecimal(value);
  const negative = n.startsWith("-");
  const [int, frac = ""] = (negative ? n.slice(1) : n).split(".");
  if (frac.length <= places) return n;
  const kept = BigInt(`${int}${frac.slice(0, places)}`);
  const roundUp = Number(frac[places]) >= 5;
  const scaled = (kept + (roundUp ? 1n : 0n)) * (negative ? -1n : 1n);
  return fromScaled(scaled, places);
}

function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const int = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? digits.slice(digits.length - scale) : "";
  return normalizeDecimal(`${negative ? "-" : ""}${int}${frac ? `.${frac}` : ""}`);
}

function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return expandExponent(String(value));
}

function expandExponent(text: string): string {
  const m = /^([+-])?(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(text);
  if (!m) return text;
  const sign = m[1] === "-" ? "-" : "";
  const digits = `${m[2]}${m[3] ?? ""}`;
  const point = m[2]!.length + Number(m[4]);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
