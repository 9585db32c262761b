import { hashString } from "../rng.ts";
import type { EmulatedResource } from "./model.ts";
import { el, wrap, xmlDeclaration } from "./xml.ts";

/** S3 REST-XML bodies. */

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

export function renderListBuckets(
  account: string,
  buckets: readonly EmulatedResource[],
  malformedIds: ReadonlySet<string>,
  continuationToken: string | undefined,
  withRegion: boolean,
): string {
  const items = buckets
    .map((b) =>
      wrap(
        "Bucket",
        (malformedIds.has(b.id) ? "" : el("Name", b.id)) +
          el("CreationDate", b.createdAt) +
          (withRegion ? el("BucketRegion", b.region) : ""),
      ),
    )
    .join("");
  return (
    xmlDeclaration +
    `<ListAllMyBucketsResult xmlns="${s3Namespace}">` +
    wrap("Owner", el("ID", `${account}canonicaluserid`) + el("DisplayName", `owner-${account}`)) +
    wrap("Buckets", items) +
    el("ContinuationToken", continuationToken) +
    "</ListAllMyBucketsResult>"
  );
}

/** us-east-1 buckets answer with an empty constraint, a quirk clients must handle. */
export function renderBucketLocation(region: string): string {
  return region === "us-east-1"
    ? `${xmlDeclaration}<LocationConstraint xmlns="${s3Namespace}"/>`
    : `${xmlDeclaration}<LocationConstraint xmlns="${s3Namespace}">${region}</LocationConstraint>`;
}

/**
 * Which lifecycle configuration a bucket has, from its name (not the estate's random stream, so
 * adding it moved no other generated value): a third have none (NoSuchLifecycleConfiguration),
 * a third only abort incomplete multipart uploads (a configuration that moves no object), a
 * third move logs-style data to STANDARD_IA after 30 days and expire it after a year.
 */
export type BucketLifecycle = "none" | "abort_uploads_only" | "transition_and_expire";

export function bucketLifecycleOf(bucket: string): BucketLifecycle {
  const n = hashString(`lifecycle:${bucket}`) % 3;
  return n === 0 ? "none" : n === 1 ? "abort_uploads_only" : "transition_and_expire";
}

/**
 * GetBucketLifecycleConfiguration's body (S3 API reference, "Response Syntax"): a
 * LifecycleConfiguration of Rule elements, each with ID, Filter, Status and its actions.
 * Undefined for a bucket without configuration: S3 answers NoSuchLifecycleConfiguration.
 */
export function renderBucketLifecycle(bucket: string): string | undefined {
  const kind = bucketLifecycleOf(bucket);
  if (kind === "none") return undefined;
  const abort = wrap(
    "Rule",
    el("ID", "abort-incomplete-uploads") + wrap("Filter", "") + el("Status", "Enabled") + wrap("AbortIncompleteMultipartUpload", el("DaysAfterInitiation", 7)),
  );
  const move = wrap(
    "Rule",
    el("ID", "archive-old-objects") +
      wrap("Filter", el("Prefix", "")) +
      el("Status", "Enabled") +
      wrap("Transition", el("Days", 30) + el("StorageClass", "STANDARD_IA")) +
      wrap("Expiration", el("Days", 365)),
  );
  return `${xmlDeclaration}<LifecycleConfiguration xmlns="${s3Namespace}">${kind === "abort_uploads_only" ? abort : move + abort}</LifecycleConfiguration>`;
}
