import { type IncomingHttpHeaders, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { signatureHeader, timestampHeader, verifyWebhookSignature } from "../notifications/signature.ts";

export interface ReceivedNotification {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  /** The signature checked with the receiver's secret (false when unsigned, e.g. Slack-style posts). */
  signatureValid: boolean;
  /** What the receiver answered. */
  status: number;
  /** A repeat of an idempotency key this receiver already accepted: dropped, as a receiver should. */
  repeat: boolean;
}

export interface AlertReceiver {
  /** `http://127.0.0.1:<port>`: post to any path under it. */
  url: string;
  received: ReceivedNotification[];
  /** The accepted ones, each idempotency key once. */
  accepted(): ReceivedNotification[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP receiver for alert notifications: what the demo points its channels at, and
 * what the tests receive with. It verifies webhook signatures with `secret`, answers like Slack
 * (`200 ok`), and drops repeated idempotency keys. `respond` lets a test make it fail.
 */
export async function startAlertReceiver(options: {
  secret: string;
  respond?: (path: string, nth: number) => { status: number; body: string } | undefined;
}): Promise<AlertReceiver> {
  const received: ReceivedNotification[] = [];
  const seen = new Set<string>();
  const perPath = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const nth = (perPath.get(path) ?? 0) + 1;
      perPath.set(path, nth);
      const forced = options.respond?.(path, nth);
      const body = Buffer.concat(chunks).toString("utf8");
      const key = String(req.headers["idempotency-key"] ?? "");
      const signatureValid = verifyWebhookSignature(
        options.secret,
        { signature: req.headers[signatureHeader] as string | undefined, timestamp: req.headers[timestampHeader] as string | undefined },
        body,
      );
      const status = forced?.status ?? 200;
      const accepted = status >= 200 && status < 300;
      received.push({ path, headers: req.headers, body, signatureValid, status, repeat: accepted && key !== "" && seen.has(key) });
      if (accepted && key) seen.add(key);
      res.writeHead(status, { "content-type": "text/plain" }).end(forced?.body ?? "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300 && !r.repeat),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
