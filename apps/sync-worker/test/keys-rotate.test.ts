import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, cloudProviders, createDb, organizations, queryRows, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProvider, loadProviderForSync } from "../src/providers/registry.ts";
import { type EncryptedEnvelope, type Keyring, generateKey, parseKeyring } from "../src/secrets/keyring.ts";
import { KeyRotationError, RotationNotPermittedError, rotateProviderCredentials } from "../src/secrets/rotate.ts";
import { keyRemovalAdvice } from "../src/cli/keys.ts";
import { legacyEnvelope } from "./fixtures/legacy-envelope.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const material = { a: generateKey(), b: generateKey(), c: generateKey(), d: generateKey() };
const keys = (...ids: (keyof typeof material)[]) => ids.map((id) => `${id}:${material[id]}`).join(",");
const ring = (...ids: (keyof typeof material)[]): Keyring => parseKeyring(keys(...ids));

/** Valid credentials of each cloud with secrets unique to `tag`. */
function credentialsFor(cloud: "aws" | "azure" | "gcp", tag: string) {
  switch (cloud) {
    case "aws":
      return { cloud, accessKeyId: `AKIAROTATE${tag.toUpperCase()}0000`.slice(0, 20), secretAccessKey: `aws-secret-${tag}-0123456789abcdef`, accounts: [{ accountId: "111111111111" }] };
    case "azure":
      return { cloud, tenantId: `tenant-${tag}`, clientId: `client-${tag}`, clientSecret: `azure-secret-${tag}-0123456789`, subscriptions: ["0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f"] };
    case "gcp":
      return {
        cloud,
        serviceAccountKey: { client_email: `reader@${tag}-project.iam.gserviceaccount.com`, private_key: `-----BEGIN PRIVATE KEY-----\nrotate-${tag}-body\n-----END PRIVATE KEY-----\n` },
        projects: ["rotate-project-1"],
      };
  }
}

/** An organization with one provider per cloud, sealed with `keyring`; returns what was stored. */
async function seedOrganization(db: Database, keyring: Keyring, slug: string) {
  const [org] = await db.insert(organizations).values({ name: `Org ${slug}`, slug }).returning();
  const [user] = await db.insert(userProfiles).values({ organizationId: org!.id, email: `owner@${slug}.example` }).returning();
  const stored = new Map<string, unknown>();
  for (const cloud of ["aws", "azure", "gcp"] as const) {
    const credentials = credentialsFor(cloud, slug);
    const row = await addProvider(db, keyring, { organizationId: org!.id, createdBy: user!.id, credentials });
    stored.set(row.id, credentials);
  }
  return { organizationId: org!.id, userId: user!.id, stored };
}

async function envelopes(db: Database): Promise<Map<string, EncryptedEnvelope>> {
  const rows = await db.select({ id: cloudProviders.id, c: cloudProviders.credentialsConfig }).from(cloudProviders);
  return new Map(rows.map((r) => [r.id, r.c as unknown as EncryptedEnvelope]));
}

