import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { costBudgets } from "@cloudsync/db";
import { type TestDatabase, createTestDatabase } from "@cloudsync/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./fixtures/cli.ts";
import { addOrganization } from "./fixtures/org.ts";

const dir = mkdtempSync(path.join(tmpdir(), "cloudsync-budget-"));
let tdb: TestDatabase;
let env: Record<string, string>;
let acme: string;
let other: string;
const cli = (args: string[]) => runCli(args, env, dir);
const ORG = ["--org", "acme", "--owner-email", "ops@acme.example"];
const budgets = () => tdb.db.select().from(costBudgets).orderBy(costBudgets.budgetName);

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: "cloudsync_cli_budget" });
  env = { DATABASE_URL: tdb.url };
  acme = await addOrganization(tdb, env, dir, "acme", "ops@acme.example");
  other = await addOrganization(tdb, env, dir, "other", "ops@other.example");
});
afterAll(async () => {
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("budget add, list, remove", () => {
  it("adds a budget for the named organization and lists it as a table and as JSON", async () => {
    const added = await cli(["budget", "add", ...ORG, "--name", "Monthly cap", "--amount", "5000.50", "--period", "monthly", "--thresholds", "100,80"]);
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^created budget "Monthly cap" \([0-9a-f-]{36}\): 5000\.50 USD monthly, alerts at 80, 100 %/);
    const [row] = await budgets();
    expect(row).toMatchObject({ organizationId: acme, budgetName: "Monthly cap", budgetAmount: "5000.50", budgetPeriod: "monthly", budgetScope: "organization", alertThresholds: [80, 100] });

    const table = await cli(["budget", "list", ...ORG]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^id\s+name\s+scope\s+period\s+amount/);
    expect(table.stdout).toContain("Monthly cap");
    const json = await cli(["budget", "list", "--org", acme, "--json"]);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: row!.id, budgetName: "Monthly cap", budgetAmount: "5000.50" })]);
  });

  it("shows another organization none of acme's budgets (row-level security)", async () => {
    const json = await cli(["budget", "list", "--org", other, "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
    const removed = await cli(["budget", "remove", "Monthly cap", "--org", other]);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toMatch(/other has no budget named "Monthly cap"; `cloudsync budget list` shows them\. Nothing was removed\./);
    expect(await budgets()).toHaveLength(1);
  });

  it.each([
    [["--amount", "-5", "--period", "monthly"], /--amount must be a non-negative amount/],
    [["--amount", "12.345", "--period", "monthly"], /at most two decimals/],
    [["--amount", "10", "--period", "fortnightly"], /option '--period <period>' argument 'fortnightly' is invalid\. Allowed choices are daily, weekly/],
    [["--amount", "10", "--period", "monthly", "--currency", "usd"], /--currency must be an ISO 4217 code/],
    [["--amount", "10", "--period", "monthly", "--thresholds", "50,abc"], /--thresholds must be comma-separated percentages/],
    [["--amount", "10", "--period", "monthly", "--scope", "provider"], /--scope provider needs --filters naming which provider/],
    [["--amount", "10", "--period", "monthly", "--scope", "provider", "--filters", "[1]"], /--filters must be a JSON object/],
    [["--period", "monthly"], /budget add needs --amount/],
  ])("refuses %j as usage (2), writing nothing", async (args, message) => {
    const r = await cli(["budget", "add", ...ORG, "--name", "Bad", ...(args as string[])]);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.code).toBe(2);
    expect(await tdb.db.select().from(costBudgets).where(eq(costBudgets.budgetName, "Bad"))).toEqual([]);
  });

  it("keeps to one organization under CLOUDSYNC_DB_ROLE=cloudsync_worker too, whose policy sees them all", async () => {
    const [mine] = await tdb.db.select().from(costBudgets);
    await tdb.db.insert(costBudgets).values({ organizationId: other, budgetName: "Theirs", budgetScope: "organization", budgetAmount: "1", budgetPeriod: "daily", createdBy: (await tdb.db.query.userProfiles.findFirst({ where: (u, { eq: e }) => e(u.organizationId, other) }))!.id });
    const r = await runCli(["budget", "list", "--org", acme, "--json"], { ...env, CLOUDSYNC_DB_ROLE: "cloudsync_worker" }, dir);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as { id: string }[]).map((b) => b.id)).toEqual([mine!.id]);
    await tdb.db.delete(costBudgets).where(eq(costBudgets.budgetName, "Theirs"));
  });

  it("refuses a second budget of the same name (1) and a slug without its owner (2)", async () => {
    const again = await cli(["budget", "add", ...ORG, "--name", "Monthly cap", "--amount", "1", "--period", "daily"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/acme already has a budget named "Monthly cap" .*Nothing was written\./);
    const noOwner = await cli(["budget", "list", "--org", "acme"]);
    expect(noOwner.code).toBe(2);
    expect(noOwner.stderr).toMatch(/--org "acme" is a slug: give the owner's address too/);
    expect(await budgets()).toHaveLength(1);
  });

  it("removes by name, then says there is none", async () => {
    const r = await cli(["budget", "remove", "Monthly cap", ...ORG, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ budgetName: "Monthly cap" });
    expect(await budgets()).toEqual([]);
    const gone = await cli(["budget", "remove", "Monthly cap", ...ORG]);
    expect(gone.code).toBe(1);
  });
});
