import type { Env } from "../env.ts";
import { rotateProviderCredentials, sealedKeyCounts } from "../secrets/rotate.ts";
import { openDatabase, requireKeyring } from "./context.ts";
import { renderTable } from "./output.ts";

const actionText = { rotated: "rotated", bound: "bound to provider", already_current: "already current" } as const;

/**
 * `keys rotate [--dry-run]`: re-seal every provider's credentials with the active key. Advice to
 * remove an older key comes from counting, after the commit, what is still sealed under it: a
 * `provider add` by a process with the old key list can seal under an old key at any time.
 */
export async function runKeysRotate(env: Env, opts: { dryRun: boolean }): Promise<number> {
  const keyring = requireKeyring(env);
  const handle = await openDatabase(env);
  try {
    const result = await rotateProviderCredentials(handle.db, keyring, { dryRun: opts.dryRun });
    if (result.providers.length > 0) {
      console.log(
        renderTable(
          ["provider", "cloud", "organization", "was sealed with", "action"],
          result.providers.map((p) => [p.id, p.providerName, p.organizationId, p.fromKeyId, result.dryRun && p.action !== "already_current" ? `would be ${actionText[p.action]}` : actionText[p.action]]),
        ),
      );
    }
    const verb = result.dryRun ? "dry run, nothing written: would rotate" : "rotated";
    console.log(`${verb} ${result.rotated}, already current ${result.alreadyCurrent} (active key ${result.activeKeyId})`);
    if (result.dryRun) return 0;
    const { byKey, unbound } = await sealedKeyCounts(handle.db);
    for (const line of keyRemovalAdvice(keyring.activeKeyId, keyring.keyIds, byKey)) console.log(line);
    if (unbound > 0) console.log(`${unbound} envelope${unbound === 1 ? " is" : "s are"} not yet bound to their provider; run \`cloudsync keys rotate\` again`);
    return 0;
  } finally {
    await handle.close();
  }
}

/**
 * What to tell the operator about each older key, from what the database still holds after the
 * rotation: remove a key only when no envelope is sealed with it.
 */
export function keyRemovalAdvice(activeKeyId: string, keyIds: readonly string[], sealedByKey: ReadonlyMap<string, number>): string[] {
  return keyIds
    .filter((id) => id !== activeKeyId)
    .map((id) => {
      const left = sealedByKey.get(id) ?? 0;
      return left === 0
        ? `no provider is sealed with "${id}" any more; remove it from CLOUDSYNC_ENCRYPTION_KEYS once every worker runs with "${activeKeyId}" first`
        : `keep "${id}": ${left} provider${left === 1 ? " is" : "s are"} still sealed with it (sealed after the rotation read them, by a process with the old key list); run \`cloudsync keys rotate\` again once every process has "${activeKeyId}" first`;
    });
}
