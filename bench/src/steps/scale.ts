import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { startAwsEmulator } from "@cloudsync/cloud-emulators";
import { addProvider, generateKey, parseKeyring, silentLogger } from "@cloudsync/sync-worker";
import { createQueues } from "@cloudsync/sync-worker/queues";
import { startBackendCpuSampler } from "../backend-cpu.ts";
import type { BenchContext } from "../context.ts";
import { type Figure, throughputFigure } from "../report.ts";
import type { ScaleChildInput, ScaleChildResult } from "../scale-types.ts";
import { round, spread } from "../stats.ts";

const childScript = fileURLToPath(new URL("../scale-child.mjs", import.meta.url));

/** The worker-process counts measured; the targets judge 2 and 4 against 1. */
export const scaleProcessCounts = [1, 2, 4] as const;

/**
 * The emulated organization (`--scale-accounts` members, 200 by default), in two regions, six kinds (5 regional + S3),
 * 30 resources an account. Every API request waits 50–150 ms (uniformly) and one in 25 is
 * throttled, so the work is bound by API latency, as against a real cloud.
 */
export const scaleSetup = {
  regions: ["us-east-1", "eu-west-1"],
  kinds: ["vpc", "subnet", "security_group", "ec2_instance", "ebs_volume", "s3_bucket"],
  resourcesPerAccount: 30,
  latencyMs: [50, 150] as const,
  throttleEvery: 25,
  /**
   * At most 5 accounts a shard: 40 shards of 200 accounts, rounded up to a multiple of the
   * run's job slots (48 for 4 processes × 4 jobs) so that every wave of shards is full.
   */
  accountsPerShard: 5,
  /** Resource jobs per process, and scopes read at once per job (the provider's concurrency). */
  jobsPerProcess: 4,
  scopesPerJob: 4,
} as const;

/**
 * The series measured. `default` is the deployed shape (4 resource jobs a process) and carries
 * the targets. On a machine with fewer cores than worker processes, four such processes, their
 * PostgreSQL backends and the emulator need more CPU than there is, and the speedup then
 * measures the machine. `latency_bound` gives each process one job (4 scopes in flight), so
 * that four of them still leave CPU idle: it shows whether the fan-out itself scales when the
 * work is bound by API latency, as the targets assume. It is reported, not judged.
 */
export const scaleSeries = [
  { id: "default", jobsPerProcess: scaleSetup.jobsPerProcess },
  { id: "latency_bound", jobsPerProcess: 1 },
] as const;

/** One process count's measurement. */
interface ScaleRun {
  series: (typeof scaleSeries)[number]["id"];
  jobsPerProcess: number;
  processes: number;
  seconds: number;
  resources: number;
  status: string;
  scopes: number;
  perProcess: ScaleChildResult[];
  postgresCpuSeconds: number;
  emulatorCpuSeconds: number;
  loadAverage: number[];
  checks: ScaleChecks;
}

/** The fault suite's checks, on the stored tables against the emulator's estate. */
interface ScaleChecks {
  scopesReadTwice: number;
  scopesExpected: number;
  scopesRecorded: number;
  rowsWrittenTwice: number;
  rowsMissing: number;
  rowsExtra: number;
  wronglyTerminated: number;
  changeRowsWritten: number;
}

/**
 * (e) Many worker processes on one provider (issue #20): the same 200-account organization
 * synced into a fresh tenant by 1, 2 and 4 worker processes sharing one Redis, the provider's
 * inventory fanned out in shards of `accountsPerShard` accounts. Time is from the job's enqueue
 * to its run's end (as recorded in sync_runs).
 */
