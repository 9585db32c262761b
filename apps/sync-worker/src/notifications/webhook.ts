import type { AlertMessage } from "./message.ts";
import { type SendResult, httpResult, networkFailure } from "./send-result.ts";
import { signWebhook, signatureHeader, timestampHeader } from "./signature.ts";

export interface HttpSendOptions {
  /** Per attempt (default 10 s): a receiver that hangs is a failed attempt, retried later. */
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * POSTs the alert as JSON, signed: `X-Cloudsync-Signature: sha256=<HMAC-SHA256 of
 * "<timestamp>.<body>">` with the channel's secret, `X-Cloudsync-Timestamp` the Unix seconds,
 * `Idempotency-Key` the same on every attempt of this delivery.
 */
export async function sendWebhook(
  channel: { url: string; secret: string },
  message: AlertMessage,
  attempt: number,
  options: HttpSendOptions = {},
): Promise<SendResult> {
  const body = JSON.stringify(message);
  const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  return post(channel.url, body, {
    "content-type": "application/json",
    "idempotency-key": message.idempotency_key,
    "x-cloudsync-delivery-attempt": String(attempt),
    [timestampHeader]: String(timestamp),
    [signatureHeader]: signWebhook(channel.secret, timestamp, body),
  }, options);
}

export async function post(url: string, body: string, headers: Record<string, string>, options: HttpSendOptions): Promise<SendResult> {
  try {
    const response = await fetch(url, { method: "POST", body, headers, redirect: "manual", signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    return httpResult(response.status, (await response.text().catch(() => "")).trim());
  } catch (error) {
    return networkFailure(error);
  }
}
