import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cloudProviders, organizations, queryRows, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey } from "../src/secrets/keyring.ts";
import { runCli } from "./fixtures/cli.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-org-"));
const keys = `k1:${generateKey()}`;
let tdb: TestDatabase;
let env: Record<string, string>;
let bride: { id: string };
const credentialsFile = path.join(dir, "aws.json");

const cli = (args: string[]) => runCli(args, env, dir);

/** Every organization and user, to prove a refusal wrote nothing. */
async function snapshot() {
  return queryRows(tdb.db, sql`select (select count(*)::int from organizations) as orgs, (select count(*)::int from user_profiles) as users, (select count(*)::int from cloud_providers) as providers`);
}

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_org" });
  env = { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys };
  writeFileSync(
    credentialsFile,
    JSON.stringify({ cloud: "aws", accessKeyId: "AKIAORGTEST000000000", secretAccessKey: "org-test-secret-0123456789", accounts: [{ accountId: "123456789012" }] }),
  );
  const created = await cli(["org", "add", "--name", "Bride & Co", "--slug", "bride", "--owner-email", "owner@bride.example"]);
  expect(created.stderr).toBe("");
  expect(created.stdout).toMatch(/^created: organization bride \([0-9a-f-]{36}\)/);
  const [row] = await tdb.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, "bride"));
  bride = row!;
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("org add", () => {
  it("with the same slug and owner again: reports it, exits 0, changes nothing", async () => {
    const before = await snapshot();
    const again = await cli(["org", "add", "--name", "Bride & Co", "--slug", "bride", "--owner-email", "OWNER@bride.example"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`exists, with this owner: organization bride \\(${bride.id}\\)`));
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a slug that exists under another owner, exit 1, naming no one, writing nothing", async () => {
    const before = await snapshot();
    const r = await cli(["org", "add", "--name", "Squatter", "--slug", "bride", "--owner-email", "mallory@evil.example"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the slug "bride" is taken by another organization: choose another --slug\. Nothing was written\./);
    // It confirms the slug is taken (it must) but not by whom or under which id.
    expect(r.stderr).not.toContain("owner@bride.example");
    expect(r.stderr).not.toContain(bride.id);
    expect(r.stdout).toBe("");
    expect(await snapshot()).toEqual(before);
    expect(await tdb.db.select().from(userProfiles).where(eq(userProfiles.email, "mallory@evil.example"))).toEqual([]);
  });

  it("is all or nothing: an owner email that belongs to another user creates no organization", async () => {
    const before = await snapshot();
    const r = await cli(["org", "add", "--name", "Groom", "--slug", "groom", "--owner-email", "Owner@Bride.example"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--owner-email Owner@Bride\.example already belongs to a user, and an address belongs to one organization: use another address.*Nothing was written/);
    expect(r.stderr).not.toContain("bride ");
    expect(r.stderr).not.toContain(bride.id);
    expect(await snapshot()).toEqual(before);
    expect(await tdb.db.select().from(organizations).where(eq(organizations.slug, "groom"))).toEqual([]);
  });

  it("refuses a malformed slug or email as usage (2) before writing", async () => {
    expect((await cli(["org", "add", "--name", "X", "--slug", "Not A Slug", "--owner-email", "x@x.example"])).code).toBe(2);
    expect((await cli(["org", "add", "--name", "X", "--slug", "x", "--owner-email", "not-an-email"])).code).toBe(2);
    expect(await tdb.db.select().from(organizations).where(eq(organizations.slug, "x"))).toEqual([]);
  });
});

describe("provider add --org", () => {
  it("takes the organization's id alone", async () => {
    const r = await cli(["provider", "add", "--org", bride.id, "--credentials", credentialsFile, "--name", "by id"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/registered aws provider "by id" \([0-9a-f-]{36}\) for bride/);
    const [row] = await tdb.db.select().from(cloudProviders).where(eq(cloudProviders.organizationId, bride.id));
    expect(row).toMatchObject({ displayName: "by id", providerName: "aws" });
    const [owner] = await tdb.db.select().from(userProfiles).where(eq(userProfiles.organizationId, bride.id));
    expect(row!.createdBy).toBe(owner!.id);
  });

  it("takes a slug together with its owner's email (any case), and updates the same provider", async () => {
    const r = await cli(["provider", "add", "--org", "bride", "--owner-email", "Owner@Bride.Example", "--credentials", credentialsFile, "--name", "by slug"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/registered aws provider "by slug" .* for bride/);
    const rows = await tdb.db.select().from(cloudProviders).where(eq(cloudProviders.organizationId, bride.id));
    expect(rows.map((p) => p.displayName)).toEqual(["by slug"]);
  });

  it("refuses a slug without --owner-email as usage (2), saying how to name the organization", async () => {
    const r = await cli(["provider", "add", "--org", "bride", "--credentials", credentialsFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--org "bride" is a slug: give the owner's address too \(--owner-email\), or pass the organization's id/);
  });

  it("refuses a slug with another owner's email exactly as a slug that does not exist: exit 1, nothing written, nothing confirmed", async () => {
    const before = await snapshot();
    const wrongOwner = await cli(["provider", "add", "--org", "bride", "--owner-email", "mallory@evil.example", "--credentials", credentialsFile]);
    const noSuchSlug = await cli(["provider", "add", "--org", "nobody", "--owner-email", "mallory@evil.example", "--credentials", credentialsFile]);
    expect(wrongOwner.code).toBe(1);
    expect(noSuchSlug.code).toBe(1);
    // The same words for both, bar the slug the caller typed: the answer does not say which exists.
    expect(wrongOwner.stderr.replace('"bride"', "SLUG")).toBe(noSuchSlug.stderr.replace('"nobody"', "SLUG"));
    expect(wrongOwner.stderr).toMatch(/no organization matches --org "bride" with owner mallory@evil\.example/);
    expect(wrongOwner.stderr).not.toContain(bride.id);
    expect(wrongOwner.stderr).not.toContain("owner@bride.example");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an id with a wrong owner email, or an unknown id, the same way", async () => {
    const unknownId = "00000000-0000-4000-8000-000000000000";
    const wrongOwner = await cli(["provider", "add", "--org", bride.id, "--owner-email", "mallory@evil.example", "--credentials", credentialsFile]);
    const unknown = await cli(["provider", "add", "--org", unknownId, "--owner-email", "mallory@evil.example", "--credentials", credentialsFile]);
    expect(wrongOwner.code).toBe(1);
    expect(wrongOwner.stderr.replace(bride.id, "ID")).toBe(unknown.stderr.replace(unknownId, "ID"));
    expect(wrongOwner.stderr).not.toContain("owner@bride.example");
  });
});
