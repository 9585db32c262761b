import type { AuthClient } from "google-auth-library";
import type { RateLimiter } from "../../common/rate-limiter.ts";
import type { KindReader, MultiKindReader } from "../../core/kind-reader.ts";
import type { RetrySettings } from "../call-options.ts";
import type { ComputeClients, GcpCallOptions } from "../clients.ts";

/** One raw item of a page and the aggregated-list key it came under (null for global lists). */
export interface RawEntry {
  item: object;
  scopeKey: string | null;
}

/** A scoped list the API could not fill (a zone that did not answer), which makes the scope incomplete. */
export interface ScopeWarning {
  scopeKey: string;
  code: string;
  message: string;
}

export interface RawPage {
  entries: RawEntry[];
  warnings: ScopeWarning[];
}

/** What a GCP kind reads with: the project, the connection's SDK clients, paging and retry settings. */
export interface GcpReadContext {
  project: string;
  pageSize: number;
  callOptions: GcpCallOptions;
  /** The connection's gax clients (Compute, Cloud SQL Admin, GKE…), and a memo for other SDKs' clients. */
  clients: ComputeClients;
  /** The gated auth client, for SDKs that send through its `request()` (Cloud Storage). */
  authClient: AuthClient;
  /** `http://127.0.0.1:8085` for an emulator; undefined for Google. */
  endpoint: string | undefined;
  /** For an SDK that sends around the gated transport (BigQuery): the limiter and retry settings to apply. */
  limiter: RateLimiter;
  retry: RetrySettings;
  signal: AbortSignal | undefined;
  /**
   * For a `project_region` kind: the one region this read lists, or undefined to list every
   * region the kind's API serves in the project (the kind finds them itself).
   */
  region?: string;
}

/** An API other than Compute, named in failures with the role that lets the service account read it. */
export interface GcpApiInfo {
  name: string;
  role: string;
}

/**
 * One GCP resource kind: the shared `KindReader` over Compute. Aggregated lists cover every
 * zone and region of a project in one paged call (`project`, scope region `*`, or one scope
 * per asked region); global collections are one scope `global` per project (`project_global`).
 * A raw item is an entry: the item and the aggregated-list key it came under.
 */
export interface GcpKindReader extends KindReader<RawEntry, GcpReadContext> {
  /** `project_region`: an API without a wildcard location, listed region by region (Cloud Run). */
  readonly fanout: "project" | "project_global" | "project_region";
  /** For a kind read outside Compute: its API and viewer role, for error messages. */
  readonly api?: GcpApiInfo;
}

/**
 * A reader whose one listing reports many kinds (Cloud Asset Inventory): one read per project,
 * its resources' kinds derived from what it lists.
 */
export interface GcpMultiKindReader extends MultiKindReader<RawEntry, GcpReadContext> {
  readonly fanout: "project";
  readonly api: GcpApiInfo;
  /** Whether a kind not in `reports` is still one this reader may report (a derived kind). */
  reportsKind(kind: string): boolean;
}
