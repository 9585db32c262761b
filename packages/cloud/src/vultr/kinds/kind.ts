import type { KindReader } from "../../core/kind-reader.ts";
import type { VultrEndpointName } from "../clients.ts";

/** What a Vultr kind's `pages` may use: one account's paged lists. */
export interface VultrReadContext {
  account: string;
  /** Every page of a list endpoint, items under `key`. */
  list<T>(endpoint: VultrEndpointName, key: string): AsyncIterable<T[]>;
}

export type VultrRaw = Record<string, unknown>;

/** Every Vultr list covers the whole account (all regions): one read per account. */
export interface VultrKindReader extends KindReader<VultrRaw, VultrReadContext> {
  readonly endpoint: VultrEndpointName;
  readonly listKey: string;
}

/** The reader of a kind whose pages are one list endpoint. */
export function vultrKind(spec: Omit<VultrKindReader, "pages" | "fanout" | "operation"> & { operation?: string }): VultrKindReader {
  return {
    ...spec,
    fanout: "account_global",
    operation: spec.operation ?? `GET ${spec.endpoint}`,
    pages: (ctx) => ctx.list<VultrRaw>(spec.endpoint, spec.listKey),
  };
}
