import { sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { InvalidInputError } from "./errors.ts";
import { requireUuid } from "./validate.ts";

export interface WithOrganizationOptions {
  /**
   * The role the transaction switches to, so row-level security applies even when the
   * connection belongs to the owner. Default `cloudsync_app`; `null` keeps the connection's own
   * role (for a login that is already subject to RLS, or for the owner reading one tenant).
   */
  role?: string | null;
}

/**
 * Runs `fn` in a transaction that acts for one organization: `app.organization_id` is set for
 * the transaction only, and row-level security shows and accepts that organization's rows and
 * no others'. The setting ends with the transaction, so a pooled connection never carries one
 * tenant's identity into the next request.
 */
export async function withOrganization<T>(
  db: Database,
  organizationId: string,
  fn: (tx: Database) => Promise<T>,
  options: WithOrganizationOptions = {},
): Promise<T> {
  const orgId = requireUuid("organizationId", organizationId);
  const role = options.role === undefined ? "cloudsync_app" : options.role;
  if (role !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(role)) {
    throw new InvalidInputError("role", `expected a lower-case PostgreSQL role name, got ${JSON.stringify(role)}`);
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.organization_id', ${orgId}, true)`);
    if (role !== null) await tx.execute(sql.raw(`set local role ${role}`));
    return fn(tx as unknown as Database);
  });
}
