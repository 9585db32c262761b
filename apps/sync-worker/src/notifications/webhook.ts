import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { addressClass, guardedLookup, literalAddress, RefusedDestinationError } from "./destination.ts";
import type { AlertMessage } from "./message.ts";
import { type SendResult, httpResult, networkFailure } from "./send-result.ts";
import { signWebhook, signatureHeader, timestampHeader } from "./signature.ts";

export interface HttpSendOptions {
  /**
   * Also send to loopback, private, link-local and metadata addresses (off by default: a tenant
   * chooses the URL). For receivers inside your network on purpose, and for local tests.
   */
  allowPrivateDestinations?: boolean;
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

/**
 * One POST, no redirects followed (a 3xx is the answer). Unless `allowPrivateDestinations`, the
 * destination must be a public address: an IP literal is checked here, a name at connect time
 * by the guarded lookup (destination.ts); a refused one is final, with what to do.
 */
export function post(url: string, body: string, headers: Record<string, string>, options: HttpSendOptions): Promise<SendResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, retryable: false, code: null, error: "the channel's url is not a URL; fix organizations.settings.notification_channels (docs/alerts.md)" });
  }
  const allow = options.allowPrivateDestinations === true;
  const literal = literalAddress(target.hostname);
  const refused = !allow && literal ? addressClass(literal) : null;
  if (literal && refused) return Promise.resolve(refusal(new RefusedDestinationError(literal, literal, refused)));
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    const req = request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        ...(allow ? {} : { lookup: guardedLookup() as never }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(httpResult(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8").trim())));
        res.on("error", (error) => resolve(networkFailure(error)));
      },
    );
    req.on("error", (error) => resolve(error instanceof RefusedDestinationError ? refusal(error) : networkFailure(error)));
    req.end(body);
  });
}

function refusal(error: RefusedDestinationError): SendResult {
  return { ok: false, retryable: false, code: null, error: error.message };
}
