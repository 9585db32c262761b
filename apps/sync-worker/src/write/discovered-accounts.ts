import type { AccountDiscovery } from "@cloudsync/cloud";
import { type DbOrTx, discoveredAccounts, queryRows, withOrganization } from "@cloudsync/db";
import { and, eq, isNull, notInArray, sql } from "drizzle-orm";

export interface DiscoveryWriteContext {
  organizationId: string;
  providerId: string;
  syncRunId: string;
}

export interface DiscoveryOutcome {
  /** Accounts listed for the first time (or again after leaving). */
  joined: string[];
  /** Accounts of the same root no longer listed: marked `left`. */
  left: string[];
  /** Resources of departed accounts marked terminated. */
  terminated: number;
}

/**
 * Records a successful discovery in `discovered_accounts` and acts on who left, in one
 * transaction: every listed account is upserted with its state and `last_seen_at`; an account of
 * the same root that the list no longer holds is marked `left`, and its live resources are
 * terminated (with a `resource_changes` row each). That is the only way a discovered account's
 * resources are terminated wholesale: a failed discovery never gets here, and an account the
 * provider also lists by hand (`keep`) is still read, so its own scopes decide. Rows of another
 * root (the provider was pointed at a different organization) are not judged by this one.
 */
export async function recordDiscovery(
  db: DbOrTx,
  ctx: DiscoveryWriteContext,
  discovery: AccountDiscovery,
  options: { keep?: ReadonlySet<string>; now: Date },
): Promise<DiscoveryOutcome> {
  const listed = discovery.accounts.map((a) => a.account);
  return withOrganization(
    db,
    ctx.organizationId,
    async (tx) => {
      const before = await tx
        .select({ accountId: discoveredAccounts.accountId, leftAt: discoveredAccounts.leftAt })
        .from(discoveredAccounts)
        .where(eq(discoveredAccounts.providerId, ctx.providerId));
      const known = new Map(before.map((r) => [r.accountId, r.leftAt]));
      const joined = listed.filter((a) => !known.has(a) || known.get(a) !== null);
      if (discovery.accounts.length > 0) {
        await tx
          .insert(discoveredAccounts)
          .values(
            discovery.accounts.map((a) => ({
              organizationId: ctx.organizationId,
              providerId: ctx.providerId,
              accountId: a.account,
              accountName: a.name,
              parentPath: a.parentPath,
              root: discovery.root,
              state: a.state,
              stateReason: a.reason,
              discoveredAt: options.now,
              lastSeenAt: options.now,
            })),
          )
          .onConflictDoUpdate({
            target: [discoveredAccounts.organizationId, discoveredAccounts.providerId, discoveredAccounts.accountId],
            set: {
              accountName: sql`excluded.account_name`,
              parentPath: sql`excluded.parent_path`,
              root: sql`excluded.root`,
              state: sql`excluded.state`,
              stateReason: sql`excluded.state_reason`,
              lastSeenAt: sql`excluded.last_seen_at`,
              leftAt: sql`null`,
            },
          });
      }
      const gone = await tx
        .update(discoveredAccounts)
        .set({ state: "left", leftAt: options.now, stateReason: `no longer listed by ${discovery.root}` })
        .where(
          and(
            eq(discoveredAccounts.providerId, ctx.providerId),
            eq(discoveredAccounts.root, discovery.root),
            isNull(discoveredAccounts.leftAt),
            ...(listed.length > 0 ? [notInArray(discoveredAccounts.accountId, listed)] : []),
          ),
        )
        .returning({ accountId: discoveredAccounts.accountId });
      const left = gone.map((g) => g.accountId).sort();
      const doomed = left.filter((a) => !options.keep?.has(a));
      let terminated = 0;
      if (doomed.length > 0) {
        const [row] = await queryRows<{ terminated: number }>(tx, terminateAccountsStatement(ctx, doomed));
        terminated = row?.terminated ?? 0;
      }
      return { joined, left, terminated };
    },
    { role: null },
  );
}

/** Marks every live resource of the given accounts of one provider terminated, recording each termination. */
function terminateAccountsStatement(ctx: DiscoveryWriteContext, accounts: readonly string[]) {
  return sql`
    with doomed as (
      select c.id, c.resource_status as old_status
        from cloud_resources c
       where c.organization_id = ${ctx.organizationId}::uuid
         and c.provider_id = ${ctx.providerId}::uuid
         and c.cloud_account_id in (select jsonb_array_elements_text(${JSON.stringify(accounts)}::jsonb))
         and c.resource_status <> 'terminated'
         for update
    ),
    gone as (
      update cloud_resources c
         set resource_status = 'terminated', terminated_at = now(), content_hash = null
        from doomed d
       where c.id = d.id and c.organization_id = ${ctx.organizationId}::uuid
      returning c.id, d.old_status
    ),
    changes as (
      insert into resource_changes (organization_id, provider_id, resource_id, sync_run_id, change_type,
                                    changed_fields, old_values, new_values)
      select ${ctx.organizationId}::uuid, ${ctx.providerId}::uuid, g.id, ${ctx.syncRunId}::uuid, 'terminated',
             array['resource_status'], jsonb_build_object('resource_status', g.old_status),
             jsonb_build_object('resource_status', 'terminated', 'reason', 'account left the organization')
        from gone g
      returning 1
    )
    select (select count(*) from gone)::int as terminated`;
}

export interface DiscoveredAccountCounts {
  providerId: string;
  root: string | null;
  total: number;
  byState: Record<string, number>;
  lastSeenAt: Date | null;
}

/** Per provider: how many discovered accounts are in each state, for `provider list`. */
export async function discoveredAccountCounts(db: DbOrTx): Promise<Map<string, DiscoveredAccountCounts>> {
  const rows = await db
    .select({
      providerId: discoveredAccounts.providerId,
      state: discoveredAccounts.state,
      root: sql<string>`max(${discoveredAccounts.root})`,
      count: sql<number>`count(*)::int`,
      lastSeenAt: sql<Date | string | null>`max(${discoveredAccounts.lastSeenAt})`,
    })
    .from(discoveredAccounts)
    .groupBy(discoveredAccounts.providerId, discoveredAccounts.state);
  const out = new Map<string, DiscoveredAccountCounts>();
  for (const r of rows) {
    const entry = out.get(r.providerId) ?? { providerId: r.providerId, root: r.root, total: 0, byState: {}, lastSeenAt: null };
    entry.total += r.count;
    entry.byState[r.state] = r.count;
    const seen = r.lastSeenAt === null ? null : new Date(r.lastSeenAt);
    if (seen && (!entry.lastSeenAt || seen > entry.lastSeenAt)) entry.lastSeenAt = seen;
    out.set(r.providerId, entry);
  }
  return out;
}

/** One provider's discovered accounts, for `provider list --json` and the demo. */
export async function listDiscoveredAccounts(db: DbOrTx, providerId: string) {
  return db
    .select({
      accountId: discoveredAccounts.accountId,
      name: discoveredAccounts.accountName,
      state: discoveredAccounts.state,
      reason: discoveredAccounts.stateReason,
      parentPath: discoveredAccounts.parentPath,
      discoveredAt: discoveredAccounts.discoveredAt,
      lastSeenAt: discoveredAccounts.lastSeenAt,
      leftAt: discoveredAccounts.leftAt,
    })
    .from(discoveredAccounts)
    .where(eq(discoveredAccounts.providerId, providerId))
    .orderBy(discoveredAccounts.accountId);
}