describe("rotateProviderCredentials", () => {
  let tdb: TestDatabase;
  const original = new Map<string, unknown>();

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: "cloudsync_rotate" });
    for (const slug of ["bride", "groom"]) {
      const { stored } = await seedOrganization(tdb.db, ring("a"), slug);
      for (const [id, c] of stored) original.set(id, c);
    }
  });
  afterAll(async () => tdb?.drop());

  it("re-seals every provider sealed with A under B, and B alone opens the same credentials", async () => {
    const before = await envelopes(tdb.db);
    expect([...before.values()].map((e) => e.kid)).toEqual(Array(6).fill("a"));

    const result = await rotateProviderCredentials(tdb.db, ring("b", "a"));
    expect(result).toMatchObject({ activeKeyId: "b", rotated: 6, alreadyCurrent: 0, dryRun: false });
    expect(result.providers.every((p) => p.fromKeyId === "a" && p.action === "rotated")).toBe(true);

    const after = await envelopes(tdb.db);
    const onlyB = ring("b");
    for (const [id, envelope] of after) {
      expect(envelope.kid).toBe("b");
      expect(envelope.data).not.toBe(before.get(id)!.data);
      const loaded = await loadProviderForSync(tdb.db, onlyB, id);
      expect(loaded.credentials).toEqual(original.get(id));
    }
    // A alone can no longer open any of them.
    await expect(loadProviderForSync(tdb.db, ring("a"), [...after.keys()][0]!)).rejects.toThrow(/sealed with key "b"/);
  });

  it("a second run changes nothing: every envelope is already current and no row is rewritten", async () => {
    const versions = sql`select id::text, xmin::text as xmin from cloud_providers order by id`;
    const before = await queryRows<{ id: string; xmin: string }>(tdb.db, versions);
    const envelopesBefore = await envelopes(tdb.db);

    const result = await rotateProviderCredentials(tdb.db, ring("b", "a"));
    expect(result).toMatchObject({ rotated: 0, alreadyCurrent: 6 });
    expect(result.providers.every((p) => p.action === "already_current")).toBe(true);
    expect(await envelopes(tdb.db)).toEqual(envelopesBefore);
    expect(await queryRows(tdb.db, versions)).toEqual(before);
  });

  it("a dry run reports what it would rotate and writes nothing", async () => {
    const before = await envelopes(tdb.db);
    const result = await rotateProviderCredentials(tdb.db, ring("c", "b"), { dryRun: true });
    expect(result).toMatchObject({ activeKeyId: "c", rotated: 6, alreadyCurrent: 0, dryRun: true });
    expect(await envelopes(tdb.db)).toEqual(before);
  });

  it("an envelope whose key is missing aborts, naming the provider and the key id, and nothing is written", async () => {
    // One more organization whose providers are sealed with C, next to the six on B.
    const extra = await seedOrganization(tdb.db, ring("c"), "witness");
    const before = await envelopes(tdb.db);
    expect([...before.values()].filter((e) => e.kid === "c")).toHaveLength(3);

    const error = await rotateProviderCredentials(tdb.db, ring("d", "b")).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeyRotationError);
    const message = (error as Error).message;
    expect(message).toMatch(/is sealed with key "c", which is not in CLOUDSYNC_ENCRYPTION_KEYS \(d, b\)/);
    expect([...extra.stored.keys()].some((id) => message.includes(id))).toBe(true);
    expect(message).toMatch(/Nothing was changed/);
    // Providers on B that sort before the failing one were not rotated to D either.
    expect(await envelopes(tdb.db)).toEqual(before);

    // With C back in the keyring the same rotation goes through.
    const result = await rotateProviderCredentials(tdb.db, ring("d", "b", "c"));
    expect(result).toMatchObject({ rotated: 9, alreadyCurrent: 0 });
    expect(new Set([...(await envelopes(tdb.db)).values()].map((e) => e.kid))).toEqual(new Set(["d"]));
  });

  it("a key id with the wrong key material aborts without writing", async () => {
    const before = await envelopes(tdb.db);
    const impostor = parseKeyring(`a:${material.a},d:${material.c}`); // "d" names the wrong bytes
    await expect(rotateProviderCredentials(tdb.db, impostor)).rejects.toThrow(/sealed with key "d" could not be opened/);
    expect(await envelopes(tdb.db)).toEqual(before);
  });

  it("credentials stored in plaintext abort the rotation instead of being sealed unseen", async () => {
    const [org] = await tdb.db.insert(organizations).values({ name: "Legacy", slug: "legacy" }).returning();
    const [user] = await tdb.db.insert(userProfiles).values({ organizationId: org!.id, email: "owner@legacy.example" }).returning();
    const [row] = await tdb.db
      .insert(cloudProviders)
      .values({ organizationId: org!.id, providerName: "aws", providerType: "primary", displayName: "legacy", credentialsConfig: { secretAccessKey: "plain" }, createdBy: user!.id })
      .returning();
    try {
      const before = await envelopes(tdb.db);
      await expect(rotateProviderCredentials(tdb.db, ring("a", "d"))).rejects.toThrow(new RegExp(`provider ${row!.id} .*not an encrypted envelope`));
      expect(await envelopes(tdb.db)).toEqual(before);
    } finally {
      await tdb.db.delete(cloudProviders).where(eq(cloudProviders.id, row!.id));
    }
  });

  it("locks the provider rows: a rotation waits for a transaction that holds one, then completes", async () => {
    const [first] = await tdb.db.select({ id: cloudProviders.id }).from(cloudProviders).orderBy(cloudProviders.id).limit(1);
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const blocker = tdb.db.transaction(async (tx) => {
      await tx.execute(sql`select id from cloud_providers where id = ${first!.id}::uuid for update`);
      locked();
      await released;
    });
    await lockTaken;
    let settled = false;
    const rotation = rotateProviderCredentials(tdb.db, ring("a", "d")).finally(() => {
      settled = true;
    });
    // Wait until the server reports the rotation blocked on the row lock.
    for (;;) {
      if (settled) throw new Error("the rotation finished while another transaction held a provider row: it did not lock the rows");
      const waiting = await queryRows<{ n: number }>(
        tdb.db,
        sql`select count(*)::int as n from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock' and query ilike '%from "cloud_providers"%for update%'`,
      );
      if (waiting[0]!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(settled).toBe(false);
    release();
    await blocker;
    expect(await rotation).toMatchObject({ activeKeyId: "a", rotated: 9 });
  });
});

