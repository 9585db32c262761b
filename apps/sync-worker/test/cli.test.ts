import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type GcpEmulator, startGcpEmulator } from "@cloudsync/cloud-emulators";
import { cloudProviders, cloudResources, queryRows } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpEmulatorCredentials } from "../src/demo/emulated-credentials.ts";
import { generateKey } from "../src/secrets/keyring.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-cli-"));
let tdb: TestDatabase;
let em: GcpEmulator;
const keys = `k1:${generateKey()}`;

/** Runs the CLI from source as a user would run the built one: a separate process, real env. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
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
  tdb = await createTestDatabase({ prefix: "cloudsync_cli" });
  em = await startGcpEmulator({ seed: 3, size: 40 });
});
afterAll(async () => {
  await em?.close();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("cloudsync CLI", () => {
  it("prints usage", async () => {
    const r = await cli(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cloudsync provider add/);
    // `cloudsync help` lists every command, the ones for the whole schema included.
    for (const command of ["budget", "alert", "recommendation", "resource", "dr", "deployment", "db", "retention"]) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
    }
  });

  it("names the closest command and option to a mistyped one, with exit code 2", async () => {
    const command = await cli(["provdier", "list"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'provdier'[\s\S]*Did you mean provider\?/);
    const option = await cli(["org", "add", "--nmae", "Acme"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--nmae'[\s\S]*Did you mean --name\?/);
    const missing = await cli(["org", "add", "--name", "Acme"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/org add needs --slug <slug>, --owner-email <email>/);
  });

  it("prints its version", async () => {
    const r = await cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("refuses an unknown command with exit code 2", async () => {
    const r = await cli(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it("refuses `worker --clouds` with a cloud it does not know, before connecting to anything", async () => {
    const r = await cli(["worker", "--clouds", "aws,oracle"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--clouds takes a comma-separated list of aws, azure, gcp, digitalocean, linode, vultr, got "aws,oracle"/);
  });

  it("names a wrong environment variable and what it should look like", async () => {
    const r = await cli(["provider", "list"], { DATABASE_URL: "mysql://nope" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DATABASE_URL: must be a PostgreSQL URL/);
  });

  it("registers an organization and a provider, lists it, and syncs it", async () => {
    const env = { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys };
    expect((await cli(["org", "add", "--name", "Acme Weddings", "--slug", "acme", "--owner-email", "ops@acme.example"], env)).code).toBe(0);
    const file = path.join(dir, "gcp.json");
    writeFileSync(file, JSON.stringify(gcpEmulatorCredentials(em)));
    const added = await cli(["provider", "add", "--org", "acme", "--owner-email", "ops@acme.example", "--credentials", file], env);
    expect(added.stderr).toBe("");
    expect(added.stdout).toMatch(/registered gcp provider/);
    // Stored sealed: the private key is nowhere in the row.
    const [row] = await tdb.db.select().from(cloudProviders);
    expect(JSON.stringify(row!.credentialsConfig)).not.toContain(em.serviceAccountKey.private_key.slice(40, 80));
    expect(row!.credentialsConfig).toMatchObject({ v: 2, alg: "A256GCM", kid: "k1" });

    const listed = await cli(["provider", "list"], env);
    expect(listed.stdout).toMatch(/gcp\s+Google Cloud \(3 projects\)/);
    // A provider that names no organization root has no discovered accounts: `-`, and `null` in JSON.
    expect(listed.stdout).toMatch(/discovered accounts/);
    const asJson = await cli(["provider", "list", "--json"], env);
    expect(JSON.parse(asJson.stdout)).toMatchObject([{ providerName: "gcp", displayName: "Google Cloud (3 projects)", discovery: null }]);

    const synced = await cli(["sync", "--kind", "resources"], env);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toMatch(/gcp\s+resources\s+succeeded\s+40/);
    const [count] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from ${cloudResources}`);
    expect(count!.n).toBe(40);
    // Piped, progress is plain lines, one per finished scope; the first run has no total yet.
    expect(synced.stderr).toMatch(/^gcp resources: 1 scopes, \d+ resources, \d+ resources\/s$/m);
    expect(synced.stderr).not.toContain("\r");
    // The next run expects as many scopes as this one read, and still ends with the table.
    const again = await cli(["sync", "--kind", "resources"], env);
    const total = /^gcp resources: (\d+) scopes, /m.exec(synced.stderr.split("\n").filter((l) => l.includes(" scopes, ")).at(-1)!)![1];
    expect(again.stderr).toMatch(new RegExp(`^gcp resources: ${total}/${total} scopes, \\d+ resources, \\d+ resources/s$`, "m"));
    expect(again.stdout).toMatch(/gcp\s+resources\s+succeeded\s+0 inserted, 0 updated, 40 unchanged/);

    // Deployments on demand: every Infrastructure Manager deployment the emulator serves is stored.
    const deployed = await cli(["sync", "--kind", "deployments"], env);
    expect(deployed.code).toBe(0);
    const expectedDeployments = em.expectedDeployments().length;
    expect(deployed.stdout).toMatch(new RegExp(`gcp\\s+deployments\\s+succeeded\\s+${expectedDeployments} deployments inserted, 0 updated, \\d+ resources linked`));
    const [stored] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from infrastructure_deployments`);
    expect(stored!.n).toBe(expectedDeployments);

    // Backups on demand too, recorded as a run of their own kind.
    const backedUp = await cli(["sync", "--kind", "backups"], env);
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/gcp\s+backups\s+succeeded\s+\d+ backup configurations, \d+ runs written/);
    const [run] = await queryRows<{ kind: string; configurations: number }>(
      tdb.db,
      sql`select kind, backup_configurations_written as configurations from sync_runs where kind = 'backups' order by started_at desc limit 1`,
    );
    const [configured] = await queryRows<{ n: number }>(tdb.db, sql`select count(*)::int as n from backup_configurations where source_id is not null`);
    expect(run).toEqual({ kind: "backups", configurations: configured!.n });
  }, 180_000);

  it("rejects a malformed credentials file, naming fields without echoing secrets, and writes nothing", async () => {
    const env = { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys };
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ cloud: "aws", accessKeyId: "AKIAEXAMPLEEXAMPLE", secretAccessKey: "super-secret-value-123", accounts: [{ accountId: "12" }] }));
    const r = await cli(["provider", "add", "--org", "acme", "--owner-email", "ops@acme.example", "--credentials", file], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/accounts\.0\.accountId: an AWS account id is 12 digits/);
    expect(r.stderr).not.toContain("super-secret-value-123");
    const providers = await tdb.db.select().from(cloudProviders);
    expect(providers.map((p) => p.providerName)).toEqual(["gcp"]);
  });

  it("rejects a credentials file that is not JSON without quoting it", async () => {
    const file = path.join(dir, "notjson.json");
    writeFileSync(file, "secretAccessKey=abc123-very-secret");
    const r = await cli(["provider", "add", "--org", "acme", "--owner-email", "ops@acme.example", "--credentials", file], { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not valid JSON/);
    expect(r.stderr).not.toContain("abc123-very-secret");
  });

  it("takes credentials from an environment variable, and names an unset one", async () => {
    const env = { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys };
    const added = await cli(["provider", "add", "--org", "acme", "--owner-email", "ops@acme.example", "--credentials", "env:GCP_CREDENTIALS", "--name", "GCP from env"], {
      ...env,
      GCP_CREDENTIALS: JSON.stringify(gcpEmulatorCredentials(em)),
    });
    expect(added.stdout).toMatch(/registered gcp provider "GCP from env"/);
    const missing = await cli(["provider", "add", "--org", "acme", "--owner-email", "ops@acme.example", "--credentials", "env:NOPE"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/environment variable "NOPE" named by --credentials is empty or unset/);
  });

  it("asks for the encryption keys before storing credentials", async () => {
    const r = await cli(["provider", "add", "--org", "acme", "--credentials", "x.json"], { DATABASE_URL: tdb.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CLOUDSYNC_ENCRYPTION_KEYS is not set[\s\S]*openssl rand -base64 32/);
  });

  it("refuses a bad kind (2) and an unknown organization (1)", async () => {
    const env = { DATABASE_URL: tdb.url, CLOUDSYNC_ENCRYPTION_KEYS: keys };
    const kind = await cli(["sync", "--kind", "everything"], env);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/argument 'everything' is invalid\. Allowed choices are resources, costs, metrics/);
    const org = await cli(["provider", "add", "--org", "nobody", "--owner-email", "x@nobody.example", "--credentials", path.join(dir, "gcp.json")], env);
    expect(org.code).toBe(1);
    expect(org.stderr).toMatch(/no organization matches --org "nobody" with owner x@nobody\.example/);
  });
});
