import { hashString } from "../rng.ts";
import { generateResource, idCode, indexFromId, type GenerateContext } from "./generate.ts";
import { type AwsEmulatorKind, awsEmulatorKinds, awsGlobalEmulatorKinds, type EmulatedResource } from "./model.ts";

/**
 * A deterministic AWS estate of `size` resources spread over accounts × regions × kinds.
 * Only the split (a few dozen scope counts) and the test's mutations are stored; every item is
 * computed from its index when a page asks for it, so a million resources cost no memory.
 */

export interface EstateOptions {
  seed: number | string;
  size: number;
  accounts: readonly string[];
  regions: readonly string[];
}

export interface EstateScope {
  account: string;
  /** Region code, or `global` for S3. */
  region: string;
  kind: AwsEmulatorKind;
  /** First global index of this scope's generated items. */
  start: number;
  count: number;
}

export interface AwsAddResourceInput {
  account: string;
  kind: AwsEmulatorKind;
  /** Region code; for S3 the bucket's region. */
  region: string;
  tags?: Record<string, string>;
  state?: string;
}

export interface AwsEstate {
  readonly scopes: readonly EstateScope[];
  scope(account: string, region: string, kind: AwsEmulatorKind): EstateScope | undefined;
  /** Items from `position` on, at most `limit` of them, skipping removed ones. */
  page(scope: EstateScope, position: number, limit: number): { items: EmulatedResource[]; next?: number };
  find(id: string): EmulatedResource | undefined;
  /**
   * Where an item of this scope sits, removed or not, for APIs whose page token is the last
   * item's name (DynamoDB's ExclusiveStartTableName); undefined when the id is not the scope's.
   */
  positionOf(scope: EstateScope, id: string): number | undefined;
  /** The item at a position of the scope, unless removed; `length` counts added ones too. */
  itemAt(scope: EstateScope, position: number): EmulatedResource | undefined;
  length(scope: EstateScope): number;
  all(): Iterable<EmulatedResource>;
  add(input: AwsAddResourceInput): EmulatedResource;
  remove(id: string): boolean;
  retag(id: string, tags: Record<string, string>): boolean;
  /**
   * Changes an item's size (instance type, DB class, volume GiB) and any of its extra fields
   * (a group's `desired` capacity), as a resize or a scaling activity would.
   */
  resize(id: string, change: AwsResizeInput): boolean;
}

export interface AwsResizeInput {
  size?: string;
  extra?: Record<string, string>;
}

const kindWeights: Record<AwsEmulatorKind, number> = {
  ec2_instance: 30,
  ebs_volume: 28,
  subnet: 10,
  vpc: 3,
  elb_load_balancer: 4,
  rds_instance: 6,
  s3_bucket: 8,
  lambda_function: 8,
  dynamodb_table: 5,
  cloudfront_distribution: 3,
  security_group: 6,
  nat_gateway: 2,
  elastic_ip: 3,
  eks_cluster: 2,
  ecs_cluster: 2,
  ecs_service: 4,
  autoscaling_group: 3,
  elasticache_cluster: 2,
  efs_file_system: 2,
  redshift_cluster: 2,
  tagged_resource: 5,
};

