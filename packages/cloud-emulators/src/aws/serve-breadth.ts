import { type AwsErrorReply, errorReply, type AwsService } from "./errors.ts";
import type { AwsEstate, EstateScope } from "./estate.ts";
import { decodeJsonToken, encodeJsonToken, jsonOk } from "./json.ts";
import { type AwsEmulatorKind, awsEmulatorKinds, awsGlobalEmulatorKinds, type EmulatedResource } from "./model.ts";
import { decodeToken, encodeToken, pageSizeParam } from "./paging.ts";
import { eksClusterNameOf, renderDescribeCluster, renderListClusters } from "./render-eks.ts";
import { renderDescribeFileSystems } from "./render-efs.ts";
import { renderEcsCluster, renderEcsService } from "./render-ecs.ts";
import { queryResponse } from "./render-query.ts";
import { renderAutoScalingGroup, renderCacheCluster, renderRedshiftCluster, renderTagList } from "./render-query-kinds.ts";
import { arnOf, renderResourceTagMapping } from "./render-tagging.ts";
import type { AwsGroupInstance } from "./status-checks.ts";
import { restJsonContentType } from "./rest-json.ts";
import { wrap } from "./xml.ts";

/**
 * The services behind the breadth kinds (EKS, ECS, Auto Scaling, ElastiCache, EFS, Redshift)
 * and the Resource Groups Tagging API, kept apart from server.ts: it answers the calls it
 * knows and leaves the rest (`undefined`) to the server's own dispatch.
 */

export interface BreadthCall {
  service: AwsService;
  action: string;
  account: string;
  region: string;
  form: URLSearchParams;
  url: URL;
  requestId: string;
  json: unknown;
}

export interface BreadthReply {
  status: number;
  body: string;
  contentType?: string;
}

export interface BreadthDeps {
  estate: AwsEstate;
  malformedIds(): ReadonlySet<string>;
  /** A group's instances with their lifecycle and health (status-checks.ts). */
  groupInstances(item: EmulatedResource): AwsGroupInstance[];
}

