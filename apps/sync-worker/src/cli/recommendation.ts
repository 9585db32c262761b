import { type RecommendationStatus, costOptimizationRecommendations, recommendationStatuses } from "@cloudsync/db";
import { desc, eq, inArray, sql } from "drizzle-orm";
import type { Env } from "../env.ts";
import { CommandFailedError } from "./errors.ts";
import { printResult, printRows } from "./output.ts";
import { type OrgOptions, inOrganization, requireId } from "./tenant.ts";

/** `open` is what awaits a decision or its execution. */
export const recommendationListStatuses = ["open", "all", ...recommendationStatuses] as const;
const openStatuses: RecommendationStatus[] = ["identified", "approved"];

export async function recommendationList(env: Env, opts: OrgOptions & { json: boolean; status: (typeof recommendationListStatuses)[number] }): Promise<number> {
  const statuses = opts.status === "open" ? openStatuses : opts.status === "all" ? null : [opts.status];
  const t = costOptimizationRecommendations;
  const rows = await inOrganization(env, opts, (tx) =>
    tx
      .select()
      .from(t)
      .where(statuses ? inArray(t.recommendationStatus, statuses) : undefined)
      .orderBy(sql`coalesce((${t.estimatedSavings} ->> 'monthly_savings')::numeric, 0) desc`, desc(t.createdAt)),
  );
  printRows(opts.json, rows, {
    headers: ["id", "type", "status", "monthly savings", "complexity", "risk", "details"],
    cells: (r) => [
      r.id,
      r.recommendationType,
      r.recommendationStatus ?? "",
      `${Number(r.estimatedSavings?.monthly_savings ?? 0).toFixed(2)} ${r.estimatedSavings?.currency ?? ""}`.trim(),
      r.implementationComplexity ?? "",
      r.implementationRisk ?? "",
      (r.recommendationDetails ?? "").slice(0, 60),
    ],
    empty: `no ${opts.status === "all" ? "" : `${opts.status} `}recommendations (maintenance opens them from the rules of docs/recommendations.md)`,
  });
  return 0;
}

/**
 * A decision on one recommendation: approve from identified; reject from identified or
 * approved (a plan can be dropped before it is carried out). Locked first, so two decisions at
 * once cannot both win.
 */
async function decide(env: Env, id: string, opts: OrgOptions & { json: boolean }, to: "approved" | "rejected") {
  requireId("the recommendation", id, "cloudsync recommendation list");
  const from: RecommendationStatus[] = to === "approved" ? ["identified"] : openStatuses;
  const t = costOptimizationRecommendations;
  return inOrganization(env, opts, async (tx, org) => {
    const [rec] = await tx.select().from(t).where(eq(t.id, id)).for("update");
    if (!rec) throw new CommandFailedError(`${org.slug} has no recommendation ${id}; \`cloudsync recommendation list --status all\` shows them. Nothing was written.`);
    if (!from.includes(rec.recommendationStatus as RecommendationStatus)) {
      throw new CommandFailedError(`recommendation ${id} is ${rec.recommendationStatus}, and only ${from.join(" or ")} ones can be ${to}. Nothing was written.`);
    }
    const [updated] = await tx.update(t).set({ recommendationStatus: to, updatedAt: new Date() }).where(eq(t.id, id)).returning();
    return updated!;
  });
}

export async function recommendationApprove(env: Env, id: string, opts: OrgOptions & { json: boolean }): Promise<number> {
  const rec = await decide(env, id, opts, "approved");
  printResult(opts.json, rec, `approved ${rec.recommendationType} recommendation ${rec.id}`);
  return 0;
}

export async function recommendationReject(env: Env, id: string, opts: OrgOptions & { json: boolean }): Promise<number> {
  const rec = await decide(env, id, opts, "rejected");
  printResult(opts.json, rec, `rejected ${rec.recommendationType} recommendation ${rec.id}`);
  return 0;
}
