import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "./signature.ts";

describe("webhook signatures", () => {
  const secret = "0123456789abcdef";
  const body = '{"event":"raised"}';
  const ts = 1_765_000_000;
  it("is HMAC-SHA256 over timestamp, dot, body", () => {
    // Computed apart from the module, from the documented rule.
    const expected = createHmac("sha256", secret).update(`1765000000.{"event":"raised"}`).digest("hex");
    expect(signWebhook(secret, ts, body)).toBe(`sha256=${expected}`);
  });
  const cases: [string, Parameters<typeof verifyWebhookSignature>[1], string, number, boolean][] = [
    ["accepts the signed body", { signature: signWebhook(secret, ts, body), timestamp: String(ts) }, body, ts, true],
    ["refuses a changed body", { signature: signWebhook(secret, ts, body), timestamp: String(ts) }, `${body} `, ts, false],
    ["refuses another secret", { signature: signWebhook("fedcba9876543210", ts, body), timestamp: String(ts) }, body, ts, false],
    ["refuses a replay 301 s later", { signature: signWebhook(secret, ts, body), timestamp: String(ts) }, body, ts + 301, false],
    ["refuses a missing signature", { signature: undefined, timestamp: String(ts) }, body, ts, false],
  ];
  it.each(cases)("%s", (_, headers, received, nowSeconds, ok) => {
    expect(verifyWebhookSignature(secret, headers, received, { now: nowSeconds * 1000 })).toBe(ok);
  });
});
