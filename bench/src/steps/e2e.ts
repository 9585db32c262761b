import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials, generateKey } from "@cloudsync/sync-worker";
import type { BenchContext } from "../context.ts";
import type { E2eChildInput, E2eChildResult } from "../e2e-types.ts";
import { apportion } from "../estate.ts";
import { type Figure, throughputFigure } from "../report.ts";
import { round, spread } from "../stats.ts";

/** The peak RSS a 1M-resource end-to-end sync must stay under. */
export const rssBudgetMb = 256;
const MB = 1024 * 1024;

const childScript = fileURLToPath(new URL("../e2e-child.mjs", import.meta.url));

/** Runs the child with plain Node (no loader), whatever started this process (tsx, vitest). */
function runChild(input: E2eChildInput): Promise<E2eChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(childScript, [], {
      // CLOUDSYNC_BENCH_E2E_NODE_OPTIONS: flags for the measured process, e.g. "--max-old-space-size=160".
      execArgv: ["--no-warnings", ...(process.env.CLOUDSYNC_BENCH_E2E_NODE_OPTIONS ?? "").split(" ").filter(Boolean)],
      env: { ...process.env, CLOUDSYNC_BENCH_E2E: JSON.stringify(input) },
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    let stderr = "";
    let result: E2eChildResult | null = null;
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("message", (message) => {
      result = message as E2eChildResult;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`the end-to-end sync process exited with ${code}${result ? "" : " before reporting"}:\n${stderr.slice(-4000)}`));
    });
  });
}

/**
 * (d) The whole path: the real AWS, Azure and GCP SDKs reading loopback emulators, the adapters
 * normalizing, the worker writing, in a child process whose peak RSS is the figure. Each run is
 * a first sync into a new organization.
 */
export async function measureE2e(ctx: BenchContext, writerFirstSync: Figure | null): Promise<{ throughput: Figure; rss: Figure }> {
  const [awsSize, azureSize, gcpSize] = apportion(ctx.options.e2eResources, [1, 1, 1]) as [number, number, number];
  ctx.log(`e2e: starting emulators (${awsSize} AWS, ${azureSize} Azure, ${gcpSize} GCP resources)`);
  const aws = await startAwsEmulator({ seed: ctx.options.seed, size: awsSize });
  const azure = await startAzureEmulator({ seed: ctx.options.seed, size: azureSize });
  const gcp = await startGcpEmulator({ seed: ctx.options.seed, size: gcpSize });
  const keyring = `bench:${generateKey()}`;
  const results: E2eChildResult[] = [];
  try {
    for (let run = 1; run <= ctx.options.e2eRuns; run++) {
      const slug = `bench-e2e-${process.pid}-${run}`;
      const [org] = await ctx.db.sql<{ id: string }[]>`insert into organizations (name, slug) values (${slug}, ${slug}) returning id`;
      const [user] = await ctx.db.sql<{ id: string }[]>`
        insert into user_profiles (organization_id, email, role) values (${org!.id}, ${`ops@${slug}.example`}, 'owner') returning id`;
      const result = await runChild({
        url: ctx.db.url,
        keyring,
        organizationId: org!.id,
        userId: user!.id,
        credentials: [awsEmulatorCredentials(aws), azureEmulatorCredentials(azure), gcpEmulatorCredentials(gcp)],
      });
      const failed = result.summaries.filter((s) => s.status !== "succeeded");
      if (failed.length > 0) throw new Error(`the end-to-end sync did not succeed: ${JSON.stringify(failed)}`);
      results.push(result);
      ctx.log(
        `e2e run ${run}: ${result.resources} resources in ${(result.ms / 1000).toFixed(1)} s ` +
          `(${Math.round(result.resources / (result.ms / 1000))}/s), peak RSS ${(result.maxRss / MB).toFixed(0)} MB`,
      );
    }
  } finally {
    await Promise.allSettled([aws.close(), azure.close(), gcp.close()]);
  }
  const last = results.at(-1)!;
  const throughput = throughputFigure({
    id: "e2e.sync",
    label: `End-to-end sync through the SDKs and emulators (${ctx.options.e2eResources} resources, 3 providers at once)`,
    unit: "resources/s",
    perRun: spread(results.map((r) => r.resources / (r.ms / 1000))),
    baseline: writerFirstSync,
    ratioMeaning: "× the write path alone (ResourceWriter first sync)",
    detail: {
      resources: last.resources,
      seconds: spread(results.map((r) => r.ms / 1000)),
      providers: last.summaries,
    },
  });
  const peaks = results.map((r) => r.maxRss / MB);
  const rss: Figure = {
    id: "e2e.peak_rss",
    label: "Peak RSS of the end-to-end sync process",
    unit: "MB",
    value: round(Math.max(...peaks)),
    statistic: "max of runs",
    min: round(Math.min(...peaks)),
    max: round(Math.max(...peaks)),
    runs: peaks.map((v) => round(v)),
    baseline: { id: "budget.e2e_rss", label: `memory budget (${rssBudgetMb} MB)`, value: rssBudgetMb, unit: "MB" },
    ratio: round(Math.max(...peaks) / rssBudgetMb),
    ratioMeaning: `× the ${rssBudgetMb} MB budget (below 1 passes)`,
    detail: {
      resources: ctx.options.e2eResources,
      moduleRssMb: round(last.moduleRss / MB),
      startRssMb: round(last.startRss / MB),
      sampledPeakRssMb: round(Math.max(...results.map((r) => r.sampledPeakRss)) / MB),
      peakHeapUsedMb: round(Math.max(...results.map((r) => r.peakHeapUsed)) / MB),
      nodeOptions: process.env.CLOUDSYNC_BENCH_E2E_NODE_OPTIONS ?? "",
      measuredWith: "process.resourceUsage().maxRSS of the child process (getrusage), cross-checked by sampling process.memoryUsage().rss every 100 ms",
    },
  };
  return { throughput, rss };
}
