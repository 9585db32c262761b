import { type DbHandle, createDb, migrate } from "@cloudsync/db";
import type { Env } from "../env.ts";
import { type Keyring, parseKeyring } from "../secrets/keyring.ts";
import { checkConnection, checkMigrated } from "./database-checks.ts";
import { UsageError } from "./errors.ts";

/**
 * Opens the database the environment names (embedded PGlite when DATABASE_URL is unset). The
 * embedded database is migrated on open; a server only when asked (`cloudsync migrate`, the
 * demo, or CLOUDSYNC_RUN_MIGRATIONS=true), since the worker's role may not change the schema.
 * A server is checked first: unreachable, or not migrated, fails here with a message that says
 * which and what to do, instead of a "Failed query" from whichever statement came first.
 */
export async function openDatabase(env: Env, options: { migrate?: boolean } = {}): Promise<DbHandle> {
  const handle = await createDb({ url: env.DATABASE_URL, dataDir: env.CLOUDSYNC_DATA_DIR, role: env.CLOUDSYNC_DB_ROLE });
  try {
    const shouldMigrate = options.migrate ?? (handle.driver === "pglite" || env.CLOUDSYNC_RUN_MIGRATIONS);
    if (env.DATABASE_URL) await checkConnection(handle.db, env.DATABASE_URL, env.CLOUDSYNC_DB_ROLE);
    if (shouldMigrate) await migrate(handle);
    else if (env.DATABASE_URL) await checkMigrated(handle.db, env.DATABASE_URL);
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

export { CommandFailedError, UsageError } from "./errors.ts";

export function requireKeyring(env: Env): Keyring {
  if (!env.CLOUDSYNC_ENCRYPTION_KEYS) {
    throw new UsageError(
      "CLOUDSYNC_ENCRYPTION_KEYS is not set: provider credentials are stored encrypted. Set it to keyid:base64key, e.g.\n" +
        '  export CLOUDSYNC_ENCRYPTION_KEYS="k1:$(openssl rand -base64 32)"\nand keep it: without it stored credentials cannot be opened.',
    );
  }
  return parseKeyring(env.CLOUDSYNC_ENCRYPTION_KEYS);
}
