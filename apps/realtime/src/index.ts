// Server and client. Browser bundles should import "@cloudsync/realtime/client" instead.
export * from "./client/index.ts";
export { startRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from "./server/server.ts";
export { createTokenVerifier, verifyKeyFromPem, type AuthOptions, type Principal, type VerifyKey } from "./server/auth.ts";
export { createLogger, silentLogger, type Logger } from "./server/logger.ts";
export { loadEnv, EnvError, type Env } from "./env.ts";
