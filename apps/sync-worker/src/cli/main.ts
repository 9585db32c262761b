#!/usr/bin/env node
import { parseArgs } from "node:util";
import { explainDatabaseError } from "@cloudsync/db";
import { EnvError, loadEnv } from "../env.ts";
import { createLogger } from "../logger.ts";
import { CredentialsFileError } from "../providers/credentials.ts";
import { KeyringError } from "../secrets/keyring.ts";
import { EmulatorsMissingError } from "../demo/load-emulators.ts";
import { UsageError } from "./context.ts";

const usage = `cloudsync — a PostgreSQL picture of your multi-cloud estate

Usage:
  cloudsync demo [--size N] [--seed N]        sync emulated AWS, Azure and GCP estates into the database
  cloudsync migrate                           apply the database migrations
  cloudsync org add --name NAME --slug SLUG --owner-email EMAIL
  cloudsync provider add --org SLUG --credentials FILE|-|env:VAR [--name NAME] [--type primary|secondary|backup|edge|development] [--regions a,b]
  cloudsync provider list
  cloudsync sync [--provider ID] [--kind resources|costs|metrics]   one-shot sync without Redis
  cloudsync worker [--clouds aws,azure,gcp]   the BullMQ worker and schedulers, /healthz and /metrics;
                                              --clouds (or CLOUDSYNC_WORKER_CLOUDS): only these clouds' jobs
  cloudsync maintenance                       partitions ahead/retention, cost summary, recommendations
  cloudsync keys rotate [--dry-run]           re-seal every provider's credentials with the first (active) key

Environment: DATABASE_URL (unset: embedded PGlite under .data/), CLOUDSYNC_ENCRYPTION_KEYS
(keyid:base64key,… — required to store or use credentials), REDIS_URL, LOG_LEVEL.`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(usage);
    return command ? 0 : 2;
  }
  const env = loadEnv();
  // Logs go to stderr as JSON; the terminal's stdout keeps the tables.
  const logger = createLogger({ level: command === "worker" ? env.LOG_LEVEL : env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL, destination: process.stderr });
  switch (command) {
    case "demo": {
      const { values } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { size: { type: "string", default: "300" }, seed: { type: "string", default: "2026" } } });
      const size = Number(values.size);
      const seed = Number(values.seed);
      if (!Number.isInteger(size) || size < 10 || size > 1_000_000) throw new UsageError(`--size must be a whole number from 10 to 1000000 (got ${values.size})`);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number (got ${values.seed})`);
      const { runDemo } = await import("./demo.ts");
      return runDemo(env, logger, { size, seed }, (line) => console.log(line));
    }
    case "migrate": {
      const { openDatabase } = await import("./context.ts");
      const handle = await openDatabase(env, { migrate: true });
      await handle.close();
      console.log(`migrations applied (${handle.driver === "pglite" ? "embedded PGlite" : "DATABASE_URL"})`);
      return 0;
    }
    case "worker": {
      const { values } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { clouds: { type: "string" } } });
      const { runWorker, workerClouds } = await import("./worker.ts");
      return runWorker(env, logger, workerClouds(values.clouds ?? env.CLOUDSYNC_WORKER_CLOUDS));
    }
    case "maintenance": {
      const { openDatabase } = await import("./context.ts");
      const { runMaintenance } = await import("../jobs/maintenance.ts");
      const handle = await openDatabase(env);
      try {
        const summary = await runMaintenance({ db: handle.db, logger });
        console.log(JSON.stringify(summary, null, 2));
        return 0;
      } finally {
        await handle.close();
      }
    }
    case "org":
    case "provider":
    case "sync": {
      const { runAdminCommand } = await import("./admin.ts");
      return runAdminCommand(env, logger, command, sub, rest);
    }
    case "keys": {
      const { runKeysCommand } = await import("./keys.ts");
      return runKeysCommand(env, sub, rest);
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${usage}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (raw: unknown) => {
    // A write the database refused becomes a message naming the rule and what it accepts.
    const error = explainDatabaseError(raw);
    const known = error instanceof UsageError || error instanceof EmulatorsMissingError || error instanceof EnvError || error instanceof CredentialsFileError || error instanceof KeyringError;
    console.error(`cloudsync: ${error instanceof Error ? error.message : String(error)}`);
    if (!known && error instanceof Error && error.stack && process.env.LOG_LEVEL === "debug") console.error(error.stack);
    process.exitCode = known ? 2 : 1;
  },
);
