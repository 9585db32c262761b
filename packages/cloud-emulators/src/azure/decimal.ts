/**
 * Exact decimal sums for the emulator's expected totals. The emulator does not depend on
 * @cloudsync/cloud, so it carries this small BigInt sum of its own (an independent oracle).
 */
const NUMBER = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function toScaled(text: string): { digits: bigint; scale: number } {
  const m = NUMBER.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? "";
  let digits = BigInt(`${m[2]}${frac}`);
  let scale = frac.length - Number(m[4] ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: m[1] === "-" ? -digits : digits, scale };
}

/** Sum of decimal texts (JSON number syntax, exponents included), exact, in plain notation. */
export function exactSum(values: Iterable<string>): string {
  let total = 0n;
  let scale = 0;
  for (const v of values) {
    const n = toScaled(v);
    if (n.scale > scale) {
      total *= 10n ** BigInt(n.scale - scale);
      scale = n.scale;
    }
    total += n.digits * 10n ** BigInt(scale - n.scale);
  }
  const negative = total < 0n;
  const text = (negative ? -total : total).toString().padStart(scale + 1, "0");
  const int = text.slice(0, text.length - scale);
  const frac = text.slice(text.length - scale).replace(/0+$/, "");
  const out = frac ? `${int}.${frac}` : int;
  return out === "0" ? "0" : `${negative ? "-" : ""}${out}`;
}
