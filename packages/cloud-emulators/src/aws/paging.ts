/**
 * Page tokens are positions in a scope, opaque to clients like AWS's own. Positional tokens
 * let a page be computed on demand; a removed item simply makes a page shorter.
 */

export function encodeToken(position: number): string {
  return Buffer.from(`emu1:${position}`).toString("base64url");
}

/** The position a token points at, 0 for no token, undefined for a token we never issued. */
export function decodeToken(token: string | null | undefined): number | undefined {
  if (!token) return 0;
  const match = /^emu1:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/**
 * Reads a page-size parameter the way the API validates it: absent → the API's default,
 * out of range → undefined so the caller answers with the API's validation error.
 */
export function pageSizeParam(raw: string | null, min: number, max: number, fallback: number): number | undefined {
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}
