// @ts-check
/**
 * The end-to-end sync in a process of its own, so its memory is measured alone: registers the
 * providers it is given (one, of one cloud, as a worker started with CLOUDSYNC_WORKER_CLOUDS
 * has) for the organization it is given, runs the worker's `syncResources` for them at once,
 * samples its RSS, and sends the parent its figures over IPC. Emulators run in the parent.
 *
 * Plain JavaScript on purpose: the process measured is Node and the worker's compiled modules,
 * as in production, without a TypeScript loader's memory on top.
 */
import { createDb } from "@cloudsync/db";
import { childInput, sendResult } from "./child-io.mjs";
import { addProvider, createAdapter, loadProviderForSync, parseKeyring, silentLogger, syncResources } from "@cloudsync/sync-worker";

/** @typedef {import("./e2e-types.ts").E2eChildInput} E2eChildInput */
/** @typedef {import("./e2e-types.ts").E2eChildResult} E2eChildResult */

const moduleRss = process.memoryUsage().rss;

async function main() {
  const input = /** @type {E2eChildInput} */ (await childInput("the end-to-end sync process"));
  const handle = await createDb({ url: input.url, maxConnections: 6 });
  const keyring = parseKeyring(input.keyring);
  try {
    /** @type {string[]} */
    const providerIds = [];
    for (const credentials of input.credentials) {
      providerIds.push((await addProvider(handle.db, keyring, { organizationId: input.organizationId, createdBy: input.userId, credentials })).id);
    }
    /** @type {import("@cloudsync/sync-worker").SyncDeps} */
    const deps = {
      db: handle.db,
      loadProvider: (id) => loadProviderForSync(handle.db, keyring, id),
      adapterFor: (provider, settings) => createAdapter(provider.credentials, settings),
      clock: () => new Date(),
      logger: silentLogger(),
    };
    const startRss = process.memoryUsage().rss;
    let sampledPeakRss = startRss;
    let peakHeapUsed = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      sampledPeakRss = Math.max(sampledPeakRss, usage.rss);
      peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed);
    }, 100);
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    const summaries = await Promise.all(providerIds.map((providerId) => syncResources(deps, { providerId, trigger: "manual" })));
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    clearInterval(sampler);
    /** @type {E2eChildResult} */
    const result = {
      ms,
      resources: summaries.reduce((n, s) => n + s.inserted + s.updated + s.unchanged, 0),
      summaries: summaries.map((s) => ({
        provider: s.providerName,
        status: s.status,
        inserted: s.inserted,
        updated: s.updated,
        unchanged: s.unchanged,
        skipped: s.skipped,
        scopesCompleted: s.scopesCompleted,
        scopesFailed: s.scopesFailed,
        ms: s.durationMs,
        errors: s.errors.slice(0, 5),
      })),
      moduleRss,
      startRss,
      sampledPeakRss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakHeapUsed,
    };
    await sendResult(result);
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