describe("credentials bound to their provider (envelope version 2)", () => {
  let tdb: TestDatabase;
  let a: Awaited<ReturnType<typeof seedOrganization>>;
  let b: Awaited<ReturnType<typeof seedOrganization>>;
  const idOf = (org: typeof a, cloud: string) => [...org.stored.entries()].find(([, c]) => (c as { cloud: string }).cloud === cloud)![0];
  const setEnvelope = (id: string, envelope: unknown) =>
    tdb.db.update(cloudProviders).set({ credentialsConfig: envelope as Record<string, unknown> }).where(eq(cloudProviders.id, id));

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: "cloudsync_bound" });
    a = await seedOrganization(tdb.db, ring("a"), "bound-a");
    b = await seedOrganization(tdb.db, ring("a"), "bound-b");
  });
  afterAll(async () => tdb?.drop());

  it("an envelope copied onto another organization's provider, or another provider of the same one, does not open there", async () => {
    const before = await envelopes(tdb.db);
    const stolen = before.get(idOf(a, "aws"))!;
    for (const victim of [idOf(b, "aws"), idOf(a, "azure")]) {
      await setEnvelope(victim, stolen);
      try {
        await expect(loadProviderForSync(tdb.db, ring("a"), victim)).rejects.toThrow(new RegExp(`provider ${victim}: .*could not be opened.*sealed for another provider`));
        // A rotation meets the copy, names the row, and writes nothing.
        const held = await envelopes(tdb.db);
        await expect(rotateProviderCredentials(tdb.db, ring("b", "a"))).rejects.toThrow(new RegExp(`provider ${victim} .*copied from another provider.*Nothing was changed`));
        expect(await envelopes(tdb.db)).toEqual(held);
      } finally {
        await setEnvelope(victim, before.get(victim));
      }
    }
    // The originals still open where they belong.
    expect((await loadProviderForSync(tdb.db, ring("a"), idOf(a, "aws"))).credentials).toEqual(a.stored.get(idOf(a, "aws")));
  });

  it("a version 1 envelope (sealed before binding) still opens, and its first use re-seals it bound", async () => {
    const id = idOf(a, "gcp");
    await setEnvelope(id, legacyEnvelope("a", material.a, a.stored.get(id)));
    const loaded = await loadProviderForSync(tdb.db, ring("a"), id);
    expect(loaded.credentials).toEqual(a.stored.get(id));
    const upgraded = (await envelopes(tdb.db)).get(id)!;
    expect(upgraded).toMatchObject({ v: 2, kid: "a" });
    // Bound now: the upgraded envelope no longer opens on another provider.
    await setEnvelope(idOf(b, "gcp"), upgraded);
    try {
      await expect(loadProviderForSync(tdb.db, ring("a"), idOf(b, "gcp"))).rejects.toThrow(/could not be opened/);
    } finally {
      await setEnvelope(idOf(b, "gcp"), legacyEnvelope("a", material.a, b.stored.get(idOf(b, "gcp"))));
    }
  });

  it("keys rotate re-seals version 1 envelopes bound even when their key is already the active one", async () => {
    const legacyId = idOf(b, "gcp"); // left as version 1 by the previous test
    expect((await envelopes(tdb.db)).get(legacyId)).toMatchObject({ v: 1 });
    const result = await rotateProviderCredentials(tdb.db, ring("a"));
    expect(result).toMatchObject({ rotated: 1, alreadyCurrent: 5 });
    expect(result.providers.find((p) => p.id === legacyId)).toMatchObject({ action: "bound", fromKeyId: "a" });
    expect((await envelopes(tdb.db)).get(legacyId)).toMatchObject({ v: 2, kid: "a" });
    expect((await loadProviderForSync(tdb.db, ring("a"), legacyId)).credentials).toEqual(b.stored.get(legacyId));
  });

  it("refuses to rotate under a role that row-level security filters, and rotates as the worker role", async () => {
    const before = await envelopes(tdb.db);
    const app = await createDb({ url: tdb.url, role: "cloudsync_app", maxConnections: 1 });
    try {
      await expect(rotateProviderCredentials(app.db, ring("b", "a"))).rejects.toThrow(RotationNotPermittedError);
      await expect(rotateProviderCredentials(app.db, ring("b", "a"))).rejects.toThrow(/role "cloudsync_app" sees cloud_providers through row-level security.*Nothing was changed/);
    } finally {
      await app.close();
    }
    expect(await envelopes(tdb.db)).toEqual(before);
    const worker = await createDb({ url: tdb.url, role: "cloudsync_worker", maxConnections: 1 });
    try {
      expect(await rotateProviderCredentials(worker.db, ring("b", "a"))).toMatchObject({ rotated: 6, alreadyCurrent: 0 });
    } finally {
      await worker.close();
    }
  });
});

