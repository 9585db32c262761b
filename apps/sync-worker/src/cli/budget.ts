import { type BudgetPeriod, type BudgetScope, budgetPeriods, budgetScopes, costBudgets } from "@cloudsync/db";
import { asc, eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { CommandFailedError, UsageError } from "./errors.ts";
import { printResult, printRows } from "./output.ts";
import { type OrgOptions, inOrganization, isUuid } from "./tenant.ts";

export interface BudgetAddOptions extends OrgOptions {
  name: string;
  amount: string;
  period: string;
  scope: string;
  currency: string;
  thresholds?: string | undefined;
  filters?: string | undefined;
  json: boolean;
}

/** What `cost_budgets` accepts, checked before the database so the message names the option. */
export function parseBudgetInput(opts: BudgetAddOptions) {
  const name = opts.name.trim();
  if (name.length === 0 || name.length > 200) throw new UsageError(`--name must be 1 to 200 characters, got ${name.length}`);
  // numeric(12,2): at most ten digits before the point and two after; a budget is never negative.
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(opts.amount)) {
    throw new UsageError(`--amount must be a non-negative amount with at most two decimals and ten digits before the point (e.g. 1500 or 1500.50), got ${JSON.stringify(opts.amount)}`);
  }
  if (!budgetPeriods.includes(opts.period as BudgetPeriod)) throw new UsageError(`--period must be one of ${budgetPeriods.join(", ")}, got ${JSON.stringify(opts.period)}`);
  if (!budgetScopes.includes(opts.scope as BudgetScope)) throw new UsageError(`--scope must be one of ${budgetScopes.join(", ")}, got ${JSON.stringify(opts.scope)}`);
  if (!/^[A-Z]{3}$/.test(opts.currency)) throw new UsageError(`--currency must be an ISO 4217 code of three capital letters (e.g. USD, EUR), got ${JSON.stringify(opts.currency)}`);
  const thresholds = opts.thresholds === undefined ? [50, 75, 90, 100] : parseThresholds(opts.thresholds);
  let filters: Record<string, unknown> = {};
  if (opts.filters !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.filters);
    } catch {
      throw new UsageError(`--filters must be a JSON object, e.g. '{"provider_id":"…"}', got ${JSON.stringify(opts.filters)}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`--filters must be a JSON object, e.g. '{"provider_id":"…"}'`);
    filters = parsed as Record<string, unknown>;
  }
  // A budget over a part of the estate without saying which part would silently cover it all.
  if (opts.scope !== "organization" && Object.keys(filters).length === 0) {
    throw new UsageError(`--scope ${opts.scope} needs --filters naming which ${opts.scope.replace("_", " ")}, e.g. --filters '{"${opts.scope === "provider" ? "provider_id" : opts.scope}":"…"}'`);
  }
  return { name, amount: opts.amount, period: opts.period as BudgetPeriod, scope: opts.scope as BudgetScope, currency: opts.currency, thresholds, filters };
}

function parseThresholds(text: string): number[] {
  const values = text.split(",").map((s) => s.trim());
  const numbers = values.map(Number);
  if (values.some((v) => !/^\d+(\.\d+)?$/.test(v)) || numbers.some((n) => n <= 0 || n > 1000)) {
    throw new UsageError(`--thresholds must be comma-separated percentages of the budget above 0 and at most 1000, e.g. 50,75,90,100; got ${JSON.stringify(text)}`);
  }
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export async function budgetAdd(env: Env, opts: BudgetAddOptions): Promise<number> {
  const input = parseBudgetInput(opts);
  const row = await inOrganization(env, opts, async (tx, org) => {
    // Names are how people (and `budget remove`) tell budgets apart: one per name.
    const [same] = await tx.select({ id: costBudgets.id }).from(costBudgets).where(eq(costBudgets.budgetName, input.name));
    if (same) throw new CommandFailedError(`${org.slug} already has a budget named "${input.name}" (${same.id}); remove it first or choose another --name. Nothing was written.`);
    const [created] = await tx
      .insert(costBudgets)
      .values({
        organizationId: org.organizationId,
        budgetName: input.name,
        budgetScope: input.scope,
        scopeFilters: input.filters,
        budgetAmount: input.amount,
        budgetCurrency: input.currency,
        budgetPeriod: input.period,
        alertThresholds: input.thresholds,
        createdBy: org.ownerId,
      })
      .returning();
    return created!;
  });
  printResult(opts.json, row, `created budget "${row.budgetName}" (${row.id}): ${row.budgetAmount} ${row.budgetCurrency} ${row.budgetPeriod}, alerts at ${(row.alertThresholds ?? []).join(", ")} %`);
  return 0;
}

export async function budgetList(env: Env, opts: OrgOptions & { json: boolean }): Promise<number> {
  const rows = await inOrganization(env, opts, (tx) => tx.select().from(costBudgets).orderBy(asc(costBudgets.budgetName)));
  printRows(opts.json, rows, {
    headers: ["id", "name", "scope", "period", "amount", "spent", "alerts at %", "active"],
    cells: (b) => [b.id, b.budgetName, b.budgetScope, b.budgetPeriod, `${b.budgetAmount} ${b.budgetCurrency}`, b.currentSpend ?? "0", (b.alertThresholds ?? []).join(","), b.isActive ? "yes" : "no"],
    empty: "no budgets yet: `cloudsync budget add --org … --name … --amount … --period monthly`",
  });
  return 0;
}

/** `budget remove <id|name>`: by id, or by name (names are unique per organization, see add). */
export async function budgetRemove(env: Env, ref: string, opts: OrgOptions & { json: boolean }): Promise<number> {
  const removed = await inOrganization(env, opts, async (tx, org) => {
    const matches = await tx
      .select({ id: costBudgets.id, budgetName: costBudgets.budgetName })
      .from(costBudgets)
      .where(isUuid(ref) ? eq(costBudgets.id, ref) : eq(costBudgets.budgetName, ref));
    if (matches.length === 0) throw new CommandFailedError(`${org.slug} has no budget ${isUuid(ref) ? "with id" : "named"} ${JSON.stringify(ref)}; \`cloudsync budget list\` shows them. Nothing was removed.`);
    // Budgets written by other tools may share a name: then only an id says which one.
    if (matches.length > 1) throw new CommandFailedError(`${matches.length} budgets are named ${JSON.stringify(ref)} (${matches.map((m) => m.id).join(", ")}); remove one by its id. Nothing was removed.`);
    await tx.delete(costBudgets).where(eq(costBudgets.id, matches[0]!.id));
    return matches[0]!;
  });
  printResult(opts.json, removed, `removed budget "${removed.budgetName}" (${removed.id})`);
  return 0;
}
