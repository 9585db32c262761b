import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cloudNames } from "@cloudsync/cloud";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { organizations, syncRuns, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { addProvider } from "../src/providers/registry.ts";
import { providerQueueKinds } from "../src/queues/index.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { deletePrefix, redisUrl, testPrefix, waitFor } from "./fixtures/redis.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const keys = `k1:${generateKey()}`;
const prefix = testPrefix();
let tdb: TestDatabase;
let em: GcpEmulator;
let child: ChildProcess | undefined;
let providerId: string;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_workercmd" });
  em = await startGcpEmulator({ seed: 21, size: 30 });
  const [org] = await tdb.db.insert(organizations).values({ name: "Worker", slug: "worker" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "w@worker.example" }).returning();
  providerId = (await addProvider(tdb.db, parseKeyring(keys), { organizationId: org!.id, createdBy: user!.id, credentials: gcpEmulatorCredentials(em) })).id;
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await em?.close();
  await tdb?.drop();
  await deletePrefix(prefix);
});

it("`cloudsync worker`, as the worker role and for one cloud, serves /healthz, runs the scheduled syncs, and exits 0 on SIGTERM", async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  let stderr = "";
  child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(appDir, "src/cli/main.ts"), "worker"], {
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: tdb.url,
      REDIS_URL: redisUrl,
      CLOUDSYNC_ENCRYPTION_KEYS: keys,
      CLOUDSYNC_QUEUE_PREFIX: prefix,
      // As in production: every connection acts as the worker role, not as the owner.
      CLOUDSYNC_DB_ROLE: "cloudsync_worker",
      CLOUDSYNC_HTTP_PORT: String(port),
      CLOUDSYNC_BOARD_PORT: String(port + 1),
      // One process per cloud, as deployed: this one takes the GCP provider's jobs.
      CLOUDSYNC_WORKER_CLOUDS: "gcp",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  await waitFor("/healthz to answer 200", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    return res?.status === 200;
  }, 60_000);
  // The first run of each scheduler starts at once: resources, costs and metrics for the provider.
  // On a loaded CI machine (two cores, every test file at once) this has taken over a minute; when it
  // gives up, the error carries the runs and the worker's own log so the cause is on the page.
  await waitFor("the scheduled syncs to succeed", async () => {
    const runs = await tdb.db.select().from(syncRuns).where(eq(syncRuns.providerId, providerId));
    return ["resources", "costs", "metrics"].every((k) => runs.some((r) => r.kind === k && r.status === "succeeded"));
  }, 150_000).catch(async (error: Error) => {
    const runs = await tdb.db.select().from(syncRuns).where(eq(syncRuns.providerId, providerId));
    const summary = runs.map((r) => `${r.kind}:${r.status}${r.error ? ` (${r.error})` : ""}`).join(", ");
    throw new Error(`${error.message}; runs so far: [${summary}]; worker log tail:\n${stderr.slice(-4000)}`);
  });
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  // The queue dashboard, asked for with CLOUDSYNC_BOARD_PORT, lists the worker's queues.
  const board = await fetch(`http://127.0.0.1:${port + 1}/queues/api/queues`);
  expect(board.status).toBe(200);
  const names = ((await board.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
  // The alert notifications queue is on the board too: its jobs are what a stuck delivery looks like.
  // One queue per kind and cloud the worker reads (every name of `cloudNames`), plus the two shared ones.
  const perCloud = cloudNames.flatMap((cloud) => providerQueueKinds.map((kind) => `${kind}-${cloud}`));
  expect(names).toEqual([...perCloud, "maintenance", "notifications"].sort());
  expect(names).toContain("resources-vultr");
  expect((await fetch(`http://127.0.0.1:${port + 1}/queues`)).status).toBe(200);
  expect(metrics).toMatch(/cloudsync_jobs_total\{[^}]*status="completed"/);
  expect(stderr).not.toContain(em.serviceAccountKey.private_key.slice(40, 90));
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  child = undefined;
}, 240_000);