export async function measureScale(ctx: BenchContext): Promise<Figure[]> {
  const s = { ...scaleSetup, accounts: ctx.options.scaleAccounts };
  const em = await startAwsEmulator({
    seed: ctx.options.seed,
    size: s.accounts * s.resourcesPerAccount,
    regions: [...s.regions],
    accounts: Array.from({ length: s.accounts }, (_, i) => ({ accountId: accountId(i) })),
    organization: { members: Array.from({ length: s.accounts }, (_, i) => ({ accountId: accountId(i) })) },
  });
  const keyringSpec = `bench:${generateKey()}`;
  const keyring = parseKeyring(keyringSpec);
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `bench-scale-${process.pid}`;
  const queues = await createQueues({ connection: redisUrl, prefix, logger: silentLogger() });
  const expected = [...(em.expected() as Iterable<{ resourceId: string; status: string; kind: string; account: string }>)].filter((e) =>
    (s.kinds as readonly string[]).includes(e.kind),
  );
  const runs: ScaleRun[] = [];
  try {
    const plan = scaleSeries.flatMap((series) => scaleProcessCounts.map((processes) => ({ series, processes })));
    for (const { series, processes } of plan) {
      const slug = `bench-scale-${process.pid}-${series.id.replace(/_/g, "-")}-${processes}`;
      const [org] = await ctx.db.sql<{ id: string }[]>`insert into organizations (name, slug) values (${slug}, ${slug}) returning id`;
      const [user] = await ctx.db.sql<{ id: string }[]>`
        insert into user_profiles (organization_id, email, role) values (${org!.id}, ${`ops@${slug}.example`}, 'owner') returning id`;
      const provider = await addProvider(ctx.db.test.db, keyring, {
        organizationId: org!.id,
        createdBy: user!.id,
        credentials: {
          cloud: "aws",
          accessKeyId: em.baseCredentials.accessKeyId,
          secretAccessKey: em.baseCredentials.secretAccessKey,
          accounts: [{ accountId: accountId(0) }],
          organization: { roleName: "OrganizationAccountAccessRole" },
          endpoint: em.endpoint,
        },
        settings: { concurrency: s.scopesPerJob },
      });
      await ctx.db.sql`update cloud_providers set regions = ${ctx.db.sql.json([...s.regions])} where id = ${provider.id}`;
      const input: ScaleChildInput = {
        url: ctx.db.url,
        keyring: keyringSpec,
        redisUrl,
        prefix,
        accountsPerShard: s.accountsPerShard,
        concurrency: series.jobsPerProcess,
        jobSlots: processes * series.jobsPerProcess,
      };
      const children = await Promise.all(Array.from({ length: processes }, () => startChild(input)));
      try {
        em.faults.set({ delayMs: s.latencyMs[0], delayMaxMs: s.latencyMs[1], throttleEvery: s.throttleEvery });
        const backendCpu = startBackendCpuSampler(ctx.db.sql);
        const emulatorCpu = process.cpuUsage();
        const started = Date.now();
        const { jobId } = await queues.enqueue("resources", { providerId: provider.id, kinds: [...s.kinds] }, { cloud: "aws" });
        const run = await waitForRun(ctx, jobId, 600_000);
        const seconds = (run.finished_at.getTime() - started) / 1000;
        const emulatorCpuUsed = process.cpuUsage(emulatorCpu);
        const postgresCpu = await backendCpu.stop();
        em.faults.clear();
        const perProcess = await Promise.all(children.map((c) => c.stop()));
        const resources = (run.inserted_count ?? 0) + (run.updated_count ?? 0) + (run.unchanged_count ?? 0);
        const checks = await checkRun(ctx, provider.id, run.scopes, expected, s.accounts);
        const measured: ScaleRun = {
          series: series.id,
          jobsPerProcess: series.jobsPerProcess,
          processes,
          seconds,
          resources,
          status: run.status,
          scopes: run.scopes.length,
          perProcess,
          postgresCpuSeconds: postgresCpu.cpuSeconds,
          emulatorCpuSeconds: (emulatorCpuUsed.user + emulatorCpuUsed.system) / 1e6,
          loadAverage: os.loadavg().map((v) => round(v)),
          checks,
        };
        runs.push(measured);
        ctx.log(
          `scale${series.id === "default" ? "" : ` (${series.id}, ${series.jobsPerProcess} job a process)`} ${processes} process(es): ${resources} resources in ${seconds.toFixed(1)} s (${Math.round(resources / seconds)}/s), run ${run.status}; ` +
            `shards per process ${perProcess.map((p) => p.jobs.shards).join("/")}, API calls ${perProcess.map((p) => p.apiCalls).join("/")}, ` +
            `adapters ${perProcess.map((p) => p.adaptersBuilt).join("/")}, CPU s ${perProcess.map((p) => p.cpuSeconds.toFixed(1)).join("/")} (+ PostgreSQL ${postgresCpu.cpuSeconds.toFixed(1)}, emulator ${measured.emulatorCpuSeconds.toFixed(1)}); load ${measured.loadAverage.join(" ")}`,
        );
        const broken = Object.entries(checks).filter(([k, v]) => !k.endsWith("Expected") && k !== "scopesRecorded" && v !== 0);
        if (run.status !== "succeeded" || broken.length > 0 || checks.scopesRecorded !== checks.scopesExpected) {
          throw new Error(`scale ${series.id} ${processes}: the sync is not exact (status ${run.status}): ${JSON.stringify(checks)}; ${String(run.error ?? "").slice(0, 2000)}`);
        }
      } finally {
        em.faults.clear();
        await Promise.allSettled(children.map((c) => c.kill()));
      }
    }
  } finally {
    await deleteKeys(queues).catch(() => undefined);
    await queues.close();
    await em.close();
  }
  const rate = (r: ScaleRun) => r.resources / r.seconds;
  const figures: Figure[] = [];
  for (const series of scaleSeries) {
    const inSeries = runs.filter((r) => r.series === series.id);
    const one = inSeries.find((r) => r.processes === 1)!;
    const prefix = series.id === "default" ? "scale.processes" : `scale.${series.id}_processes`;
    const shape = series.id === "default" ? "" : ` with ${series.jobsPerProcess} resource job a process (latency-bound: reported, not judged)`;
    const base = throughputFigure({
      id: `${prefix}_1`,
      label: `Sync of a ${s.accounts}-account organization (${s.latencyMs[0]}–${s.latencyMs[1]} ms per API call) by 1 worker process${shape}`,
      unit: "resources/s",
      perRun: spread([rate(one)]),
      baseline: "self",
      ratioMeaning: "the baseline of the speedups",
      detail: { ...runDetail(one, s.accounts), cpuCeiling: cpuCeiling(one) },
    });
    figures.push(base);
    for (const r of inSeries.filter((r) => r.processes !== 1)) {
      figures.push(
        throughputFigure({
          id: `${prefix}_${r.processes}`,
          label: `The same sync by ${r.processes} worker processes sharing one Redis${shape}`,
          unit: "resources/s",
          perRun: spread([rate(r)]),
          baseline: base,
          ratioMeaning: "× one process (the speedup)",
          detail: runDetail(r, s.accounts),
        }),
      );
    }
  }
  return figures;
}

