import { type Database, withOrganization } from "@cloudsync/db";
import type { Env } from "../env.ts";
import { openDatabase } from "./context.ts";
import { UsageError } from "./errors.ts";
import { type OrganizationRef, resolveOrganization } from "./org.ts";

/** How every organization-scoped command names its organization (`provider add` does the same). */
export interface OrgOptions {
  org: string;
  ownerEmail?: string | undefined;
}

/**
 * Opens the database, resolves `--org` (id, or slug with its owner's email) and runs `fn` inside
 * `withOrganization`, so row-level security shows and accepts that organization's rows only:
 * a mistyped id can never reach another tenant's budget or alert. The transaction runs as
 * `cloudsync_app`, unless CLOUDSYNC_DB_ROLE names the role already (a role RLS filters too).
 */
export async function inOrganization<T>(env: Env, opts: OrgOptions, fn: (tx: Database, org: OrganizationRef) => Promise<T>): Promise<T> {
  const handle = await openDatabase(env);
  try {
    const org = await resolveOrganization(handle.db, opts);
    return await withOrganization(handle.db, org.organizationId, (tx) => fn(tx, org), env.CLOUDSYNC_DB_ROLE ? { role: null } : {});
  } finally {
    await handle.close();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An id argument checked before any database work, so a typo is a usage error (2). */
export function requireId(what: string, value: string, listCommand: string): string {
  if (!isUuid(value)) throw new UsageError(`${what} must be an id (uuid), got ${JSON.stringify(value)}; \`${listCommand}\` shows the ids`);
  return value;
}