export function createBreadthHandlers(deps: BreadthDeps) {
  const { estate } = deps;

  function xml(body: string): BreadthReply {
    return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`, contentType: "text/xml;charset=UTF-8" };
  }

  /** One positional page of a scope, or the API's validation error. */
  function page(call: BreadthCall, kind: AwsEmulatorKind, size: number | undefined, token: string | null) {
    if (size === undefined) return errorReply(call.service, "invalid_parameter", call.requestId, "page size is out of range");
    const position = decodeToken(token);
    if (position === undefined) return errorReply(call.service, "invalid_token", call.requestId, "Invalid pagination token");
    const scope = estate.scope(call.account, call.region, kind);
    if (!scope) return { items: [] as EmulatedResource[] };
    const p = estate.page(scope, position, size);
    return p.next === undefined ? { items: p.items } : { items: p.items, nextToken: encodeToken(p.next) };
  }

  const input = (call: BreadthCall): Record<string, unknown> => (call.json && typeof call.json === "object" ? (call.json as Record<string, unknown>) : {});

  /** An item of this caller and region by id, of this kind. */
  function own(call: BreadthCall, id: string, kind: AwsEmulatorKind): EmulatedResource | undefined {
    const item = estate.find(id);
    return item?.kind === kind && item.account === call.account && item.region === call.region ? item : undefined;
  }

  function listEksClusters(call: BreadthCall): BreadthReply | AwsErrorReply {
    const q = call.url.searchParams;
    const p = page(call, "eks_cluster", pageSizeParam(q.get("maxResults"), 1, 100, 100), q.get("nextToken"));
    if ("status" in p) return p;
    return { status: 200, body: renderListClusters(p.items, p.nextToken), contentType: restJsonContentType };
  }

  function describeEksCluster(call: BreadthCall): BreadthReply | AwsErrorReply {
    const name = eksClusterNameOf(call.url.pathname);
    const item = own(call, `arn:aws:eks:${call.region}:${call.account}:cluster/${name}`, "eks_cluster");
    if (!item) return errorReply("eks", "not_found", call.requestId, `No cluster found for name: ${name}.`);
    return { status: 200, body: renderDescribeCluster(item, deps.malformedIds().has(item.id)), contentType: restJsonContentType };
  }

  function describeFileSystems(call: BreadthCall): BreadthReply | AwsErrorReply {
    const q = call.url.searchParams;
    // EFS pages by at most 100 file systems (its default too).
    const p = page(call, "efs_file_system", pageSizeParam(q.get("MaxItems"), 1, 100, 100), q.get("Marker"));
    if ("status" in p) return p;
    return { status: 200, body: renderDescribeFileSystems(p.items, deps.malformedIds(), q.get("Marker"), p.nextToken), contentType: restJsonContentType };
  }

  function jsonPageSize(value: unknown, min: number, max: number, fallback: number): number | undefined {
    if (value === undefined) return fallback;
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  }

  function listEcsClusters(call: BreadthCall): BreadthReply | AwsErrorReply {
    const body = input(call);
    const p = page(call, "ecs_cluster", jsonPageSize(body.maxResults, 1, 100, 100), typeof body.nextToken === "string" ? body.nextToken : null);
    if ("status" in p) return p;
    const out: Record<string, unknown> = { clusterArns: p.items.map((i) => i.id) };
    if (p.nextToken) out.nextToken = p.nextToken;
    return jsonOk("ecs", out);
  }

  /** A cluster named by ARN or bare name, as ECS accepts both. */
  function ecsCluster(call: BreadthCall, ref: unknown): EmulatedResource | undefined {
    if (typeof ref !== "string" || ref === "") return undefined;
    const arn = ref.startsWith("arn:") ? ref : `arn:aws:ecs:${call.region}:${call.account}:cluster/${ref}`;
    return own(call, arn, "ecs_cluster");
  }

  function describeEcsClusters(call: BreadthCall): BreadthReply | AwsErrorReply {
    const body = input(call);
    const refs = Array.isArray(body.clusters) ? body.clusters : [];
    if (refs.length > 100) return errorReply("ecs", "invalid_parameter", call.requestId, "clusters can have at most 100 items.");
    const withTags = Array.isArray(body.include) && body.include.includes("TAGS");
    const bad = deps.malformedIds();
    const clusters: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of refs) {
      const item = ecsCluster(call, ref);
      if (item) clusters.push(renderEcsCluster(item, withTags, bad.has(item.id)));
      else failures.push({ arn: String(ref), reason: "MISSING" });
    }
    return jsonOk("ecs", { clusters, failures });
  }

  function listEcsServices(call: BreadthCall): BreadthReply | AwsErrorReply {
    const body = input(call);
    const cluster = ecsCluster(call, body.cluster ?? "default");
    if (!cluster) return errorReply("ecs", "not_found", call.requestId, "Cluster not found.");
    const size = jsonPageSize(body.maxResults, 1, 100, 10);
    if (size === undefined) return errorReply("ecs", "invalid_parameter", call.requestId, "maxResults must be between 1 and 100.");
    const position = decodeToken(typeof body.nextToken === "string" ? body.nextToken : null);
    if (position === undefined) return errorReply("ecs", "invalid_token", call.requestId, "Invalid nextToken.");
    const scope = estate.scope(call.account, call.region, "ecs_service");
    const clusters = estate.scope(call.account, call.region, "ecs_cluster");
    const arns: string[] = [];
    let q = position;
    const end = scope ? estate.length(scope) : 0;
    // Generated services go round the region's clusters (position mod cluster count, see
    // estate.ts), so a cluster's own are every C-th position; added ones are checked one by one.
    const c = clusters?.count ?? 0;
    const own = clusters ? (estate.positionOf(clusters, cluster.id) ?? -1) : -1;
    while (scope && q < end && arns.length < size) {
      if (q < scope.count) {
        if (own < 0 || own >= c) {
          q = scope.count;
          continue;
        }
        const skip = (own - (q % c) + c) % c;
        if (skip > 0) {
          q = Math.min(q + skip, scope.count);
          continue;
        }
      }
      const s = estate.itemAt(scope, q);
      if (s && s.extra.clusterArn === cluster.id) arns.push(s.id);
      q += 1;
    }
    const out: Record<string, unknown> = { serviceArns: arns };
    if (q < end) out.nextToken = encodeToken(q);
    return jsonOk("ecs", out);
  }

  function describeEcsServices(call: BreadthCall): BreadthReply | AwsErrorReply {
    const body = input(call);
    const cluster = ecsCluster(call, body.cluster ?? "default");
    if (!cluster) return errorReply("ecs", "not_found", call.requestId, "Cluster not found.");
    const refs = Array.isArray(body.services) ? body.services : [];
    if (refs.length === 0 || refs.length > 10) return errorReply("ecs", "invalid_parameter", call.requestId, "services can have at most 10 items.");
    const withTags = Array.isArray(body.include) && body.include.includes("TAGS");
    const bad = deps.malformedIds();
    const services: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of refs) {
      const arn = typeof ref === "string" && ref.startsWith("arn:") ? ref : `arn:aws:ecs:${call.region}:${call.account}:service/${cluster.naturalName}/${String(ref)}`;
      const item = own(call, arn, "ecs_service");
      if (item && item.extra.clusterArn === cluster.id) services.push(renderEcsService(item, withTags, bad.has(item.id)));
      else failures.push({ arn, reason: "MISSING" });
    }
    return jsonOk("ecs", { services, failures });
  }

  function queryList(call: BreadthCall, kind: AwsEmulatorKind, sizeParam: string, min: number, max: number, fallback: number, tokenParam: string) {
    return page(call, kind, pageSizeParam(call.form.get(sizeParam), min, max, fallback), call.form.get(tokenParam)) as
      | { items: EmulatedResource[]; nextToken?: string }
      | AwsErrorReply;
  }

  function describeAutoScalingGroups(call: BreadthCall): BreadthReply | AwsErrorReply {
    const p = queryList(call, "autoscaling_group", "MaxRecords", 1, 100, 50, "NextToken");
    if ("status" in p) return p;
    const bad = deps.malformedIds();
    const result = wrap("AutoScalingGroups", p.items.map((i) => renderAutoScalingGroup(i, bad.has(i.id), deps.groupInstances(i))).join("")) + (p.nextToken ? `<NextToken>${p.nextToken}</NextToken>` : "");
    return xml(queryResponse("autoscaling", "DescribeAutoScalingGroups", call.requestId, result));
  }

  function describeCacheClusters(call: BreadthCall): BreadthReply | AwsErrorReply {
    const p = queryList(call, "elasticache_cluster", "MaxRecords", 20, 100, 100, "Marker");
    if ("status" in p) return p;
    const bad = deps.malformedIds();
    const result = (p.nextToken ? `<Marker>${p.nextToken}</Marker>` : "") + wrap("CacheClusters", p.items.map((i) => renderCacheCluster(i, bad.has(i.id))).join(""));
    return xml(queryResponse("elasticache", "DescribeCacheClusters", call.requestId, result));
  }

  function listCacheTags(call: BreadthCall): BreadthReply | AwsErrorReply {
    const arn = call.form.get("ResourceName") ?? "";
    const item = own(call, arn, "elasticache_cluster");
    if (!item) return errorReply("elasticache", "not_found", call.requestId, `CacheCluster not found: ${arn}`);
    return xml(queryResponse("elasticache", "ListTagsForResource", call.requestId, renderTagList(item.tags)));
  }

  function describeRedshiftClusters(call: BreadthCall): BreadthReply | AwsErrorReply {
    const p = queryList(call, "redshift_cluster", "MaxRecords", 20, 100, 100, "Marker");
    if ("status" in p) return p;
    const bad = deps.malformedIds();
    const result = wrap("Clusters", p.items.map((i) => renderRedshiftCluster(i, bad.has(i.id))).join("")) + (p.nextToken ? `<Marker>${p.nextToken}</Marker>` : "");
    return xml(queryResponse("redshift", "DescribeClusters", call.requestId, result));
  }

  /** Every scope whose resources the Tagging API of this region lists, in a fixed order. */
  function taggingScopes(call: BreadthCall): EstateScope[] {
    const scopes: EstateScope[] = [];
    for (const kind of awsEmulatorKinds) {
      // CloudFront's global resources answer in us-east-1; S3 buckets carry no tags here.
      const region = awsGlobalEmulatorKinds.has(kind) ? (kind === "cloudfront_distribution" && call.region === "us-east-1" ? "global" : undefined) : call.region;
      const scope = region && estate.scope(call.account, region, kind);
      if (scope) scopes.push(scope);
    }
    return scopes;
  }

  /**
   * `ResourceTypeFilters` as GetResources reads them: `service` or `service:type`, as in the ARN;
   * none means every type. Undefined when the filter list is invalid.
   */
  function typeMatcher(filters: unknown): ((arn: string) => boolean) | undefined {
    if (filters === undefined) return () => true;
    if (!Array.isArray(filters) || filters.length > 100 || !filters.every((f) => typeof f === "string" && f !== "")) return undefined;
    const wanted = new Set((filters as string[]).map((f) => f.toLowerCase()));
    return (arn) => {
      const parts = arn.split(":");
      const service = (parts[2] ?? "").toLowerCase();
      const resource = parts.slice(5).join(":");
      const cut = resource.search(/[/:]/);
      const type = (cut < 0 ? "" : resource.slice(0, cut)).toLowerCase();
      return wanted.has(service) || (type !== "" && wanted.has(`${service}:${type}`));
    };
  }

  function getResources(call: BreadthCall): BreadthReply | AwsErrorReply {
    const body = input(call);
    const size = jsonPageSize(body.ResourcesPerPage, 1, 100, 100);
    if (size === undefined) return errorReply("tagging", "invalid_parameter", call.requestId, "ResourcesPerPage must be between 1 and 100");
    const matches = typeMatcher(body.ResourceTypeFilters);
    if (!matches) return errorReply("tagging", "invalid_parameter", call.requestId, "ResourceTypeFilters must list 1 to 100 non-empty strings");
    const fingerprint = 0x7a6;
    const token = body.PaginationToken;
    const start = token === undefined || token === "" ? [0, 0] : decodeJsonToken("tagging", token, 2, fingerprint);
    if (!start) return errorReply("tagging", "invalid_token", call.requestId, "The pagination token is invalid or has expired.");
    // A scope of a dedicated kind holds one ARN type: its first item says whether to scan it at all.
    const scopes = taggingScopes(call).filter((scope) => {
      if (scope.kind === "tagged_resource") return true;
      const first = estate.page(scope, 0, 1).items[0];
      return first !== undefined && matches(arnOf(first));
    });
    const bad = deps.malformedIds();
    const mappings: unknown[] = [];
    let [s, position] = start as [number, number];
    while (s < scopes.length && mappings.length < size) {
      const chunk = estate.page(scopes[s] as EstateScope, position, size - mappings.length);
      // Only tagged resources are listed (and tags removed from all of a resource drop it too).
      for (const item of chunk.items) {
        if (Object.keys(item.tags).length > 0 && matches(arnOf(item))) mappings.push(renderResourceTagMapping(item, item.kind === "tagged_resource" && bad.has(item.id)));
      }
      if (chunk.next === undefined) {
        s += 1;
        position = 0;
      } else {
        position = chunk.next;
      }
    }
    const more = s < scopes.length;
    return jsonOk("tagging", { PaginationToken: more ? encodeJsonToken("tagging", [s, position], fingerprint) : "", ResourceTagMappingList: mappings });
  }

  return function dispatch(call: BreadthCall): BreadthReply | AwsErrorReply | undefined {
    switch (`${call.service}:${call.action}`) {
      case "eks:ListClusters":
        return listEksClusters(call);
      case "eks:DescribeCluster":
        return describeEksCluster(call);
      case "elasticfilesystem:DescribeFileSystems":
        return describeFileSystems(call);
      case "ecs:ListClusters":
        return listEcsClusters(call);
      case "ecs:DescribeClusters":
        return describeEcsClusters(call);
      case "ecs:ListServices":
        return listEcsServices(call);
      case "ecs:DescribeServices":
        return describeEcsServices(call);
      case "autoscaling:DescribeAutoScalingGroups":
        return describeAutoScalingGroups(call);
      case "elasticache:DescribeCacheClusters":
        return describeCacheClusters(call);
      case "elasticache:ListTagsForResource":
        return listCacheTags(call);
      case "redshift:DescribeClusters":
        return describeRedshiftClusters(call);
      case "tagging:GetResources":
        return getResources(call);
      default:
        return undefined;
    }
  };
}
