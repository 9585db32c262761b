import type { Env } from "../env.ts";
import type { Logger } from "../logger.ts";
import { openDatabase } from "./context.ts";

/** `cloudsync migrate`: the connection is checked first, so a failure names the server and why. */
export async function runMigrate(env: Env): Promise<number> {
  const handle = await openDatabase(env, { migrate: true });
  await handle.close();
  console.log(`migrations applied (${handle.driver === "pglite" ? "embedded PGlite" : "DATABASE_URL"})`);
  return 0;
}

/** `cloudsync maintenance`: what the worker's maintenance job does, once, printed as JSON. */
export async function runMaintenanceCommand(env: Env, logger: Logger): Promise<number> {
  const { runMaintenance } = await import("../jobs/maintenance.ts");
  const handle = await openDatabase(env);
  try {
    const summary = await runMaintenance({ db: handle.db, logger }, { trigger: "cli" });
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  } finally {
    await handle.close();
  }
}
