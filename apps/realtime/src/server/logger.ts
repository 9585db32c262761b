import { pino } from "pino";

/** pino's shape, so tests can pass a silent pino or a recorder. */
export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Tokens travel in headers and query strings; neither is ever logged, and this is the net under that rule. */
const redactPaths = ["token", "*.token", "authorization", "*.authorization", "headers.authorization", 'headers["sec-websocket-protocol"]', "url", "*.url", "databaseUrl"];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "cloudsync-realtime" },
      redact: { paths: redactPaths, censor: "[REDACTED]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  ) as unknown as Logger;
}

export function silentLogger(): Logger {
  return pino({ level: "silent" }) as unknown as Logger;
}
