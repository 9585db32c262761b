import { pino } from "pino";

/** What processors log through: pino's shape, so tests can pass a silent pino or a recorder. */
export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Paths that may carry a secret in any log object. Credentials are never logged on purpose;
 * this is the net under that rule.
 */
export const redactPaths = [
  "credentials",
  "*.credentials",
  "credentialsConfig",
  "*.credentialsConfig",
  "credentials_config",
  "*.credentials_config",
  "secretAccessKey",
  "*.secretAccessKey",
  "clientSecret",
  "*.clientSecret",
  "private_key",
  "*.private_key",
  "serviceAccountKey",
  "*.serviceAccountKey",
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "cloudsync" },
      redact: { paths: redactPaths, censor: "[REDACTED]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  ) as unknown as Logger;
}

/** A logger that drops everything, for tests and quiet CLI runs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" }) as unknown as Logger;
}
