import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { alertDeliveries, costOptimizationRecommendations, infrastructureAlerts, userProfiles } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization } from "./fixtures/org.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-alert-"));
let tdb: TestDatabase;
let env: Record<string, string>;
let acme: string;
let other: string;
const cli = (args: string[]) => runCli(args, env, dir);
const ORG = ["--org", "acme", "--owner-email", "ops@acme.example"];

async function addAlert(organizationId: string, alertName: string, severityLevel: "info" | "warning" | "critical") {
  const [row] = await tdb.db
    .insert(infrastructureAlerts)
    .values({ organizationId, alertName, alertType: "resource_health", severityLevel, alertConditions: { metric: "cpu_utilization", above: 90 }, recipientList: [] })
    .returning();
  return row!;
}
const alertRow = async (id: string) => (await tdb.db.select().from(infrastructureAlerts).where(eq(infrastructureAlerts.id, id)))[0]!;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_alert" });
  env = { DATABASE_URL: tdb.url };
  acme = await addOrganization(tdb, env, dir, "acme", "ops@acme.example");
  other = await addOrganization(tdb, env, dir, "other", "ops@other.example");
  await tdb.db.insert(userProfiles).values({ organizationId: acme, email: "oncall@acme.example", role: "admin", displayName: "On call" });
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("alert list, ack, resolve", () => {
  it("lists the organization's open alerts worst first, and none of another's", async () => {
    const warn = await addAlert(acme, "disk 80%", "warning");
    const crit = await addAlert(acme, "disk 95%", "critical");
    await addAlert(other, "other's alert", "critical");
    const r = await cli(["alert", "list", ...ORG, "--json"]);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as { id: string }[]).map((a) => a.id)).toEqual([crit.id, warn.id]);
    const table = await cli(["alert", "list", ...ORG, "--severity", "warning"]);
    expect(table.stdout).toMatch(/^id\s+severity\s+status/);
    expect(table.stdout).toContain("disk 80%");
    expect(table.stdout).not.toContain("disk 95%");
  });

  it("acknowledges as the named user, then resolves with notes as the owner", async () => {
    const a = await addAlert(acme, "cpu hot", "critical");
    const ack = await cli(["alert", "ack", a.id, ...ORG, "--by", "ONCALL@acme.example"]);
    expect(ack.stderr).toBe("");
    expect(ack.stdout).toMatch(/acknowledged alert "cpu hot" .* as oncall@acme\.example/);
    const [oncall] = await tdb.db.select().from(userProfiles).where(eq(userProfiles.email, "oncall@acme.example"));
    expect(await alertRow(a.id)).toMatchObject({ alertStatus: "acknowledged", acknowledgedBy: oncall!.id });

    const again = await cli(["alert", "ack", a.id, ...ORG]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is acknowledged, and only active alerts can be acknowledged\. Nothing was written\./);

    const resolved = await cli(["alert", "resolve", a.id, ...ORG, "--notes", "scaled out", "--json"]);
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ id: a.id, alertStatus: "resolved", resolutionNotes: "scaled out" });
    expect((await alertRow(a.id)).resolvedAt).toBeInstanceOf(Date);
  });

  it("refuses bad input: a malformed id (2), another organization's alert (1), an unknown --by (1), writing nothing", async () => {
    const theirs = await addAlert(other, "not yours", "warning");
    const bad = await cli(["alert", "ack", "not-an-id", ...ORG]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/the alert must be an id \(uuid\), got "not-an-id"; `cloudsync alert list` shows the ids/);
    const cross = await cli(["alert", "resolve", theirs.id, ...ORG]);
    expect(cross.code).toBe(1);
    expect(cross.stderr).toMatch(new RegExp(`acme has no alert ${theirs.id}`));
    const mine = await addAlert(acme, "mine", "info");
    const stranger = await cli(["alert", "ack", mine.id, ...ORG, "--by", "ops@other.example"]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/--by ops@other\.example is not an active user of acme/);
    const status = await cli(["alert", "list", ...ORG, "--status", "closed"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/Allowed choices are open, all, active/);
    expect(await alertRow(theirs.id)).toMatchObject({ alertStatus: "active", resolvedAt: null });
    expect(await alertRow(mine.id)).toMatchObject({ alertStatus: "active", acknowledgedBy: null });
  });

  it("shows an alert's delivery attempts, newest first, and none of another organization's", async () => {
    const a = await addAlert(acme, "disk full", "critical");
    const attempt = (n: number, status: "failed" | "delivered", at: string) => ({
      organizationId: acme, alertId: a.id, event: "raised" as const, channel: "ops", channelType: "webhook" as const,
      idempotencyKey: `${a.id}.raised.ops`, attempt: n, status, responseCode: status === "failed" ? 503 : 200, attemptedAt: new Date(at),
    });
    await tdb.db.insert(alertDeliveries).values([attempt(1, "failed", "2026-12-06T08:00:00Z"), attempt(2, "delivered", "2026-12-06T08:00:20Z")]);
    const r = await cli(["alert", "deliveries", a.id, ...ORG, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((d: { attempt: number; status: string; responseCode: number }) => [d.attempt, d.status, d.responseCode])).toEqual([
      [2, "delivered", 200],
      [1, "failed", 503],
    ]);
    const theirs = await cli(["alert", "deliveries", a.id, "--org", "other", "--owner-email", "ops@other.example"]);
    expect([theirs.code, theirs.stdout]).toEqual([0, expect.stringMatching(/no delivery attempts for alert/)]);
  });
});

