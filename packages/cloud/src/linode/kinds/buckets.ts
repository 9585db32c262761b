import type { BucketRaw } from "../wire.ts";
import type { NormalizedResource } from "../../types.ts";
import { configurationOf, gbSize, linodeResourceId, linodeTime, malformed } from "../normalize.ts";
import { type LinodeKindReader, linodePages } from "./kind.ts";

/**
 * An Object Storage bucket. Buckets have no numeric id: a label is unique within its region,
 * so the id is `bucket/<region>/<label>`. `region` is given by the API since regions replaced
 * clusters; an older answer with only `cluster` (`us-east-1`) is read as that cluster's region.
 * Size from the stored bytes; buckets carry no tags and no status (a listed one is in use).
 */
export function normalizeBucket(raw: BucketRaw, where: { account: string }): NormalizedResource {
  if (typeof raw.label !== "string" || !raw.label) throw malformed(where.account, null, "bucket without a label");
  const region = typeof raw.region === "string" && raw.region ? raw.region : typeof raw.cluster === "string" ? raw.cluster.replace(/-\d+$/, "") : "";
  if (!region) throw malformed(where.account, null, "bucket without a region or cluster");
  return {
    cloud: "linode",
    account: where.account,
    regionCode: region,
    kind: "linode_bucket",
    resourceId: linodeResourceId("bucket", `${region}/${raw.label}`),
    name: raw.label,
    resourceType: "storage",
    status: "running",
    sizeCategory: gbSize(typeof raw.size === "number" ? raw.size / 1e9 : undefined),
    tags: {},
    configuration: configurationOf(raw),
    providerCreatedAt: linodeTime(raw.created),
  };
}

export const bucketsReader: LinodeKindReader<BucketRaw> = {
  kind: "linode_bucket",
  resourceType: "storage",
  fanout: "account_global",
  operation: "GET /object-storage/buckets",
  metricKeys: [],
  relations: [],
  pages: (ctx) => linodePages(ctx, "GET /object-storage/buckets", (sdk, params) => sdk.getBuckets(params)),
  normalize: normalizeBucket,
};