/**
 * The largest speedup the machine's CPU allows, from the one-process run: the CPU-seconds its
 * sync cost in all (the worker, its PostgreSQL backends, the emulator) against the CPU-seconds
 * the machine has in the same time (cores × wall time). Fewer can be reached: it assumes every
 * core busy all the time and no per-process cost (each process also loads the SDK and warms
 * its own JIT).
 */
export function cpuCeiling(one: { seconds: number; perProcess: readonly { cpuSeconds: number }[]; postgresCpuSeconds: number; emulatorCpuSeconds: number }, cores = os.cpus().length): number {
  const spent = one.perProcess.reduce((n, p) => n + p.cpuSeconds, 0) + one.postgresCpuSeconds + one.emulatorCpuSeconds;
  return spent > 0 ? round((cores * one.seconds) / spent) : Number.POSITIVE_INFINITY;
}

function runDetail(r: ScaleRun, accounts: number): Record<string, unknown> {
  const workerCpu = r.perProcess.reduce((n, p) => n + p.cpuSeconds, 0);
  return {
    setup: { ...scaleSetup, jobsPerProcess: r.jobsPerProcess, accounts, cores: os.cpus().length },
    series: r.series,
    processes: r.processes,
    seconds: round(r.seconds),
    secondsMeasuredAs: "from the enqueue of the provider's resource job to its sync_runs.finished_at",
    resources: r.resources,
    runStatus: r.status,
    scopes: r.scopes,
    perProcess: r.perProcess.map((p) => ({
      providerSteps: p.jobs.providerSteps,
      shards: p.jobs.shards,
      failedJobs: p.jobs.failed,
      apiCalls: p.apiCalls,
      throttles: p.throttles,
      adaptersBuilt: p.adaptersBuilt,
      cpuSeconds: round(p.cpuSeconds),
      maxRssMb: round(p.maxRssMb),
    })),
    apiCalls: r.perProcess.reduce((n, p) => n + p.apiCalls, 0),
    throttles: r.perProcess.reduce((n, p) => n + p.throttles, 0),
    cpuSeconds: { workers: round(workerCpu), postgres: round(r.postgresCpuSeconds), emulator: round(r.emulatorCpuSeconds) },
    cpuBusyOfMachine: round((workerCpu + r.postgresCpuSeconds + r.emulatorCpuSeconds) / (r.seconds * os.cpus().length)),
    loadAverageAtEnd: r.loadAverage,
    checks: r.checks,
    measuredWith:
      "each worker process counts its jobs, its SDKs' HTTP requests (diagnostics channel http.client.request.start) and its adapters' throttles, and its process.cpuUsage(); PostgreSQL backends' CPU from /proc; the emulator's CPU is the benchmark process's own",
  };
}

