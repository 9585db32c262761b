import { type Database, type DbOrTx, cloudProviders, queryRows } from "@cloudsync/db";
import { eq, sql } from "drizzle-orm";
import { type Keyring, KeyringError, currentEnvelopeVersion, isEnvelope } from "./keyring.ts";

export interface RotatedProvider {
  id: string;
  organizationId: string;
  providerName: string;
  /** The key the credentials were sealed with before the rotation. */
  fromKeyId: string;
  /** rotated: onto the active key; bound: already on it, re-sealed bound to the provider (version 1 before). */
  action: "rotated" | "bound" | "already_current";
}

export interface RotationResult {
  activeKeyId: string;
  rotated: number;
  alreadyCurrent: number;
  providers: RotatedProvider[];
  /** True when the transaction was rolled back on purpose (`dryRun`). */
  dryRun: boolean;
}

/** A rotation that stopped before writing anything; the message names the provider and the key. */
export class KeyRotationError extends KeyringError {
  override name = "KeyRotationError";
}

/** A rotation refused because the role it runs as cannot see every provider. */
export class RotationNotPermittedError extends Error {
  override name = "RotationNotPermittedError";
}

/**
 * Refuses to go on unless this connection sees every row of cloud_providers: row-level security
 * does not apply to it (the tables' owner, a superuser, BYPASSRLS), or the only policies that
 * apply to its role are permissive FOR ALL ones with `USING (true)` (the worker's, 0010). A role
 * filtered by RLS sees a subset (none, without an organization set) and a rotation would leave
 * the rest sealed under a key the operator is then told to remove.
 */
export async function assertSeesEveryProvider(db: DbOrTx): Promise<void> {
  const [state] = await queryRows<{ role: string; rls: boolean; open_policy: boolean; restricted: boolean }>(
    db,
    sql`with applicable as (
          select p.* from pg_policies p
           where p.schemaname = 'public' and p.tablename = 'cloud_providers'
             and exists (select 1 from unnest(p.roles) r
                          where case when r = 'public' then true else pg_has_role(current_user, r, 'member') end))
        select current_user::text as role,
               row_security_active('public.cloud_providers') as rls,
               exists (select 1 from applicable where permissive = 'PERMISSIVE' and cmd = 'ALL'
                          and qual = 'true' and coalesce(with_check, 'true') = 'true') as open_policy,
               exists (select 1 from applicable where permissive = 'RESTRICTIVE') as restricted`,
  );
  if (state && (!state.rls || (state.open_policy && !state.restricted))) return;
  throw new RotationNotPermittedError(
    `keys rotate refused: role "${state?.role ?? "(unknown)"}" sees cloud_providers through row-level security, so it cannot see every provider, and the ones it does not see would stay sealed under the old key. ` +
      "Run it as the owner of the tables (the login that runs `cloudsync migrate`) or as cloudsync_worker (CLOUDSYNC_DB_ROLE=cloudsync_worker). Nothing was changed.",
  );
}

/** How many providers' envelopes each key id still seals, and how many are not yet bound (version 1). */
export async function sealedKeyCounts(db: DbOrTx): Promise<{ byKey: Map<string, number>; unbound: number }> {
  const rows = await queryRows<{ kid: string | null; v: string | null; n: number }>(
    db,
    sql`select credentials_config->>'kid' as kid, credentials_config->>'v' as v, count(*)::int as n
          from cloud_providers group by 1, 2`,
  );
  const byKey = new Map<string, number>();
  let unbound = 0;
  for (const r of rows) {
    byKey.set(r.kid ?? "(none)", (byKey.get(r.kid ?? "(none)") ?? 0) + r.n);
    if (Number(r.v) < currentEnvelopeVersion) unbound += r.n;
  }
  return { byKey, unbound };
}

/** Thrown inside the transaction to roll a dry run back after the work was done. */
class DryRunRollback extends Error {
  constructor(readonly result: RotationResult) {
    super("dry run");
  }
}

/**
 * Re-seals every provider's `credentials_config` with the keyring's active key, in one
 * transaction that holds the rows `FOR UPDATE` (a concurrent `provider add` waits; it cannot
 * write an envelope the rotation then overwrites). Every envelope is opened first, including
 * those already on the active key, so the rotation doubles as a check that every stored
 * credential is readable: one that is not (missing key, wrong key, altered data, plaintext)
 * aborts the whole rotation and nothing is written. Plaintext exists only in memory.
 *
 * Envelopes not yet bound to their provider (version 1) are re-sealed bound even when their key
 * is already the active one. It refuses to run under a role that row-level security filters
 * (`assertSeesEveryProvider`).
 */
export async function rotateProviderCredentials(db: Database, keyring: Keyring, options: { dryRun?: boolean } = {}): Promise<RotationResult> {
  try {
    return await db.transaction(async (tx) => {
      await assertSeesEveryProvider(tx);
      const rows = await tx
        .select({
          id: cloudProviders.id,
          organizationId: cloudProviders.organizationId,
          providerName: cloudProviders.providerName,
          credentialsConfig: cloudProviders.credentialsConfig,
        })
        .from(cloudProviders)
        .orderBy(cloudProviders.id)
        .for("update");

      const providers: RotatedProvider[] = [];
      const updates: { id: string; sealed: Record<string, unknown> }[] = [];
      // Open everything before writing anything: an unreadable envelope fails fast, with no
      // half-done work to roll back and nothing decrypted kept longer than one iteration.
      for (const row of rows) {
        const label = `provider ${row.id} (${row.providerName}, organization ${row.organizationId})`;
        const envelope = row.credentialsConfig;
        if (!isEnvelope(envelope)) {
          throw new KeyRotationError(`${label}: credentials_config is not an encrypted envelope; register the provider again with \`cloudsync provider add\`, then rotate. Nothing was changed.`);
        }
        if (!keyring.keyIds.includes(envelope.kid)) {
          throw new KeyRotationError(
            `${label} is sealed with key "${envelope.kid}", which is not in CLOUDSYNC_ENCRYPTION_KEYS (${keyring.keyIds.join(", ")}); add that key after the active one and rotate again. Nothing was changed.`,
          );
        }
        let plaintext: unknown;
        const binding = { organizationId: row.organizationId, providerId: row.id };
        try {
          plaintext = keyring.open(envelope, binding);
        } catch {
          throw new KeyRotationError(
            `${label}: credentials sealed with key "${envelope.kid}" could not be opened (wrong key material for that id, altered data, or an envelope copied from another provider). Register that provider's credentials again with \`cloudsync provider add\`, then rotate. Nothing was changed.`,
          );
        }
        const onActiveKey = envelope.kid === keyring.activeKeyId;
        const bound = envelope.v >= currentEnvelopeVersion;
        const action = !onActiveKey ? "rotated" : bound ? "already_current" : "bound";
        providers.push({ id: row.id, organizationId: row.organizationId, providerName: row.providerName, fromKeyId: envelope.kid, action });
        if (action !== "already_current") updates.push({ id: row.id, sealed: keyring.seal(plaintext, binding) as unknown as Record<string, unknown> });
      }
      for (const u of updates) {
        await tx.update(cloudProviders).set({ credentialsConfig: u.sealed }).where(eq(cloudProviders.id, u.id));
      }
      const result: RotationResult = {
        activeKeyId: keyring.activeKeyId,
        rotated: updates.length,
        alreadyCurrent: providers.length - updates.length,
        providers,
        dryRun: options.dryRun === true,
      };
      if (options.dryRun) throw new DryRunRollback(result);
      return result;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}
