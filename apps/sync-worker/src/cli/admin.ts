import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { providerTypes, type ProviderType, syncKinds, type SyncKind } from "@cloudsync/db";
import type { Env } from "../env.ts";
import type { SyncDeps } from "../jobs/sync-resources.ts";
import type { Logger } from "../logger.ts";
import { createAdapter } from "../providers/adapters.ts";
import { CredentialsFileError } from "../providers/credentials.ts";
import { addProvider, listProviders, loadProviderForSync } from "../providers/registry.ts";
import { UsageError, openDatabase, requireKeyring } from "./context.ts";
import { ensureOrganization, findOrganization } from "./org.ts";
import { createProgress, renderTable } from "./output.ts";
import { runSyncs, summaryTable } from "./run-syncs.ts";

/** `org add`, `provider add|list`, `sync`: the commands that administer a real estate. */
export async function runAdminCommand(env: Env, logger: Logger, command: string, sub: string | undefined, rest: string[]): Promise<number> {
  if (command === "org" && sub === "add") return orgAdd(env, rest);
  if (command === "provider" && sub === "add") return providerAdd(env, rest);
  if (command === "provider" && sub === "list") return providerList(env);
  if (command === "sync") return sync(env, logger, [sub, ...rest].filter((a): a is string => a !== undefined));
  throw new UsageError(`unknown command: ${[command, sub].filter(Boolean).join(" ")} (try \`cloudsync help\`)`);
}

async function orgAdd(env: Env, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, slug: { type: "string" }, "owner-email": { type: "string" } } });
  if (!values.name || !values.slug || !values["owner-email"]) throw new UsageError("org add needs --name, --slug and --owner-email");
  const handle = await openDatabase(env);
  try {
    const org = await ensureOrganization(handle.db, { name: values.name, slug: values.slug, ownerEmail: values["owner-email"] });
    console.log(`${org.created ? "created" : "exists"}: organization ${org.slug} (${org.organizationId})`);
    return 0;
  } finally {
    await handle.close();
  }
}

async function providerAdd(env: Env, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { org: { type: "string" }, credentials: { type: "string" }, name: { type: "string" }, type: { type: "string" }, regions: { type: "string" } },
  });
  if (!values.org || !values.credentials) throw new UsageError("provider add needs --org SLUG and --credentials FILE (or - for standard input, or env:VAR for an environment variable)");
  if (values.type && !(providerTypes as readonly string[]).includes(values.type)) {
    throw new UsageError(`--type must be one of ${providerTypes.join(", ")} (got ${JSON.stringify(values.type)})`);
  }
  const keyring = requireKeyring(env);
  const credentials = readCredentials(values.credentials);
  const handle = await openDatabase(env);
  try {
    const org = await findOrganization(handle.db, values.org);
    const row = await addProvider(handle.db, keyring, {
      organizationId: org.organizationId,
      createdBy: org.ownerId,
      credentials,
      ...(values.name ? { displayName: values.name } : {}),
      ...(values.type ? { providerType: values.type as ProviderType } : {}),
      ...(values.regions ? { regions: values.regions.split(",").map((r) => r.trim()).filter(Boolean) } : {}),
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

async function providerList(env: Env): Promise<number> {
  const handle = await openDatabase(env);
  try {
    const providers = await listProviders(handle.db);
    if (providers.length === 0) {
      console.log("no providers yet: `cloudsync provider add --org SLUG --credentials FILE`");
      return 0;
    }
    console.log(
      renderTable(
        ["id", "cloud", "name", "active", "health", "last sync"],
        providers.map((p) => [p.id, p.providerName, p.displayName, p.isActive ? "yes" : "no", p.healthStatus ?? "unknown", p.lastSyncAt?.toISOString() ?? "never"]),
      ),
    );
    return 0;
  } finally {
    await handle.close();
  }
}

async function sync(env: Env, logger: Logger, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { provider: { type: "string" }, kind: { type: "string", default: "resources" } } });
  const kind = values.kind as SyncKind;
  if (!(syncKinds as readonly string[]).includes(kind)) {
    throw new UsageError(`--kind must be resources, costs or metrics (got ${JSON.stringify(values.kind)})`);
  }
  const keyring = requireKeyring(env);
  const handle = await openDatabase(env);
  try {
    const all = await listProviders(handle.db, { activeOnly: true });
    const providers = values.provider ? all.filter((p) => p.id === values.provider) : all;
    if (providers.length === 0) {
      throw new UsageError(values.provider ? `no active provider ${values.provider}; see \`cloudsync provider list\`` : "no active providers: add one with `cloudsync provider add`");
    }
    const deps: SyncDeps = {
      db: handle.db,
      loadProvider: (id) => loadProviderForSync(handle.db, keyring, id),
      adapterFor: (provider, settings) => createAdapter(provider.credentials, settings),
      clock: () => new Date(),
      logger,
    };
    const { summaries, failures } = await runSyncs(deps, providers, [kind], createProgress());
    if (summaries.length > 0) console.log(summaryTable(summaries));
    for (const f of failures) console.error(`${f.provider} ${f.kind}: ${f.error}`);
    return failures.length > 0 || summaries.some((s) => s.status !== "succeeded") ? 1 : 0;
  } finally {
    await handle.close();
  }
}
