import type { EmulatedResource } from "./model.ts";
import { el, wrap, xmlDeclaration } from "./xml.ts";

/**
 * CloudFront's REST-XML API (version 2020-05-31, the only one): `GET /2020-05-31/distribution`
 * pages DistributionSummary items by Marker/NextMarker; `GET /2020-05-31/tagging?Resource=ARN`
 * answers the distribution's tags. Lists are `<Quantity>` plus `<Items>`.
 */

export const cloudFrontNamespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

export function cloudFrontAction(method: string, pathname: string): string {
  if (method !== "GET") return "";
  if (/^\/2020-05-31\/distribution\/?$/.test(pathname)) return "ListDistributions";
  if (/^\/2020-05-31\/tagging\/?$/.test(pathname)) return "ListTagsForResource";
  return "";
}

export function isCloudFrontPath(pathname: string): boolean {
  return /^\/20\d\d-\d\d-\d\d\/(distribution|tagging)\b/.test(pathname);
}

/** The distribution id at the end of the ARN (`E` + 16 upper-case hex digits). */
export function distributionIdOf(item: EmulatedResource): string {
  return item.id.slice(item.id.lastIndexOf("/") + 1);
}

function list(itemName: string, values: readonly string[]): string {
  return el("Quantity", values.length) + (values.length > 0 ? wrap("Items", values.map((v) => el(itemName, v)).join("")) : "");
}

function renderSummary(item: EmulatedResource, malformed: boolean): string {
  const id = distributionIdOf(item);
  const origin = item.extra.origin ?? "";
  const s3Origin = origin.endsWith(".s3.amazonaws.com");
  const originXml = wrap(
    "Origin",
    el("Id", `origin-${id.slice(-6)}`) +
      el("DomainName", origin) +
      el("OriginPath", "") +
      wrap("CustomHeaders", el("Quantity", 0)) +
      (s3Origin
        ? wrap("S3OriginConfig", el("OriginAccessIdentity", ""))
        : wrap(
            "CustomOriginConfig",
            el("HTTPPort", 80) + el("HTTPSPort", 443) + el("OriginProtocolPolicy", "https-only") + el("OriginReadTimeout", 30) + el("OriginKeepaliveTimeout", 5),
          )) +
      el("ConnectionAttempts", 3) +
      el("ConnectionTimeout", 10),
  );
  const aliases = item.extra.alias ? [item.extra.alias] : [];
  return wrap(
    "DistributionSummary",
    el("Id", id) +
      el("ARN", item.id) +
      (malformed ? "" : el("Status", item.state)) +
      el("LastModifiedTime", item.createdAt) +
      el("DomainName", `d${id.slice(1, 15).toLowerCase()}.cloudfront.net`) +
      wrap("Aliases", list("CNAME", aliases)) +
      wrap("Origins", el("Quantity", 1) + wrap("Items", originXml)) +
      wrap(
        "DefaultCacheBehavior",
        el("TargetOriginId", `origin-${id.slice(-6)}`) +
          wrap("TrustedSigners", el("Enabled", false) + el("Quantity", 0)) +
          el("ViewerProtocolPolicy", "redirect-to-https") +
          el("Compress", true) +
          el("CachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6"),
      ) +
      wrap("CacheBehaviors", el("Quantity", 0)) +
      wrap("CustomErrorResponses", el("Quantity", 0)) +
      el("Comment", item.naturalName ?? "") +
      el("PriceClass", item.extra.priceClass) +
      el("Enabled", item.extra.enabled) +
      wrap(
        "ViewerCertificate",
        aliases.length > 0
          ? el("ACMCertificateArn", `arn:aws:acm:us-east-1:${item.account}:certificate/${id.toLowerCase()}`) +
              el("SSLSupportMethod", "sni-only") +
              el("MinimumProtocolVersion", "TLSv1.2_2021")
          : el("CloudFrontDefaultCertificate", true) + el("MinimumProtocolVersion", "TLSv1"),
      ) +
      wrap("Restrictions", wrap("GeoRestriction", el("RestrictionType", "none") + el("Quantity", 0))) +
      el("WebACLId", "") +
      el("HttpVersion", "http2") +
      el("IsIPV6Enabled", true) +
      el("Staging", false),
  );
}

export function renderDistributionList(
  items: readonly EmulatedResource[],
  malformed: ReadonlySet<string>,
  marker: string,
  maxItems: number,
  nextMarker: string | undefined,
): string {
  return (
    xmlDeclaration +
    `<DistributionList xmlns="${cloudFrontNamespace}">` +
    el("Marker", marker) +
    el("NextMarker", nextMarker) +
    el("MaxItems", maxItems) +
    el("IsTruncated", nextMarker !== undefined) +
    el("Quantity", items.length) +
    (items.length > 0 ? wrap("Items", items.map((i) => renderSummary(i, malformed.has(i.id))).join("")) : "") +
    "</DistributionList>"
  );
}

export function renderCloudFrontTags(tags: Record<string, string>): string {
  const items = Object.entries(tags)
    .map(([k, v]) => wrap("Tag", el("Key", k) + el("Value", v)))
    .join("");
  return `${xmlDeclaration}<Tags xmlns="${cloudFrontNamespace}">${items ? wrap("Items", items) : ""}</Tags>`;
}
