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
