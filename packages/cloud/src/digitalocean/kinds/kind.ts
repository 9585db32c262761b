import type { KindReader } from "../../core/kind-reader.ts";
import type { DoAnswer, DotsV2, RequestInformation } from "../clients.ts";
import type { DoRaw } from "../normalize.ts";

/** What a DigitalOcean kind reads with: the team, the page size, and the team's gated GET. */
export interface DoReadContext {
  /** The team id the token belongs to (the scope's account). */
  team: string;
  pageSize: number;
  signal: AbortSignal | undefined;
  get(operation: string, build: (v2: DotsV2, options: readonly object[]) => RequestInformation): Promise<DoAnswer>;
}

/**
 * One DigitalOcean kind. Every list of the API covers the whole team, all regions at once, so a
 * kind is one read per team (`account_global`, scope region `*`).
 */
export interface DoKindReader extends KindReader<DoRaw, DoReadContext> {
  readonly fanout: "account_global";
}

type Builder = (v2: DotsV2) => { toGetRequestInformation: DotsV2["droplets"]["toGetRequestInformation"] };

/** The API allows at most 200 items per page. */
export const MAX_PER_PAGE = 200;

/**
 * Walks a paged collection: `page` from 1, `per_page` as asked, following `links.pages.next`
 * (absent on the last page) rather than counting from `meta.total`, which can move while the
 * walk goes on. A `next` that does not move forward is an API fault, not a loop.
 */
export async function* listPages(ctx: DoReadContext, operation: string, key: string, builder: Builder): AsyncGenerator<DoRaw[]> {
  let page = 1;
  for (;;) {
    const current = page;
    const { body } = await ctx.get(operation, (v2, options) =>
      builder(v2).toGetRequestInformation({ queryParameters: { page: current, perPage: ctx.pageSize }, options }),
    );
    yield itemsOf(body, key, operation);
    const next = nextPage(body);
    if (next === null) return;
    if (next <= current) throw new Error(`${operation}: links.pages.next points back to page ${next} from page ${current}; the listing cannot be trusted to end`);
    page = next;
  }
}

/** The one unpaged collection (managed databases): a single answer with every item. */
export async function* listAll(ctx: DoReadContext, operation: string, key: string, builder: Builder): AsyncGenerator<DoRaw[]> {
  const { body } = await ctx.get(operation, (v2, options) => builder(v2).toGetRequestInformation({ options }));
  const items = itemsOf(body, key, operation);
  // Handed on in pages of the asked size, so no consumer sees a page larger than it asked for.
  for (let i = 0; i < items.length; i += ctx.pageSize) yield items.slice(i, i + ctx.pageSize);
}

export function itemsOf(body: unknown, key: string, operation: string): DoRaw[] {
  const list = (body as Record<string, unknown> | null)?.[key];
  // An empty team answers `[]`; a missing key means the answer is not the list we asked for.
  if (list === undefined && body && typeof body === "object" && Object.keys(body).length === 0) return [];
  if (!Array.isArray(list)) throw new Error(`${operation}: the answer has no "${key}" list`);
  return list.filter((x): x is DoRaw => typeof x === "object" && x !== null);
}

/** The page number `links.pages.next` names, or null on the last page. */
export function nextPage(body: unknown): number | null {
  const next = ((body as { links?: { pages?: { next?: unknown } } } | null)?.links?.pages?.next);
  if (typeof next !== "string" || next === "") return null;
  const page = Number(new URL(next).searchParams.get("page"));
  if (!Number.isInteger(page) || page < 1) throw new Error(`links.pages.next has no page number: ${next}`);
  return page;
}
