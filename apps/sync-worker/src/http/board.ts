import type { AddressInfo } from "node:net";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import express from "express";

export interface BoardServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The bull-board dashboard for the worker's queues: jobs waiting, running, failed (with their
 * errors and attempts), retry and clean. Off unless asked for, and bound to loopback unless a
 * host is given, because it can retry and delete jobs and has no login of its own.
 */
export async function startBoard(options: { queues: readonly Queue[]; port: number; host?: string; basePath?: string }): Promise<BoardServer> {
  const basePath = options.basePath ?? "/queues";
  const adapter = new ExpressAdapter();
  adapter.setBasePath(basePath);
  createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const app = express();
  app.disable("x-powered-by");
  app.use(basePath, adapter.getRouter());
  const host = options.host ?? "127.0.0.1";
  const server = app.listen(options.port, host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}${basePath}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