export function createAwsEstate(options: EstateOptions): AwsEstate {
  const seedHash = typeof options.seed === "number" ? options.seed >>> 0 : hashString(options.seed);
  const { accounts, regions } = options;
  if (accounts.length === 0 || regions.length === 0) throw new RangeError("an estate needs at least one account and region");
  const scopes = allocate(options.size, accounts, regions);
  const byKey = new Map(scopes.map((s) => [key(s.account, s.region, s.kind), s]));
  const added = new Map<string, EmulatedResource[]>();
  const addedByIndex = new Map<number, EmulatedResource>();
  const removed = new Set<string>();
  const retagged = new Map<string, Record<string, string>>();
  const resized = new Map<string, AwsResizeInput>();
  let nextIndex = options.size;

  const contextFor = (scope: Pick<EstateScope, "account" | "region" | "kind">): GenerateContext => ({
    seedHash,
    account: scope.account,
    scopeRegion: scope.region,
    kind: scope.kind,
    regions,
    vpcIdNear(rng) {
      const vpcs = byKey.get(key(scope.account, scope.region, "vpc"));
      if (!vpcs || vpcs.count === 0) return undefined;
      return `vpc-0${idCode(seedHash, vpcs.start + rng.int(0, vpcs.count))}`;
    },
    ecsClusterOf(index) {
      const clusters = byKey.get(key(scope.account, scope.region, "ecs_cluster"));
      const own = byKey.get(key(scope.account, scope.region, scope.kind));
      if (!clusters || clusters.count === 0 || !own) return undefined;
      // Services go round the region's clusters in order; an added one joins the first.
      const position = index >= own.start && index < own.start + own.count ? index - own.start : 0;
      const cluster = generateResource(contexts.get(clusters) as GenerateContext, clusters.start + (position % clusters.count));
      return { arn: cluster.id, name: cluster.naturalName ?? "" };
    },
  });
  const contexts = new Map(scopes.map((s) => [s, contextFor(s)]));

  const present = (item: EmulatedResource): EmulatedResource | undefined => {
    if (removed.has(item.id)) return undefined;
    const tags = retagged.get(item.id);
    const change = resized.get(item.id);
    if (!tags && !change) return item;
    return {
      ...item,
      ...(tags ? { tags: { ...tags } } : {}),
      ...(change?.size !== undefined ? { size: change.size } : {}),
      ...(change?.extra ? { extra: { ...item.extra, ...change.extra } } : {}),
    };
  };

  const at = (scope: EstateScope, position: number): EmulatedResource | undefined => {
    if (position < scope.count) return generateResource(contexts.get(scope) as GenerateContext, scope.start + position);
    return added.get(key(scope.account, scope.region, scope.kind))?.[position - scope.count];
  };

  const lengthOf = (scope: EstateScope) => scope.count + (added.get(key(scope.account, scope.region, scope.kind))?.length ?? 0);

  const scopeOfIndex = (index: number): EstateScope | undefined => {
    let lo = 0;
    let hi = scopes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = scopes[mid] as EstateScope;
      if (index < s.start) hi = mid - 1;
      else if (index >= s.start + s.count) lo = mid + 1;
      else return s;
    }
    return undefined;
  };

  const estate: AwsEstate = {
    scopes,
    scope: (account, region, kind) => byKey.get(key(account, region, kind)),
    page(scope, position, limit) {
      const items: EmulatedResource[] = [];
      const length = lengthOf(scope);
      let p = position;
      while (p < length && items.length < limit) {
        const item = at(scope, p);
        p += 1;
        const shown = item && present(item);
        if (shown) items.push(shown);
      }
      return p < length ? { items, next: p } : { items };
    },
    find(id) {
      const index = indexFromId(seedHash, id);
      if (index === undefined) return undefined;
      let item: EmulatedResource | undefined;
      if (index < options.size) {
        const scope = scopeOfIndex(index);
        item = scope && generateResource(contexts.get(scope) as GenerateContext, index);
      } else {
        item = addedByIndex.get(index);
      }
      return item && item.id === id ? present(item) : undefined;
    },
    positionOf(scope, id) {
      const index = indexFromId(seedHash, id);
      if (index === undefined) return undefined;
      if (index >= scope.start && index < scope.start + scope.count) return index - scope.start;
      const list = added.get(key(scope.account, scope.region, scope.kind)) ?? [];
      const i = list.findIndex((item) => item.id === id);
      return i < 0 ? undefined : scope.count + i;
    },
    itemAt(scope, position) {
      const item = at(scope, position);
      return item && present(item);
    },
    length: (scope) => lengthOf(scope),
    *all() {
      for (const scope of scopes) {
        const length = lengthOf(scope);
        for (let p = 0; p < length; p++) {
          const item = at(scope, p);
          const shown = item && present(item);
          if (shown) yield shown;
        }
      }
    },
    add(input) {
      const scopeRegion = awsGlobalEmulatorKinds.has(input.kind) ? "global" : input.region;
      const scope = byKey.get(key(input.account, scopeRegion, input.kind));
      if (!scope) throw new RangeError(`the estate has no scope ${input.account}/${scopeRegion}/${input.kind}`);
      const generated = generateResource(contexts.get(scope) as GenerateContext, nextIndex);
      nextIndex += 1;
      const item: EmulatedResource = {
        ...generated,
        region: input.region,
        tags: input.tags ? { ...input.tags } : generated.tags,
        state: input.state ?? generated.state,
      };
      const list = added.get(key(scope.account, scope.region, scope.kind)) ?? [];
      list.push(item);
      added.set(key(scope.account, scope.region, scope.kind), list);
      addedByIndex.set(item.index, item);
      return item;
    },
    remove(id) {
      if (!estate.find(id)) return false;
      removed.add(id);
      return true;
    },
    retag(id, tags) {
      if (!estate.find(id)) return false;
      retagged.set(id, { ...tags });
      return true;
    },
    resize(id, change) {
      if (!estate.find(id)) return false;
      const before = resized.get(id);
      resized.set(id, {
        ...before,
        ...(change.size !== undefined ? { size: change.size } : {}),
        ...(change.extra ? { extra: { ...before?.extra, ...change.extra } } : {}),
      });
      return true;
    },
  };
  return estate;
}

function key(account: string, region: string, kind: string): string {
  return `${account}|${region}|${kind}`;
}

/** Splits `size` over the scopes by weight (largest remainder), in a fixed scope order. */
function allocate(size: number, accounts: readonly string[], regions: readonly string[]): EstateScope[] {
  const regionWeight = (i: number) => (i === 0 ? 4 : i === 1 ? 2 : 1);
  const totalRegionWeight = regions.reduce((sum, _, i) => sum + regionWeight(i), 0);
  const shapes: { account: string; region: string; kind: AwsEmulatorKind; weight: number }[] = [];
  accounts.forEach((account, a) => {
    const accountWeight = 1 / (a + 1);
    for (const kind of awsEmulatorKinds) {
      if (awsGlobalEmulatorKinds.has(kind)) {
        shapes.push({ account, region: "global", kind, weight: accountWeight * kindWeights[kind] * totalRegionWeight });
        continue;
      }
      regions.forEach((region, r) => {
        shapes.push({ account, region, kind, weight: accountWeight * kindWeights[kind] * regionWeight(r) });
      });
    }
  });
  const totalWeight = shapes.reduce((sum, s) => sum + s.weight, 0);
  const exact = shapes.map((s) => (size * s.weight) / totalWeight);
  const counts = exact.map(Math.floor);
  let left = size - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left <= 0) break;
    counts[i] = (counts[i] as number) + 1;
    left -= 1;
  }
  // An ECS service lives in a cluster: a region with services but no cluster gets one of them as a cluster.
  shapes.forEach((s, i) => {
    if (s.kind !== "ecs_service" || (counts[i] as number) === 0) return;
    const c = shapes.findIndex((o) => o.kind === "ecs_cluster" && o.account === s.account && o.region === s.region);
    if (c >= 0 && counts[c] === 0) {
      counts[c] = 1;
      counts[i] = (counts[i] as number) - 1;
    }
  });
  let start = 0;
  return shapes.map((s, i) => {
    const count = counts[i] as number;
    const scope = { account: s.account, region: s.region, kind: s.kind, start, count };
    start += count;
    return scope;
  });
}
