/**
 * Money in the emulator is integer nano-units (BigInt), so every amount it serves and every
 * total it expects is exact; it is formatted the way BigQuery casts NUMERIC to STRING (no
 * trailing zeros, at most 9 decimals).
 */
export function formatNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const digits = (negative ? -nanos : nanos).toString().padStart(10, "0");
  const int = digits.slice(0, -9).replace(/^0+(?=\d)/, "");
  const frac = digits.slice(-9).replace(/0+$/, "");
  const text = frac ? `${int}.${frac}` : int;
  return text === "0" ? "0" : `${negative ? "-" : ""}${text}`;
}

export function sumNanos(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}
