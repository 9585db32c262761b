#!/usr/bin/env node
// The realtime server's entry point: environment → server; SIGTERM/SIGINT close it gracefully.
import { EnvError, loadEnv } from "./env.ts";
import { createLogger } from "./server/logger.ts";
import { startRealtimeServer } from "./server/server.ts";

async function main(): Promise<void> {
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: env.LOG_LEVEL });
  const server = await startRealtimeServer({
    databaseUrl: env.DATABASE_URL,
    verifyKey: env.verifyKey,
    auth: {
      ...(env.CLOUDSYNC_REALTIME_JWT_ISSUER ? { issuer: env.CLOUDSYNC_REALTIME_JWT_ISSUER } : {}),
      ...(env.CLOUDSYNC_REALTIME_JWT_AUDIENCE ? { audience: env.CLOUDSYNC_REALTIME_JWT_AUDIENCE } : {}),
    },
    port: env.PORT,
    host: env.HOST,
    logger,
    databaseRole: env.CLOUDSYNC_REALTIME_DATABASE_ROLE === "-" ? null : env.CLOUDSYNC_REALTIME_DATABASE_ROLE,
    maxConnections: env.CLOUDSYNC_REALTIME_MAX_CONNECTIONS,
    maxConnectionsPerOrganization: env.CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_ORGANIZATION,
    maxConnectionsPerToken: env.CLOUDSYNC_REALTIME_MAX_CONNECTIONS_PER_TOKEN,
    maxBufferedBytes: env.CLOUDSYNC_REALTIME_MAX_BUFFERED_BYTES,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: closing clients with 1001");
    // A second signal, or a close that hangs, must not keep the process alive.
    setTimeout(() => process.exit(1), 15_000).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // The server handles its own errors; anything reaching here is a bug, logged rather than fatal
  // for rejections (one bad event must not cut every client off).
  process.on("unhandledRejection", (reason) => logger.error({ err: reason instanceof Error ? reason.stack : String(reason) }, "unhandled rejection"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
