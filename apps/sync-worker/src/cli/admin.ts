import { readFileSync } from "node:fs";
import { type SourceKind, cloudsWithSource } from "@cloudsync/cloud";
import type { ProviderType, SyncKind } from "@cloudsync/db";
import type { Env } from "../env.ts";
import type { SyncDeps } from "../jobs/sync-resources.ts";
import type { Logger } from "../logger.ts";
import { createAdapter } from "../providers/adapters.ts";
import { CredentialsFileError } from "../providers/credentials.ts";
import { addProvider, listProviders, loadProviderForSync } from "../providers/registry.ts";
import { kindRunsFor } from "../queues/configs.ts";
import { CommandFailedError, openDatabase, requireKeyring } from "./context.ts";
import { ensureOrganization, resolveOrganization } from "./org.ts";
import { createProgress, renderTable } from "./output.ts";
import { runSyncs, summaryTable } from "./run-syncs.ts";

/** `org add`: prints the id, which is how `provider add --org` names the organization best. */
export async function orgAdd(env: Env, opts: { name: string; slug: string; ownerEmail: string }): Promise<number> {
  const handle = await openDatabase(env);
  try {
    const org = await ensureOrganization(handle.db, opts);
    console.log(`${org.created ? "created" : "exists, with this owner"}: organization ${org.slug} (${org.organizationId})`);
    return 0;
  } finally {
    await handle.close();
  }
}

export async function providerAdd(
  env: Env,
  opts: { org: string; ownerEmail?: string | undefined; credentials: string; name?: string | undefined; type?: string | undefined; regions?: string | undefined },
): Promise<number> {
  const keyring = requireKeyring(env);
  const credentials = readCredentials(opts.credentials);
  const handle = await openDatabase(env);
  try {
    const org = await resolveOrganization(handle.db, { org: opts.org, ownerEmail: opts.ownerEmail });
    const row = await addProvider(handle.db, keyring, {
      organizationId: org.organizationId,
      createdBy: org.ownerId,
      credentials,
      ...(opts.name ? { displayName: opts.name } : {}),
      ...(opts.type ? { providerType: opts.type as ProviderType } : {}),
      ...(opts.regions ? { regions: opts.regions.split(",").map((r) => r.trim()).filter(Boolean) } : {}),
    });
    console.log(`registered ${row.providerName} provider "${row.displayName}" (${row.id}) for ${org.slug}; credentials stored encrypted with key ${keyring.activeKeyId}`);
    return 0;
  } finally {
    await handle.close();
  }
}

function readCredentials(source: string): unknown {
  let text: string;
  if (source.startsWith("env:")) {
    // Credentials from an environment variable (a secret store's injection), never from argv.
    const name = source.slice(4);
    const value = name ? process.env[name] : undefined;
    if (!value) throw new CredentialsFileError(`environment variable ${JSON.stringify(name)} named by --credentials is empty or unset`);
    text = value;
    source = `environment variable ${name}`;
  } else try {
    text = readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (error) {
    throw new CredentialsFileError(`cannot read credentials from ${source === "-" ? "standard input" : source}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message may quote the file, and the file holds secrets: say only where.
    throw new CredentialsFileError(`${source === "-" ? "standard input" : source} is not valid JSON; see README "Pointing the adapters at real accounts" for the format`);
  }
}

export async function providerList(env: Env, opts: { json?: boolean } = {}): Promise<number> {
  const handle = await openDatabase(env);
  try {
    const { printProviders } = await import("./provider-accounts.ts");
    await printProviders(handle.db, await listProviders(handle.db), opts.json ?? false);
    return 0;
  } finally {
    await handle.close();
  }
}

export async function sync(env: Env, logger: Logger, opts: { provider?: string | undefined; kind: SyncKind }): Promise<number> {
  const keyring = requireKeyring(env);
  const handle = await openDatabase(env);
  try {
    const all = await listProviders(handle.db, { activeOnly: true });
    const chosen = opts.provider ? all.filter((p) => p.id === opts.provider) : all;
    if (chosen.length === 0) {
      throw new CommandFailedError(opts.provider ? `no active provider ${opts.provider}; see \`cloudsync provider list\`` : "no active providers: add one with `cloudsync provider add`");
    }
    const providers = chosen.filter((p) => kindRunsFor(p.providerName, opts.kind));
    if (providers.length === 0) {
      const clouds = [...new Set(chosen.map((p) => p.providerName))].join(", ");
      throw new CommandFailedError(`no ${opts.kind} to sync: the ${clouds} adapter${chosen.length > 1 ? "s read" : " reads"} no ${opts.kind} (they are read for ${cloudsWithSource[opts.kind as SourceKind].join(", ")})`);
    }
    const deps: SyncDeps = {
      db: handle.db,
      loadProvider: (id) => loadProviderForSync(handle.db, keyring, id),
      adapterFor: (provider, settings) => createAdapter(provider.credentials, settings),
      clock: () => new Date(),
      logger,
    };
    const { summaries, failures } = await runSyncs(deps, providers, [opts.kind], createProgress());
    if (summaries.length > 0) console.log(summaryTable(summaries));
    for (const f of failures) console.error(`${f.provider} ${f.kind}: ${f.error}`);
    return failures.length > 0 || summaries.some((s) => s.status !== "succeeded") ? 1 : 0;
  } finally {
    await handle.close();
  }
}
