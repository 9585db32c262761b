/**
 * Exact money for the emulator: amounts are integers of 10^-10 dollars (bigint), the finest
 * unit Cost Explorer prints, and only become text on the wire. Never a JS float.
 */
export const SCALE = 10;
export const ONE = 10n ** BigInt(SCALE);

/** "0.0104" → 104_000_000n; throws on anything that is not a plain decimal with ≤ 10 places. */
export function scaled(text: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,10}))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal with at most ${SCALE} places: ${text}`);
  const value = BigInt(m[2] as string) * ONE + BigInt((m[3] ?? "").padEnd(SCALE, "0") || "0");
  return m[1] ? -value : value;
}

/** All ten decimals, as Cost Explorer prints usage lines: "2.4960000000", "-0.0000001200". */
export function formatFixed(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(SCALE + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
}

/** Without trailing zeros: "29", "12.34", "0.0000000001", "0". */
export function formatPlain(value: bigint): string {
  const fixed = formatFixed(value).replace(/\.?0+$/, "");
  return fixed === "-0" || fixed === "" ? "0" : fixed;
}
