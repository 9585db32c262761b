import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { type AwsEmulator, type AzureEmulator, type GcpEmulator, startAwsEmulator, startAzureEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { type NewAlertEvent, type ResourceStatusChangeEvent, infrastructureAlerts, organizations, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEmulatorCredentials, azureEmulatorCredentials, gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { type SyncDeps, syncResources } from "../src/jobs/sync-resources.ts";
import { createLogger } from "../src/logger.ts";
import { createAdapter } from "../src/providers/adapters.ts";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { generateKey, parseKeyring } from "../src/secrets/keyring.ts";

/*
 * Where could a credential leak? Into the logs (every line, at trace level), into the database
 * (anything a `pg_dump` would carry off-site), and into the notifications every listener
 * receives. Each is scanned for the plaintext secrets the emulators accept.
 */

const tag = randomBytes(6).toString("hex");
const awsSecret = `scan-aws-secret-${tag}-${randomBytes(12).toString("hex")}`;
const azureSecret = `scan-azure-secret-${tag}-${randomBytes(12).toString("hex")}`;

let tdb: TestDatabase;
let aws: AwsEmulator;
let azure: AzureEmulator;
let gcp: GcpEmulator;
let deps: SyncDeps;
let orgId: string;
const providerIds: Record<"aws" | "azure" | "gcp", string> = { aws: "", azure: "", gcp: "" };
const logLines: string[] = [];
const keyring = parseKeyring(`scan:${generateKey()}`);

/** Every form a secret could take in text: as is, JSON-escaped, and (for the PEM) one line of its body. */
function needles(): { label: string; value: string }[] {
  const pem = gcp.serviceAccountKey.private_key;
  const bodyLines = pem.split("\n").filter((l) => l && !l.startsWith("-----"));
  const middle = bodyLines[Math.floor(bodyLines.length / 2)]!;
  return [
    { label: "AWS secretAccessKey", value: awsSecret },
    { label: "Azure clientSecret", value: azureSecret },
    { label: "GCP private_key", value: pem },
    { label: "GCP private_key (JSON-escaped)", value: JSON.stringify(pem).slice(1, -1) },
    { label: "GCP private_key body line", value: middle },
    { label: "GCP private_key body (first 40 characters)", value: bodyLines[0]!.slice(0, 40) },
  ];
}

/** The labels of the secrets found in `text`. */
function findSecrets(text: string): string[] {
  return needles()
    .filter((n) => text.includes(n.value))
    .map((n) => n.label);
}

function pgDump(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("pg_dump", ["--format=plain", "--no-owner", `--dbname=${url}`], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`pg_dump failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

async function waitFor<T>(events: T[], count: number, what: string): Promise<T[]> {
  for (let i = 0; i < 500 && events.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (events.length < count) throw new Error(`expected ${count} ${what} notification(s), got ${events.length}`);
  return events;
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_scan" });
  [aws, azure, gcp] = await Promise.all([
    startAwsEmulator({ seed: 11, size: 60, baseCredentials: { accessKeyId: "AKIASCANTEST00000001", secretAccessKey: awsSecret } }),
    startAzureEmulator({ seed: 11, size: 60, subscriptions: 2, clientSecret: azureSecret }),
    startGcpEmulator({ seed: 11, size: 60 }),
  ]);
  const [org] = await tdb.db.insert(organizations).values({ name: "Scan Co", slug: "scan-co" }).returning();
  const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "ops@scan.example" }).returning();
  orgId = org!.id;
  const logger = createLogger({ level: "trace", destination: { write: (line: string) => void logLines.push(line) } });
  deps = {
    db: tdb.db,
    loadProvider: (id) => loadProviderForSync(tdb.db, keyring, id),
    adapterFor: (provider, settings) => createAdapter(provider.credentials, { ...settings, pageSize: 25, maxAttempts: 2, timeoutMs: 5_000 }),
    clock: () => new Date(),
    logger,
  };
  const register = async (credentials: unknown) => (await addProvider(tdb.db, keyring, { organizationId: orgId, createdBy: user!.id, credentials })).id;
  providerIds.aws = await register(awsEmulatorCredentials(aws));
  providerIds.azure = await register(azureEmulatorCredentials(azure));
  providerIds.gcp = await register(gcpEmulatorCredentials(gcp));
});
afterAll(async () => {
  await Promise.all([aws?.close(), azure?.close(), gcp?.close()]);
  await tdb?.drop();
});

describe("secrets never leave the sealed envelope", () => {
  it("the scanner finds each secret in plain, JSON-escaped and SQL-dump form (control)", () => {
    expect(awsEmulatorCredentials(aws).secretAccessKey).toBe(awsSecret);
    expect(azureEmulatorCredentials(azure).clientSecret).toBe(azureSecret);
    const pem = gcp.serviceAccountKey.private_key;
    expect(pem).toMatch(/BEGIN PRIVATE KEY/);
    expect(findSecrets(JSON.stringify({ msg: "oops", key: pem }))).toContain("GCP private_key body line");
    expect(findSecrets(JSON.stringify({ secretAccessKey: awsSecret, clientSecret: azureSecret }))).toEqual(["AWS secretAccessKey", "Azure clientSecret"]);
    // COPY text format doubles backslashes; the body lines have none, so they still match.
    expect(findSecrets(JSON.stringify({ k: pem }).replaceAll("\\", "\\\\"))).toContain("GCP private_key body line");
    expect(findSecrets("nothing to see")).toEqual([]);
  });

  it("full resource syncs of AWS, Azure and GCP, logged at trace level, log no secret", async () => {
    for (const cloud of ["aws", "azure", "gcp"] as const) {
      const summary = await syncResources(deps, { providerId: providerIds[cloud] });
      expect(summary.status, cloud).toBe("succeeded");
      expect(summary.inserted, cloud).toBeGreaterThan(0);
    }
    // The capture saw every sync: each provider's lines are there.
    expect(logLines.length).toBeGreaterThan(3);
    for (const id of Object.values(providerIds)) expect(logLines.some((l) => l.includes(id))).toBe(true);
    expect(findSecrets(logLines.join("\n"))).toEqual([]);
  });

  it("a sync whose credentials are rejected fails without echoing them, in its logs or its error", async () => {
    const before = logLines.length;
    const errors: string[] = [];
    for (const [cloud, em] of [["aws", aws], ["azure", azure], ["gcp", gcp]] as const) {
      em.faults.set({ rejectCredentials: true });
      try {
        const summary = await syncResources(deps, { providerId: providerIds[cloud] });
        expect(summary.status, cloud).not.toBe("succeeded");
        errors.push(...summary.errors);
      } catch (error) {
        errors.push(error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error));
      } finally {
        em.faults.clear();
      }
    }
    // Every cloud said why, in words that name the account and not the key.
    for (const cloud of ["aws", "azure", "gcp"]) expect(errors.join("\n")).toMatch(new RegExp(`${cloud} rejected the credentials`));
    expect(logLines.length).toBeGreaterThan(before);
    expect(findSecrets(logLines.join("\n"))).toEqual([]);
    expect(findSecrets(errors.join("\n"))).toEqual([]);
  });

  it("notifications carry ids and states only", async () => {
    const changes: ResourceStatusChangeEvent[] = [];
    const alerts: NewAlertEvent[] = [];
    const raw: unknown[] = [];
    const stopChanges = await tdb.listen("infrastructure_change", (e) => {
      changes.push(e);
      raw.push(e);
    });
    const stopAlerts = await tdb.listen("infrastructure_alert", (e) => {
      alerts.push(e);
      raw.push(e);
    });
    try {
      // A real status change: a resource disappears from the estate and the sync terminates it.
      const gone = [...aws.expected()].find((e) => e.status !== "terminated")!;
      aws.mutate.remove(gone.resourceId);
      const summary = await syncResources(deps, { providerId: providerIds.aws });
      expect(summary).toMatchObject({ status: "succeeded", terminated: 1 });
      await tdb.db.insert(infrastructureAlerts).values({
        organizationId: orgId,
        alertName: "credential rotation overdue",
        alertType: "security_incident",
        severityLevel: "warning",
        alertConditions: { providerId: providerIds.aws },
        recipientList: ["ops@scan.example"],
      });
      await waitFor(changes, 1, "status change");
      await waitFor(alerts, 1, "alert");
    } finally {
      await stopChanges();
      await stopAlerts();
    }
    expect(changes.some((c) => c.provider_id === providerIds.aws && c.new_status === "terminated")).toBe(true);
    for (const c of changes) {
      expect(Object.keys(c).sort()).toEqual(["changed_at", "new_status", "old_status", "organization_id", "provider_id", "resource_id", "type"]);
    }
    for (const a of alerts) {
      expect(Object.keys(a).sort()).toEqual(["alert_id", "alert_type", "organization_id", "resource_id", "severity", "triggered_at", "type"]);
    }
    const text = JSON.stringify(raw);
    expect(text).not.toMatch(/credential|secret|private_key|password|A256GCM/i);
    expect(findSecrets(text)).toEqual([]);
  });

  it("a pg_dump of the database holds the sealed envelopes and no secret", async () => {
    const dump = await pgDump(tdb.url);
    // The dump really contains the providers, their envelopes and what the syncs wrote.
    for (const id of Object.values(providerIds)) expect(dump).toContain(id);
    expect(dump).toMatch(/"alg": "A256GCM"/);
    expect(dump).toMatch(/COPY public\.sync_runs /);
    expect(dump).toMatch(/COPY public\.cloud_resources /);
    expect(findSecrets(dump)).toEqual([]);
    // Nor anything the logs saw during the dump's own lifetime.
    expect(findSecrets(logLines.join("\n"))).toEqual([]);
  });
});
