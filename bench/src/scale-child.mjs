// @ts-check
/**
 * One worker process of the scale step (src/steps/scale.ts): the worker's own `startWorker` and
 * resource processor (with the per-account fan-out, as `cloudsync worker` builds them) on the
 * queue prefix it is given, taking AWS resource jobs until told to stop. It counts what a
 * process is judged on: the jobs it took (provider syncs and shards), the HTTP requests its SDK
 * clients sent (Node's `http.client.request.start` diagnostics channel: every API call,
 * retries and STS included), the throttles its adapters met, and its CPU time.
 *
 * Messages: input (first message in) → `{ type: "ready" }` → `{ type: "stop" }` (in) → result.
 */
import diagnostics from "node:diagnostics_channel";
import { createDb } from "@cloudsync/db";
import { createAdapter, createAdapterPool, loadProviderForSync, parseKeyring, silentLogger } from "@cloudsync/sync-worker";
import { resourceSyncProcessor, startWorker } from "@cloudsync/sync-worker/queues";
import { childInput, sendResult } from "./child-io.mjs";

/** @typedef {import("./scale-types.ts").ScaleChildInput} ScaleChildInput */
/** @typedef {import("./scale-types.ts").ScaleChildResult} ScaleChildResult */

let apiCalls = 0;
diagnostics.subscribe("http.client.request.start", () => {
  apiCalls++;
});

async function main() {
  const input = /** @type {ScaleChildInput} */ (await childInput("a worker process of the scale step"));
  const handle = await createDb({ url: input.url, maxConnections: 10 });
  const keyring = parseKeyring(input.keyring);
  let throttles = 0;
  const jobs = { providerSteps: 0, shards: 0, failed: 0 };
  /** @type {import("@cloudsync/sync-worker").SyncDeps["adapterFor"]} */
  const adapterFor = (provider, settings) =>
    createAdapter(provider.credentials, {
      ...settings,
      onThrottle: () => {
        throttles++;
      },
    });
  // As `cloudsync worker` builds them: shards share the process's adapters, sized to the slots.
  const adapters = createAdapterPool({ build: adapterFor });
  /** @type {import("@cloudsync/sync-worker").SyncDeps} */
  const deps = {
    db: handle.db,
    loadProvider: (id) => loadProviderForSync(handle.db, keyring, id),
    adapterFor,
    shardAdapterFor: adapters.adapterFor,
    clock: () => new Date(),
    logger: silentLogger(),
  };
  const processor = resourceSyncProcessor(deps, undefined, { accountsPerShard: input.accountsPerShard, jobSlots: input.jobSlots });
  const cpuAtStart = process.cpuUsage();
  const callsAtStart = apiCalls;
  const worker = await startWorker({
    connection: input.redisUrl,
    prefix: input.prefix,
    logger: silentLogger(),
    clouds: ["aws"],
    processors: {
      resources: async (payload, job, context) => {
        if (payload.shard) jobs.shards++;
        else jobs.providerSteps++;
        try {
          return await processor(payload, job, context);
        } catch (error) {
          if (!(error instanceof Error && error.name === "WaitingChildrenError")) jobs.failed++;
          throw error;
        }
      },
    },
    concurrency: { resources: input.concurrency },
    // The benchmark starts several syncs an hour; the per-provider lease stays.
    rateLimit: { resources: null },
  });
  const stopped = new Promise((resolve) => {
    const onMessage = (/** @type {unknown} */ m) => {
      if (!(m && typeof m === "object" && "type" in m && m.type === "stop")) return;
      process.off("message", onMessage);
      resolve(undefined);
    };
    process.on("message", onMessage);
  });
  process.send?.({ type: "ready" });
  await stopped;
  await worker.close();
  await adapters.close();
  const cpu = process.cpuUsage(cpuAtStart);
  /** @type {ScaleChildResult} */
  const result = {
    type: "result",
    pid: process.pid,
    jobs,
    apiCalls: apiCalls - callsAtStart,
    throttles,
    adaptersBuilt: adapters.built,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / (1024 * 1024),
  };
  await handle.close();
  await sendResult(result);
  // The IPC channel would keep the process alive.
  process.disconnect?.();
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
