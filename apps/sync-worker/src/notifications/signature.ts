import { createHmac, timingSafeEqual } from "node:crypto";

/** The headers a signed webhook carries (docs/alerts.md). */
export const signatureHeader = "x-cloudsync-signature";
export const timestampHeader = "x-cloudsync-timestamp";

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp is signed with the body, so a
 * captured request cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * What a receiver runs: the signature matches (in constant time) and the timestamp is within
 * `toleranceSeconds` of `now`. The body must be the raw bytes received, not re-serialized JSON.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  options: { now?: number; toleranceSeconds?: number } = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
