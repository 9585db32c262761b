import { type Database, cloudProviders } from "@cloudsync/db";
import { eq } from "drizzle-orm";
import { type Keyring, KeyringError, isEnvelope } from "./keyring.ts";

export interface RotatedProvider {
  id: string;
  organizationId: string;
  providerName: string;
  /** The key the credentials were sealed with before the rotation. */
  fromKeyId: string;
  action: "rotated" | "already_current";
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
 * Run it as the owner of the tables: row-level security hides every row from a role it applies
 * to when no organization is set, and a rotation that sees no rows would rotate nothing.
 */
export async function rotateProviderCredentials(db: Database, keyring: Keyring, options: { dryRun?: boolean } = {}): Promise<RotationResult> {
  try {
    return await db.transaction(async (tx) => {
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
        try {
          plaintext = keyring.open(envelope);
        } catch {
          throw new KeyRotationError(`${label}: credentials sealed with key "${envelope.kid}" could not be opened (wrong key material for that id, or altered data). Nothing was changed.`);
        }
        const current = envelope.kid === keyring.activeKeyId;
        providers.push({ id: row.id, organizationId: row.organizationId, providerName: row.providerName, fromKeyId: envelope.kid, action: current ? "already_current" : "rotated" });
        if (!current) updates.push({ id: row.id, sealed: keyring.seal(plaintext) as unknown as Record<string, unknown> });
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
