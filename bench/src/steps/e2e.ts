import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CloudName } from "@cloudsync/cloud";
import { startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials, generateKey } from "@cloudsync/sync-worker";
import { startBackendCpuSampler } from "../backend-cpu.ts";
import { runChild } from "../child.ts";
import type { BenchContext } from "../context.ts";
import type { E2eChildInput, E2eChildResult } from "../e2e-types.ts";
import { apportion } from "../estate.ts";
import { type Figure, throughputFigure } from "../report.ts";
import { round, spread } from "../stats.ts";

/** The peak RSS a 1M-resource end-to-end sync must stay under. */
export const rssBudgetMb = 256;
const MB = 1024 * 1024;

const childScript = fileURLToPath(new URL("../e2e-child.mjs", import.meta.url));

/** What one process of one run measured. */
interface ProcessRun extends E2eChildResult {
  cloud: CloudName;
}

/** CPU seconds of one run: the worker processes' own and the PostgreSQL backends serving them. */
interface RunCpu {
  workerSeconds: number;
  postgresSeconds: number;
  backends: number;
  resources: number;
}

/**
 * (d) The whole path as deployed: one worker process per cloud (`CLOUDSYNC_WORKER_CLOUDS`), the
 * three running at once, each with the heap bound of the worker image. Each process reads its
 * cloud's emulator through the real SDK, normalizes and writes; its own peak RSS is measured,
 * and the largest is the figure judged against the budget. Each run is a first sync into a new
 * organization.
 */
