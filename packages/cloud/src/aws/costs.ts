import type { CostExplorerClient, GetCostAndUsageCommandOutput } from "@aws-sdk/client-cost-explorer";
import type { ReadState, ReadStep, ScopeRead } from "../core/scope-runner.ts";
import type { AdapterLogger, NormalizedCostLine, ScopeRef } from "../types.ts";
import { errorCode } from "./aws-errors.ts";
import { addDays, type CostResultContext, type CostWindowSegment, costWindowSegments, normalizeCostResult } from "./normalize-costs.ts";
import { awsSdk } from "./sdk.ts";

/**
 * Cost Explorer for one account: daily UnblendedCost and UsageQuantity grouped by SERVICE
 * (and by RESOURCE_ID for the days resource-level data covers), always filtered to the account
 * with LINKED_ACCOUNT, so a management account's credentials read one member at a time and a
 * member's own credentials read just itself.
 */

/** The two calls used, over the SDK client (narrow so the reader does not see the whole SDK). */
export interface CostExplorerApi {
  costAndUsage(request: CostRequest, signal: AbortSignal | undefined): Promise<CostPage>;
}

export interface CostRequest {
  account: string;
  /** Inclusive days. */
  start: string;
  end: string;
  byResource: boolean;
  nextPageToken: string | undefined;
}

export type CostPage = Pick<GetCostAndUsageCommandOutput, "ResultsByTime" | "NextPageToken">;

export function costExplorerApi(client: () => Promise<CostExplorerClient>): CostExplorerApi {
  return {
    async costAndUsage(request, signal) {
      const input = {
        // Cost Explorer's End is exclusive.
        TimePeriod: { Start: request.start, End: addDays(request.end, 1) },
        Granularity: "DAILY" as const,
        Metrics: ["UnblendedCost", "UsageQuantity"],
        GroupBy: request.byResource
          ? [
              { Type: "DIMENSION" as const, Key: "SERVICE" as const },
              { Type: "DIMENSION" as const, Key: "RESOURCE_ID" as const },
            ]
          : [{ Type: "DIMENSION" as const, Key: "SERVICE" as const }],
        Filter: { Dimensions: { Key: "LINKED_ACCOUNT" as const, Values: [request.account] } },
        ...(request.nextPageToken ? { NextPageToken: request.nextPageToken } : {}),
      };
      const ce = await client();
      return request.byResource
        ? await ce.send(new (awsSdk("@aws-sdk/client-cost-explorer").GetCostAndUsageWithResourcesCommand)(input), { abortSignal: signal })
        : await ce.send(new (awsSdk("@aws-sdk/client-cost-explorer").GetCostAndUsageCommand)(input), { abortSignal: signal });
    },
  };
}

/**
 * What says "resource-level data is not available to you" rather than "you may not read
 * costs": the account has not opted in (DataUnavailableException), or the policy allows
 * ce:GetCostAndUsage but not ce:GetCostAndUsageWithResources (AccessDenied*).
 */
const resourceLevelRefusals = new Set(["DataUnavailableException", "AccessDeniedException", "AccessDenied"]);

export interface CostScopeContext {
  scope: ScopeRef;
  /** The account whose credentials read this bill (the billing account, or the scope's own). */
  credentialAccount: string;
  api: CostExplorerApi;
  start: string;
  end: string;
  today: string;
  byResource: boolean;
  logger: AdapterLogger | undefined;
}

/** One account's bill, for the shared runner: pages as they arrive, skipped rows as they are found. */
export function costRead(ctx: CostScopeContext): ScopeRead<NormalizedCostLine> {
  return {
    scopes: [ctx.scope],
    credentialAccount: ctx.credentialAccount,
    operation: "GetCostAndUsage",
    read: (state) => costSteps(ctx, state),
  };
}

async function* costSteps(ctx: CostScopeContext, state: ReadState): AsyncGenerator<ReadStep<NormalizedCostLine>> {
  const { scope, logger } = ctx;
  const signal = state.signal;
  const segments: CostWindowSegment[] = costWindowSegments(ctx.start, ctx.end, ctx.today, ctx.byResource);
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s] as CostWindowSegment;
    const operation = segment.byResource ? "GetCostAndUsageWithResources" : "GetCostAndUsage";
    state.operation = operation;
    const resultContext: CostResultContext = {
      account: scope.account,
      groupBy: segment.byResource ? ["SERVICE", "RESOURCE_ID"] : ["SERVICE"],
      source: operation,
    };
    let token: string | undefined;
    let first = true;
    do {
      let page: CostPage;
      try {
        page = await ctx.api.costAndUsage({ account: scope.account, start: segment.start, end: segment.end, byResource: segment.byResource, nextPageToken: token }, signal);
      } catch (error) {
        const code = errorCode(error);
        if (segment.byResource && first && code && resourceLevelRefusals.has(code)) {
          logger?.warn(
            { scope, code, start: segment.start, end: segment.end },
            "aws resource-level costs unavailable (opt in under Cost Explorer settings, allow ce:GetCostAndUsageWithResources); reading these days by service",
          );
          segments[s] = { ...segment, byResource: false };
          s -= 1;
          break;
        }
        throw error;
      }
      first = false;
      const lines: NormalizedCostLine[] = [];
      for (const result of page.ResultsByTime ?? []) {
        const outcome = normalizeCostResult(result, resultContext);
        for (const skipped of outcome.skipped) yield { type: "skipped", itemId: skipped.itemId, reason: skipped.reason };
        lines.push(...outcome.lines);
      }
      if (lines.length > 0) yield { type: "items", items: lines };
      token = page.NextPageToken || undefined;
    } while (token);
  }
}
