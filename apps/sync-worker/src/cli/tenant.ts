import { type DbOrTx, withOrganization } from "@cloudsync/db";
import type { Env } from "../env.ts";
import { openDatabase } from "./context.ts";
import { CommandFailedError, UsageError } from "./errors.ts";
import { type OrganizationRef, resolveOrganization } from "./org.ts";

/** How every organization-scoped command names its organization (`provider add` does the same). */
export interface OrgOptions {
  org: string;
  ownerEmail?: string | undefined;
}

/**
 * Opens the database, resolves `--org` (id, or slug with its owner's email) and runs `fn` inside
 * `withOrganization`, so row-level security shows and accepts that organization's rows only:
 * a mistyped id can never reach another tenant's budget or alert. The transaction always
 * switches to `cloudsync_app`, whatever CLOUDSYNC_DB_ROLE says: `cloudsync_worker` has a policy
 * that lets it see every organization, which would defeat the point.
 */
export async function inOrganization<T>(env: Env, opts: OrgOptions, fn: (tx: DbOrTx, org: OrganizationRef) => Promise<T>): Promise<T> {
  const handle = await openDatabase(env);
  try {
    const org = await resolveOrganization(handle.db, opts);
    try {
      return await withOrganization(handle.db, org.organizationId, (tx) => fn(tx, org));
    } catch (error) {
      if (!cannotSetRole(error)) throw error;
      throw new CommandFailedError(
        "this command acts as cloudsync_app so that row-level security keeps it to one organization, and the login in DATABASE_URL may not switch to that role: " +
          "use the owner's login, or GRANT cloudsync_app TO the login. Nothing was written.",
      );
    }
  } finally {
    await handle.close();
  }
}

/** PostgreSQL's refusal of `SET ROLE` (42501 "permission denied to set role"), wrapped or not. */
function cannotSetRole(error: unknown): boolean {
  for (let e = error as { code?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "42501" && /set role/i.test(e.message ?? "")) return true;
  }
  return false;
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