export async function measureE2e(ctx: BenchContext, writerFirstSync: Figure | null): Promise<{ throughput: Figure; rss: Figure; cpu: Figure }> {
  const [awsSize, azureSize, gcpSize] = apportion(ctx.options.e2eResources, [1, 1, 1]) as [number, number, number];
  const nodeOptions = e2eNodeOptions();
  ctx.log(`e2e: starting emulators (${awsSize} AWS, ${azureSize} Azure, ${gcpSize} GCP resources); one process per cloud, node ${nodeOptions.flags.join(" ") || "(no flags)"}`);
  const aws = await startAwsEmulator({ seed: ctx.options.seed, size: awsSize });
  const azure = await startAzureEmulator({ seed: ctx.options.seed, size: azureSize });
  const gcp = await startGcpEmulator({ seed: ctx.options.seed, size: gcpSize });
  const keyring = `bench:${generateKey()}`;
  const clouds: { cloud: CloudName; credentials: unknown }[] = [
    { cloud: "aws", credentials: awsEmulatorCredentials(aws) },
    { cloud: "azure", credentials: azureEmulatorCredentials(azure) },
    { cloud: "gcp", credentials: gcpEmulatorCredentials(gcp) },
  ];
  const runs: ProcessRun[][] = [];
  const cpuRuns: RunCpu[] = [];
  try {
    for (let run = 1; run <= ctx.options.e2eRuns; run++) {
      const slug = `bench-e2e-${process.pid}-${run}`;
      const [org] = await ctx.db.sql<{ id: string }[]>`insert into organizations (name, slug) values (${slug}, ${slug}) returning id`;
      const [user] = await ctx.db.sql<{ id: string }[]>`
        insert into user_profiles (organization_id, email, role) values (${org!.id}, ${`ops@${slug}.example`}, 'owner') returning id`;
      // One process failing (out of memory, say) stops the others: they would wait on emulators being closed.
      const stop = new AbortController();
      const backendCpu = startBackendCpuSampler(ctx.db.sql);
      const processes = await Promise.all(
        clouds.map(async ({ cloud, credentials }): Promise<ProcessRun> => {
          const input = { url: ctx.db.url, keyring, organizationId: org!.id, userId: user!.id, credentials: [credentials] };
          try {
            return { cloud, ...(await runChild<E2eChildInput, E2eChildResult>(childScript, input, { nodeFlags: nodeOptions.flags, what: "the end-to-end sync process", signal: stop.signal })) };
          } catch (error) {
            stop.abort();
            throw new Error(`e2e ${cloud}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }),
      );
      const postgresCpu = await backendCpu.stop();
      const failed = processes.flatMap((p) => p.summaries).filter((s) => s.status !== "succeeded");
      if (failed.length > 0) throw new Error(`the end-to-end sync did not succeed: ${JSON.stringify(failed)}`);
      runs.push(processes);
      const resources = processes.reduce((n, p) => n + p.resources, 0);
      cpuRuns.push({
        workerSeconds: processes.reduce((n, p) => n + p.cpuSeconds, 0),
        postgresSeconds: postgresCpu.cpuSeconds,
        backends: postgresCpu.backends,
        resources,
      });
      const seconds = wallSeconds(processes);
      ctx.log(
        `e2e run ${run}: ${resources} resources in ${seconds.toFixed(1)} s (${Math.round(resources / seconds)}/s), peak RSS ` +
          `${processes.map((p) => `${p.cloud} ${(p.maxRss / MB).toFixed(0)} MB`).join(", ")}; ` +
          `max ${(Math.max(...processes.map((p) => p.maxRss)) / MB).toFixed(0)} MB, sum ${(processes.reduce((n, p) => n + p.maxRss, 0) / MB).toFixed(0)} MB`,
      );
    }
  } finally {
    await Promise.allSettled([aws.close(), azure.close(), gcp.close()]);
  }
  const last = runs.at(-1)!;
  const throughput = throughputFigure({
    id: "e2e.sync",
    label: `End-to-end sync through the SDKs and emulators (${ctx.options.e2eResources} resources, one process per cloud, 3 at once)`,
    unit: "resources/s",
    perRun: spread(runs.map((r) => r.reduce((n, p) => n + p.resources, 0) / wallSeconds(r))),
    baseline: writerFirstSync,
    ratioMeaning: "× the write path alone (ResourceWriter first sync)",
    detail: {
      resources: last.reduce((n, p) => n + p.resources, 0),
      seconds: spread(runs.map(wallSeconds)),
      secondsMeasuredAs: "the longest of the processes' syncs (they start together and run at once)",
      providers: last.flatMap((p) => p.summaries),
    },
  });
  const peakOf = (r: ProcessRun[]) => Math.max(...r.map((p) => p.maxRss)) / MB;
  const peaks = runs.map(peakOf);
  const sums = runs.map((r) => r.reduce((n, p) => n + p.maxRss, 0) / MB);
  const rss: Figure = {
    id: "e2e.peak_rss",
    label: "Peak RSS of the end-to-end sync: the largest of the three worker processes (one per cloud)",
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
      deployment: "one worker process per cloud (CLOUDSYNC_WORKER_CLOUDS), the three at once",
      processes: Object.fromEntries(clouds.map(({ cloud }) => [cloud, processDetail(runs.map((r) => r.find((p) => p.cloud === cloud)!))])),
      sumOfPeaksMb: round(Math.max(...sums)),
      sumOfPeaksRunsMb: sums.map((v) => round(v)),
      nodeOptions: nodeOptions.flags.join(" "),
      nodeOptionsFrom: nodeOptions.from,
      measuredWith: "process.resourceUsage().maxRSS of each child process (getrusage), cross-checked by sampling process.memoryUsage().rss every 100 ms",
    },
  };
  const perThousand = (r: RunCpu) => ((r.workerSeconds + r.postgresSeconds) / r.resources) * 1000;
  const cpuSpread = spread(cpuRuns.map(perThousand));
  const cpu: Figure = {
    id: "e2e.cpu_per_1000",
    label: "CPU seconds per 1,000 resources of the end-to-end sync (worker processes + PostgreSQL backends)",
    unit: "CPU s",
    value: round(cpuSpread.median),
    statistic: "median of runs",
    min: round(cpuSpread.min),
    max: round(cpuSpread.max),
    runs: cpuSpread.runs.map((v) => round(v)),
    baseline: null,
    ratio: null,
    ratioMeaning: "",
    detail: {
      runs: cpuRuns.map((r) => ({
        workerCpuSeconds: round(r.workerSeconds),
        postgresCpuSeconds: round(r.postgresSeconds),
        postgresBackends: r.backends,
        resources: r.resources,
      })),
      measuredWith:
        "process.cpuUsage() of each worker process around its sync; utime+stime from /proc/<pid>/stat of every client backend of the database, sampled every 200 ms (emulators, which run in the benchmark process, are not counted)",
    },
  };
  return { throughput, rss, cpu };
}

/** One cloud's process across the runs: its worst figures. */
function processDetail(perRun: readonly ProcessRun[]): Record<string, unknown> {
  const worst = (pick: (p: ProcessRun) => number) => round(Math.max(...perRun.map(pick)) / MB);
  return {
    peakRssMb: worst((p) => p.maxRss),
    peakRssRunsMb: perRun.map((p) => round(p.maxRss / MB)),
    moduleRssMb: worst((p) => p.moduleRss),
    startRssMb: worst((p) => p.startRss),
    sampledPeakRssMb: worst((p) => p.sampledPeakRss),
    peakHeapUsedMb: worst((p) => p.peakHeapUsed),
    resources: perRun.at(-1)!.resources,
    seconds: spread(perRun.map((p) => p.ms / 1000)),
  };
}

function wallSeconds(processes: readonly E2eChildResult[]): number {
  return Math.max(...processes.map((p) => p.ms)) / 1000;
}

const dockerfile = fileURLToPath(new URL("../../../apps/sync-worker/Dockerfile", import.meta.url));

/**
 * The measured processes' Node flags: `CLOUDSYNC_BENCH_E2E_NODE_OPTIONS` when set (empty for
 * none), else the `NODE_OPTIONS` the worker image sets, so the figure is the deployed worker's.
 */
export function e2eNodeOptions(env: NodeJS.ProcessEnv = process.env): { flags: string[]; from: string } {
  const given = env.CLOUDSYNC_BENCH_E2E_NODE_OPTIONS;
  if (given !== undefined) return { flags: given.split(" ").filter(Boolean), from: "CLOUDSYNC_BENCH_E2E_NODE_OPTIONS" };
  const image = /^\s*ENV\s+NODE_OPTIONS=("?)([^"\n]*)\1\s*$/m.exec(readFileSync(dockerfile, "utf8"));
  if (!image) throw new Error(`${dockerfile} sets no NODE_OPTIONS; set CLOUDSYNC_BENCH_E2E_NODE_OPTIONS to choose the measured processes' flags`);
  return { flags: (image[2] ?? "").split(" ").filter(Boolean), from: "apps/sync-worker/Dockerfile" };
}
