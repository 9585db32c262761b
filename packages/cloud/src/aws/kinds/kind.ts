import { clampPageSize, type ItemWhere, type KindReader } from "../../core/kind-reader.ts";
import { MalformedItemError } from "../../errors.ts";
import type { AwsServiceClients } from "../clients.ts";

export { clampPageSize, type ItemWhere };

/**
 * One AWS resource kind: the shared `KindReader` over this cloud's per-scope clients. Regional
 * kinds are read once per enabled region of each account (`account_region`); global ones once
 * per account (`account_global`, scope region `global`, clients signing for the home region).
 */
export interface AwsKindReader<Raw extends object = object> extends KindReader<Raw, ScopeReadContext> {
  readonly fanout: "account_region" | "account_global";
  /** The SDK service the kind is listed through (its rate-limit key). */
  readonly service: string;
}

export interface ScopeReadContext {
  account: string;
  /** The scope's region (`global` for S3; the clients then sign for the home region). */
  region: string;
  clients: AwsServiceClients;
  /** Requested items per page, before clamping to the API's own limits. */
  pageSize: number | undefined;
  signal: AbortSignal | undefined;
}

export function malformed(where: ItemWhere, itemId: string | null | undefined, reason: string): MalformedItemError {
  return new MalformedItemError("aws", where.account, itemId ?? null, reason);
}
