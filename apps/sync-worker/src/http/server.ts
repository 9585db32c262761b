import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "../logger.ts";
import type { HealthCheck } from "./checks.ts";

export interface HttpServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Default 127.0.0.1: nothing outside the machine sees it unless asked (the container passes 0.0.0.0). */
  host?: string;
  checks: { postgres: HealthCheck; redis: HealthCheck } & Record<string, HealthCheck>;
  registry: Registry;
  /** Each check's time limit (default 2 s): a hung dependency is a failed one. */
  checkTimeoutMs?: number;
  logger?: Logger;
}

export interface HttpServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface HealthReport {
  status: "ok" | "fail";
  checks: Record<string, "ok" | "fail">;
  /** Why each failed check failed. */
  errors?: Record<string, string>;
}

/**
 * `GET /healthz` (200 when every check passes, else 503 naming the failed ones) and `GET /metrics`
 * (Prometheus text) on plain node:http: two routes do not need a framework.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const host = options.host ?? "127.0.0.1";
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  const log = options.logger?.child({ component: "http" });

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log?.error({ err: error instanceof Error ? error.message : String(error), path: req.url }, "request failed");
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error\n");
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/healthz" && path !== "/metrics") return send(res, 404, "text/plain; charset=utf-8", "not found: try /healthz or /metrics\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    if (path === "/metrics") return send(res, 200, options.registry.contentType, await options.registry.metrics(), req.method === "HEAD");
    const report = await health(options.checks, timeoutMs);
    if (report.status === "fail") log?.warn({ errors: report.errors }, "health check failed");
    return send(res, report.status === "ok" ? 200 : 503, "application/json", `${JSON.stringify(report)}\n`, req.method === "HEAD");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log?.info({ url }, "serving /healthz and /metrics");
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // A scraper's keep-alive connection would otherwise hold close() open.
        server.closeIdleConnections();
      }),
  };
}

/** Runs every check at once, each against its own time limit. */
export async function health(checks: Record<string, HealthCheck>, timeoutMs: number): Promise<HealthReport> {
  const names = Object.keys(checks);
  const outcomes = await Promise.all(names.map((name) => withTimeout(Promise.resolve().then(checks[name]!), timeoutMs, `${name} did not answer within ${timeoutMs} ms`)));
  const report: HealthReport = { status: "ok", checks: {} };
  names.forEach((name, i) => {
    const error = outcomes[i];
    report.checks[name] = error === undefined ? "ok" : "fail";
    if (error !== undefined) {
      report.status = "fail";
      report.errors = { ...report.errors, [name]: error };
    }
  });
  return report;
}

/** Resolves to undefined when the promise settles in time, else to what went wrong. */
async function withTimeout(promise: Promise<void>, ms: number, timeoutMessage: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(timeoutMessage), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300) || "failed",
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headOnly = false): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(headOnly ? undefined : body);
}
