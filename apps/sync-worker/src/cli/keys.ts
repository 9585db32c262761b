import { parseArgs } from "node:util";
import type { Env } from "../env.ts";
import { rotateProviderCredentials } from "../secrets/rotate.ts";
import { UsageError, openDatabase, requireKeyring } from "./context.ts";
import { renderTable } from "./output.ts";

/** `keys rotate [--dry-run]`: re-seal every provider's credentials with the active key. */
export async function runKeysCommand(env: Env, sub: string | undefined, rest: string[]): Promise<number> {
  if (sub !== "rotate") throw new UsageError(`unknown command: keys${sub ? ` ${sub}` : ""} (try \`cloudsync keys rotate\`)`);
  const { values } = parseArgs({ args: rest, options: { "dry-run": { type: "boolean", default: false } } });
  const keyring = requireKeyring(env);
  const handle = await openDatabase(env);
  try {
    const result = await rotateProviderCredentials(handle.db, keyring, { dryRun: values["dry-run"] });
    if (result.providers.length > 0) {
      console.log(
        renderTable(
          ["provider", "cloud", "organization", "was sealed with", "action"],
          result.providers.map((p) => [p.id, p.providerName, p.organizationId, p.fromKeyId, p.action === "rotated" ? (result.dryRun ? "would rotate" : "rotated") : "already current"]),
        ),
      );
    }
    const verb = result.dryRun ? "dry run, nothing written: would rotate" : "rotated";
    console.log(`${verb} ${result.rotated}, already current ${result.alreadyCurrent} (active key ${result.activeKeyId})`);
    const older = keyring.keyIds.filter((id) => id !== keyring.activeKeyId);
    if (!result.dryRun && older.length > 0) {
      console.log(`no provider needs ${older.map((id) => `"${id}"`).join(", ")} any more; remove it from CLOUDSYNC_ENCRYPTION_KEYS once every worker runs with "${result.activeKeyId}"`);
    }
    return 0;
  } finally {
    await handle.close();
  }
}