describe("keyRemovalAdvice", () => {
  it("advises removing an older key only when no envelope is sealed with it", () => {
    const advice = keyRemovalAdvice("c", ["c", "b", "a"], new Map([["c", 5], ["a", 2]]));
    expect(advice).toHaveLength(2);
    expect(advice[0]).toMatch(/no provider is sealed with "b" any more; remove it/);
    expect(advice[1]).toMatch(/keep "a": 2 providers are still sealed with it/);
    expect(advice[1]).not.toMatch(/remove it/);
  });
});

describe("cloudsync keys rotate (CLI)", () => {
  let tdb: TestDatabase;
  let ids: string[];
  const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-keys-"));

  function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), path.join(appDir, "src/cli/main.ts"), ...args],
        { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir, ...env }, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: "cloudsync_rotate_cli" });
    ids = [...(await seedOrganization(tdb.db, ring("a"), "cli-org")).stored.keys()];
  });
  afterAll(async () => {
    await tdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rotates end to end, reports a second run as already current, and refuses a keyring that lacks a stored key", async () => {
    const first = await cli(["keys", "rotate"], { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys("b", "a") });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/rotated 3, already current 0 \(active key b\)/);
    for (const id of ids) expect(first.stdout).toContain(id);
    expect(first.stdout).toMatch(/remove it from CLOUDSYNC_ENCRYPTION_KEYS/);
    expect(new Set([...(await envelopes(tdb.db)).values()].map((e) => e.kid))).toEqual(new Set(["b"]));
    for (const id of ids) expect((await loadProviderForSync(tdb.db, ring("b"), id)).providerName).toMatch(/^(aws|azure|gcp)$/);

    const second = await cli(["keys", "rotate"], { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys("b", "a") });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/rotated 0, already current 3/);

    const before = await envelopes(tdb.db);
    const refused = await cli(["keys", "rotate"], { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys("c") });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/sealed with key "b", which is not in CLOUDSYNC_ENCRYPTION_KEYS \(c\)/);
    expect(ids.some((id) => refused.stderr.includes(id))).toBe(true);
    expect(await envelopes(tdb.db)).toEqual(before);
  });

  it("refuses, exit 1, under a role that row-level security filters; rotates as cloudsync_worker", async () => {
    const before = await envelopes(tdb.db);
    const refused = await cli(["keys", "rotate"], { DATABASE_URL: tdb.url, CLOUDSYNC_DB_ROLE: "cloudsync_app", CLOUDSYNC_ENCRYPTION_KEYS: keys("c", "b") });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/role "cloudsync_app" sees cloud_providers through row-level security/);
    expect(refused.stdout).not.toMatch(/remove it/);
    expect(await envelopes(tdb.db)).toEqual(before);
    const done = await cli(["keys", "rotate"], { DATABASE_URL: tdb.url, CLOUDSYNC_DB_ROLE: "cloudsync_worker", CLOUDSYNC_ENCRYPTION_KEYS: keys("c", "b") });
    expect(done.stderr).toBe("");
    expect(done.stdout).toMatch(/rotated 3, already current 0 \(active key c\)/);
    expect(done.stdout).toMatch(/no provider is sealed with "b" any more; remove it/);
  });

  it("asks for the keys and names an unknown subcommand", async () => {
    const noKeys = await cli(["keys", "rotate"], { DATABASE_URL: tdb.url });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/CLOUDSYNC_ENCRYPTION_KEYS is not set/);
    const unknown = await cli(["keys", "shred"], { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys("a") });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'shred'\n\(`cloudsync keys` takes: rotate\)/);
    const help = await cli(["keys", "rotate", "--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: cloudsync keys rotate \[options\][\s\S]*--dry-run/);
  });
});
