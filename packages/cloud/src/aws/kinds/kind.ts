import { MalformedItemError } from "../../errors.ts";
import type { NormalizedResource, ResourceType } from "../../types.ts";
import type { AwsServiceClients, AwsServiceName } from "../clients.ts";

/**
 * One AWS resource kind: which API lists it, across which scopes, and how one raw item becomes
 * one NormalizedResource. The adapter knows nothing kind-specific beyond this interface.
 */
export interface AwsKindReader<Raw extends object = object> {
  /** ScopeRef.kind. For RDS the normalized kind is engine-specific (`rds_postgres`). */
  readonly kind: string;
  readonly resourceType: ResourceType;
  /** Regional kinds are read once per enabled region; global ones once per account (`global`). */
  readonly reach: "regional" | "global";
  readonly service: AwsServiceName;
  /** The list call that pages this kind, for error messages. */
  readonly operation: string;
  /** Raw items, one array per API page, following every token to the end. */
  pages(ctx: ScopeReadContext): AsyncIterable<Raw[]>;
  /** Pure; throws MalformedItemError for an item that cannot be trusted. */
  normalize(raw: Raw, where: ItemWhere): NormalizedResource;
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

export interface ItemWhere {
  account: string;
  region: string;
}

/** Fits a requested page size into an API's allowed range; the maximum when none is asked. */
export function clampPageSize(requested: number | undefined, min: number, max: number): number {
  if (requested === undefined || !Number.isFinite(requested)) return max;
  return Math.min(max, Math.max(min, Math.floor(requested)));
}

export function malformed(where: ItemWhere, itemId: string | null | undefined, reason: string): MalformedItemError {
  return new MalformedItemError("aws", where.account, itemId ?? null, reason);
}