describe("recommendation list, approve, reject", () => {
  async function addRecommendation(organizationId: string, monthly: number) {
    const [row] = await tdb.db
      .insert(costOptimizationRecommendations)
      .values({
        organizationId,
        recommendationType: "rightsizing",
        targetResources: [],
        optimizationRules: { source: "test" },
        estimatedSavings: { monthly_savings: monthly, annual_savings: monthly * 12, percentage_savings: 0, currency: "USD" },
      })
      .returning();
    return row!;
  }
  const status = async (id: string) =>
    (await tdb.db.select().from(costOptimizationRecommendations).where(eq(costOptimizationRecommendations.id, id)))[0]!.recommendationStatus;

  it("lists open ones by savings, approves, then rejects; refuses what the status does not allow", async () => {
    const small = await addRecommendation(acme, 10);
    const big = await addRecommendation(acme, 900);
    const list = await cli(["recommendation", "list", ...ORG, "--json"]);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id)).toEqual([big.id, small.id]);
    const table = await cli(["recommendation", "list", ...ORG]);
    expect(table.stdout).toMatch(/900\.00 USD/);

    expect((await cli(["recommendation", "approve", big.id, ...ORG])).stdout).toMatch(/approved rightsizing recommendation/);
    expect(await status(big.id)).toBe("approved");
    const twice = await cli(["recommendation", "approve", big.id, ...ORG]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/is approved, and only identified ones can be approved\. Nothing was written\./);

    expect((await cli(["recommendation", "reject", big.id, ...ORG])).code).toBe(0);
    expect(await status(big.id)).toBe("rejected");
    const afterReject = await cli(["recommendation", "reject", big.id, ...ORG]);
    expect(afterReject.code).toBe(1);
    expect(await status(big.id)).toBe("rejected");
  });

  it("refuses another organization's recommendation (1) and a malformed id (2)", async () => {
    const theirs = await addRecommendation(other, 50);
    const cross = await cli(["recommendation", "approve", theirs.id, ...ORG]);
    expect(cross.code).toBe(1);
    expect(cross.stderr).toMatch(/acme has no recommendation/);
    expect((await cli(["recommendation", "reject", "42", ...ORG])).code).toBe(2);
    expect(await status(theirs.id)).toBe("identified");
  });
});
