import type { KindReader } from "../../core/kind-reader.ts";
import type { LinodeLimitGroup } from "../api-limits.ts";

import type { LinodePage, LinodeSdk } from "../wire.ts";

export type { LinodePage, LinodeSdk };

/** What a Linode kind reads with: one account's paced, scoped, retried SDK calls. */
export interface LinodeReadContext {
  account: string;
  /** Items per page, within the API's 25–500. */
  pageSize: number;
  signal: AbortSignal | undefined;
  /** Calls the SDK as this account; `operation` (`GET /volumes`) names the call in failures. */
  call<T>(group: LinodeLimitGroup, operation: string, fn: (sdk: LinodeSdk) => Promise<T>): Promise<T>;
}

/**
 * One Linode resource kind. Every Linode collection covers all regions of the account in one
 * paged list, so a kind is read once per account (`account_global`).
 */
export interface LinodeKindReader<Raw = Record<string, unknown>> extends KindReader<Raw, LinodeReadContext> {
  readonly fanout: "account_global";
  /** Firewalls are global objects (scope region `global`); every other kind lives in a region. */
  readonly global?: true;
}

/**
 * Every page of a collection, following `page` up to `pages` (Linode's paging: `page` and
 * `page_size` in, `data`, `page`, `pages`, `results` out).
 */
export async function* linodePages<T>(
  ctx: LinodeReadContext,
  operation: string,
  fetch: (sdk: LinodeSdk, params: { page: number; page_size: number }) => Promise<LinodePage<T>>,
): AsyncGenerator<T[]> {
  for (let page = 1; ; page++) {
    const answer = await ctx.call("collection", operation, (sdk) => fetch(sdk, { page, page_size: ctx.pageSize }));
    yield answer.data ?? [];
    if (!(page < answer.pages)) return;
  }
}

/** Every item of a small sub-collection (a NodeBalancer's configs), in one array. */
export async function allItems<T>(
  ctx: LinodeReadContext,
  operation: string,
  fetch: (sdk: LinodeSdk, params: { page: number; page_size: number }) => Promise<LinodePage<T>>,
): Promise<T[]> {
  const items: T[] = [];
  for await (const page of linodePages(ctx, operation, fetch)) items.push(...page);
  return items;
}