function accountId(i: number): string {
  return String(300_000_000_000 + i);
}

interface Child {
  stop(): Promise<ScaleChildResult>;
  kill(): Promise<void>;
}

/** A worker process, resolved once it is taking jobs. */
function startChild(input: ScaleChildInput): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(childScript, [], { execArgv: ["--no-warnings"], stdio: ["ignore", "inherit", "pipe", "ipc"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let result: ScaleChildResult | undefined;
    const exited = new Promise<void>((done) => child.on("exit", () => done()));
    child.on("message", (message: { type?: string }) => {
      if (message?.type === "ready") {
        resolve({
          async stop() {
            child.send({ type: "stop" });
            await exited;
            if (!result) throw new Error(`a scale worker process exited with ${child.exitCode} before reporting:\n${stderr.slice(-4000)}`);
            return result;
          },
          async kill() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
            await exited;
          },
        });
      } else if (message?.type === "result") result = message as ScaleChildResult;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (!result) reject(new Error(`a scale worker process exited with ${code} before it was ready:\n${stderr.slice(-4000)}`));
    });
    child.send(input);
  });
}

interface RunRow {
  status: string;
  finished_at: Date;
  inserted_count: number | null;
  updated_count: number | null;
  unchanged_count: number | null;
  scopes: { scope: string; status: string }[];
  error: string | null;
}

async function waitForRun(ctx: BenchContext, jobId: string, limitMs: number): Promise<RunRow> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const [run] = await ctx.db.sql<RunRow[]>`select status, finished_at, inserted_count, updated_count, unchanged_count, scopes, error from sync_runs where job_id = ${jobId} and status <> 'running'`;
    if (run) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the scale step's sync (job ${jobId}) did not finish within ${limitMs / 1000} s; see the worker processes' output above`);
}

/** No scope read twice, no row written twice, nothing missing or extra, no status wrong (terminated included). */
async function checkRun(
  ctx: BenchContext,
  providerId: string,
  scopes: readonly { scope: string }[],
  expected: readonly { resourceId: string; status: string }[],
  accounts: number,
): Promise<ScaleChecks> {
  const s = { ...scaleSetup, accounts };
  const keys = scopes.map((x) => x.scope);
  // Per account: 5 regional kinds × 2 regions + S3 once; plus the discovery's own scope.
  const scopesExpected = s.accounts * ((s.kinds.length - 1) * s.regions.length + 1) + 1;
  const rows = await ctx.db.sql<{ resource_id: string; resource_status: string }[]>`
    select resource_id, resource_status from cloud_resources where provider_id = ${providerId}`;
  const byId = new Map<string, string[]>();
  for (const r of rows) byId.set(r.resource_id, [...(byId.get(r.resource_id) ?? []), r.resource_status]);
  const want = new Map(expected.map((e) => [e.resourceId, e.status]));
  let wronglyTerminated = 0;
  for (const [id, statuses] of byId) if (statuses.includes("terminated") && want.get(id) !== "terminated") wronglyTerminated++;
  const [changes] = await ctx.db.sql<{ n: number }[]>`
    select count(*)::int as n from resource_changes c join cloud_resources r on r.id = c.resource_id where r.provider_id = ${providerId}`;
  return {
    scopesReadTwice: keys.length - new Set(keys).size,
    scopesExpected,
    scopesRecorded: keys.length,
    rowsWrittenTwice: [...byId.values()].filter((v) => v.length > 1).length,
    rowsMissing: [...want.keys()].filter((id) => !byId.has(id)).length,
    rowsExtra: [...byId.keys()].filter((id) => !want.has(id)).length,
    wronglyTerminated,
    // A first sync records its rows' appearance as created_at, not as change rows.
    changeRowsWritten: changes?.n ?? 0,
  };
}

/** Removes the step's queues (jobs, schedulers, events); its leases expire by themselves within a minute. */
async function deleteKeys(queues: Awaited<ReturnType<typeof createQueues>>): Promise<void> {
  await Promise.all(queues.all().map((q) => q.obliterate({ force: true })));
}
