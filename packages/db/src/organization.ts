import { is, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx, Transaction } from "./client.ts";
import { InvalidInputError } from "./errors.ts";
import { queryRows } from "./queries/rows.ts";
import { requireUuid } from "./validate.ts";

export interface WithOrganizationOptions {
  /**
   * The role the transaction switches to, so row-level security applies even when the
   * connection belongs to the owner. Default `cloudsync_app`; `null` keeps the connection's own
   * role (for a login that is already subject to RLS, or for the owner reading one tenant).
   */
  role?: string | null;
}

/** What a transaction acts as: the organization setting and the role, as `set_config` takes them back. */
interface Identity {
  organization: string;
  role: string;
}

/**
 * Runs `fn` in a transaction that acts for one organization: `app.organization_id` is set for
 * the transaction only, and row-level security shows and accepts that organization's rows and
 * no others'. The setting ends with the transaction, so a pooled connection never carries one
 * tenant's identity into the next request.
 *
 * Called with a transaction (nested), `fn` runs in a savepoint of it, and when `fn` returns or
 * throws the outer transaction acts again for the organization and as the role it had before:
 * a `SET LOCAL` made in a savepoint that is released would otherwise outlive it, and the rest
 * of the outer transaction would act for the inner call's organization.
 */
export async function withOrganization<T>(
  db: DbOrTx,
  organizationId: string,
  fn: (tx: Transaction) => Promise<T>,
  options: WithOrganizationOptions = {},
): Promise<T> {
  const orgId = requireUuid("organizationId", organizationId);
  const role = options.role === undefined ? "cloudsync_app" : options.role;
  if (role !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(role)) {
    throw new InvalidInputError("role", `expected a lower-case PostgreSQL role name, got ${JSON.stringify(role)}`);
  }
  const outer = isTransaction(db) ? await identityOf(db) : undefined;
  const result = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.organization_id', ${orgId}, true)`);
    if (role !== null) await tx.execute(sql.raw(`set local role ${role}`));
    return fn(tx);
  });
  // When `fn` throws, rolling back to the savepoint has restored both settings already.
  if (outer && isTransaction(db)) await restore(db, outer);
  return result;
}

function isTransaction(db: DbOrTx): db is Transaction {
  return is(db, PgTransaction);
}

async function identityOf(tx: Transaction): Promise<Identity> {
  const [row] = await queryRows<Identity>(
    tx,
    sql`select coalesce(current_setting('app.organization_id', true), '') as organization, current_setting('role') as role`,
  );
  return row!;
}

async function restore(tx: Transaction, identity: Identity): Promise<void> {
  // `role = 'none'` is the connection's own role, as before any `SET ROLE`.
  await tx.execute(sql`select set_config('role', ${identity.role}, true), set_config('app.organization_id', ${identity.organization}, true)`);
}
