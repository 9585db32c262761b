import { createRng } from "../rng.ts";
import { emulatorRegions } from "./catalog.ts";
import {
  API_BASE,
  type EmulatorKind,
  emulatorKinds,
  type GeneratedItem,
  generateItem,
  kindInfo,
  makeId,
  parseId,
  type RawItem,
} from "./items.ts";

/** What the adapter is expected to report for one resource. */
export interface GcpExpectedResource {
  account: string;
  /** Region code, or `global`. */
  region: string;
  kind: string;
  resourceId: string;
  name: string;
  /** Seed vocabulary (`running`, `stopped`, …). */
  status: string;
  /** The provider's own state (`TERMINATED`), or null for kinds without one. */
  providerStatus: string | null;
  tags: Record<string, string>;
}

/** A resource added by a test after start. */
export interface GcpAddInput {
  project: string;
  kind: EmulatorKind;
  name: string;
  /** Zone for instances/disks (`us-central1-a`), region for forwarding rules, subnetworks and addresses; ignored for global kinds. */
  location?: string;
  labels?: Record<string, string>;
}

/**
 * A deterministic estate computed on demand from (seed, position): nothing is materialized, so
 * a million resources cost no memory. Mutations are small overlays on top of the generated base.
 */
export class GcpEstate {
  readonly seed: string;
  readonly projects: readonly string[];
  private readonly baseCounts = new Map<string, number>();
  private readonly removed = new Set<string>();
  private readonly retagged = new Map<string, Record<string, string>>();
  private readonly added = new Map<string, GeneratedItem[]>();

  constructor(seed: string, size: number, projects: readonly string[]) {
    this.seed = seed;
    this.projects = projects;
    // Projects get decreasing shares (the first one is the big production project).
    const projectWeights = projects.map((_, i) => 1 / (i + 1));
    const cells: { key: string; weight: number }[] = [];
    projects.forEach((project, p) => {
      for (const kind of emulatorKinds) {
        cells.push({ key: cellKey(project, kind), weight: (projectWeights[p] ?? 0) * kindInfo[kind].weight });
      }
    });
    // Cumulative flooring splits `size` exactly over the cells.
    const total = cells.reduce((s, c) => s + c.weight, 0);
    let acc = 0;
    cells.forEach((cell, index) => {
      const before = Math.floor((size * acc) / total);
      acc += cell.weight;
      // The last cell takes the remainder, so rounding in the float sum never loses a resource.
      const after = index === cells.length - 1 ? size : Math.floor((size * acc) / total);
      this.baseCounts.set(cell.key, after - before);
    });
  }

  hasProject(project: string): boolean {
    return this.projects.includes(project);
  }

  /** Positions in a (project, kind) list: generated ones first, then added ones. */
  positions(project: string, kind: EmulatorKind): number {
    return this.baseCount(project, kind) + (this.added.get(cellKey(project, kind))?.length ?? 0);
  }

  /** The item at a position with overlays applied, or null when it was removed. */
  itemAt(project: string, kind: EmulatorKind, position: number): GeneratedItem | null {
    const base = this.baseCount(project, kind);
    const item =
      position < base
        ? generateItem(kind, { seed: this.seed, project, projectIndex: this.projects.indexOf(project), position })
        : this.added.get(cellKey(project, kind))?.[position - base];
    if (!item) return null;
    if (this.removed.has(item.id)) return null;
    const labels = this.retagged.get(item.id);
    if (labels) return { ...item, raw: withLabels(kind, item.raw, labels) };
    return item;
  }

  /** Live items from `start`, at most `max` of them, and the position to continue from. */
  page(project: string, kind: EmulatorKind, start: number, max: number): { items: GeneratedItem[]; next: number | null } {
    const end = this.positions(project, kind);
    const items: GeneratedItem[] = [];
    let position = start;
    while (position < end && items.length < max) {
      const item = this.itemAt(project, kind, position);
      position += 1;
      if (item) items.push(item);
    }
    return { items, next: position < end ? position : null };
  }

  *expected(): Generator<GcpExpectedResource> {
    for (const project of this.projects) {
      for (const kind of emulatorKinds) {
        const end = this.positions(project, kind);
        for (let position = 0; position < end; position++) {
          const item = this.itemAt(project, kind, position);
          if (item) yield toExpected(project, kind, item);
        }
      }
    }
  }

  /** A live resource by the id the adapter reports (`resourceId`), whatever its kind. */
  find(id: string): { project: string; kind: EmulatorKind; item: GeneratedItem } | null {
    const parsed = parseId(id);
    const project = parsed ? this.projects[parsed.projectIndex] : undefined;
    if (parsed && project !== undefined) {
      const item = this.itemAt(project, parsed.kind, parsed.position);
      if (item && item.resourceId === id) return { project, kind: parsed.kind, item };
    }
    return this.findByResourceId(id);
  }

  /**
   * Kinds whose API has no numeric id are found by their resource id (a name, an asset name):
   * a scan of their (small) lists, so tests and the demo can remove or retag them too.
   */
  private findByResourceId(id: string): { project: string; kind: EmulatorKind; item: GeneratedItem } | null {
    for (const project of this.projects) {
      for (const kind of emulatorKinds) {
        if (kindInfo[kind].api === "compute") continue;
        const end = this.positions(project, kind);
        for (let position = 0; position < end; position++) {
          const item = this.itemAt(project, kind, position);
          if (item?.resourceId === id) return { project, kind, item };
        }
      }
    }
    return null;
  }

  remove(id: string): boolean {
    const found = this.find(id);
    if (!found) return false;
    this.removed.add(found.item.id);
    return true;
  }

  /** New labels for a resource; false when it is gone or its API has no labels (backend services, instance groups). */
  retag(id: string, labels: Record<string, string>): boolean {
    const found = this.find(id);
    if (!found || !kindInfo[found.kind].labelsAt) return false;
    this.retagged.set(found.item.id, { ...labels });
    return true;
  }

  add(input: GcpAddInput): GcpExpectedResource {
    if (!this.hasProject(input.project)) throw new Error(`unknown project ${input.project}`);
    const key = cellKey(input.project, input.kind);
    const list = this.added.get(key) ?? [];
    this.added.set(key, list);
    const position = this.positions(input.project, input.kind);
    const projectIndex = this.projects.indexOf(input.project);
    if (kindInfo[input.kind].api !== "compute") {
      // Named by the generator (their ids derive from names); placed where the generator puts them.
      const generated = generateItem(input.kind, { seed: `${this.seed}:added`, project: input.project, projectIndex, position, name: input.name });
      const item: GeneratedItem = { ...generated, id: makeId(this.seed, input.kind, projectIndex, position) };
      const added = input.labels ? { ...item, raw: withLabels(input.kind, item.raw, input.labels) } : item;
      list.push(added);
      return toExpected(input.project, input.kind, added);
    }
    // Start from a generated item of the same kind so the added one has every realistic field.
    const template = generateItem(input.kind, {
      seed: `${this.seed}:added`,
      project: input.project,
      projectIndex,
      position,
    });
    const id = makeId(this.seed, input.kind, this.projects.indexOf(input.project), position);
    const projectUrl = `${API_BASE}/projects/${input.project}`;
    const raw: RawItem = { ...template.raw, id, name: input.name };
    if (kindInfo[input.kind].labelsAt) raw.labels = { ...(input.labels ?? {}) };
    let region = template.region;
    let scopeKey = template.scopeKey;
    const placement = kindInfo[input.kind].placement;
    const location = input.location ?? (placement === "zone" ? `${emulatorRegions[0]?.code}-a` : emulatorRegions[0]?.code);
    if (placement === "zone" && location) {
      region = location.replace(/-[a-z]$/, "");
      scopeKey = `zones/${location}`;
      raw.zone = `${projectUrl}/zones/${location}`;
      raw.selfLink = `${projectUrl}/zones/${location}/${kindInfo[input.kind].scopedField}/${input.name}`;
    } else if (placement === "region" && location) {
      region = location;
      scopeKey = `regions/${location}`;
      raw.region = `${projectUrl}/regions/${location}`;
      raw.selfLink = `${projectUrl}/regions/${location}/${kindInfo[input.kind].scopedField}/${input.name}`;
    } else {
      raw.selfLink = `${projectUrl}/${kindInfo[input.kind].path}/${input.name}`;
    }
    const item: GeneratedItem = { ...template, id, resourceId: id, raw, region, scopeKey };
    list.push(item);
    return toExpected(input.project, input.kind, item);
  }

  /** How many items of a (project, kind) list were removed (their positions stay, empty). */
  removedCount(project: string, kind: EmulatorKind): number {
    const projectIndex = this.projects.indexOf(project);
    let n = 0;
    for (const id of this.removed) {
      const parsed = parseId(id);
      if (parsed && parsed.kind === kind && parsed.projectIndex === projectIndex) n += 1;
    }
    return n;
  }

  private baseCount(project: string, kind: EmulatorKind): number {
    return this.baseCounts.get(cellKey(project, kind)) ?? 0;
  }
}

/** The labels of an item wherever its API keeps them (`labels`, `settings.userLabels`…). */
export function labelsOf(kind: EmulatorKind, raw: RawItem): Record<string, string> {
  const path = kindInfo[kind].labelsAt;
  if (!path) return {};
  let value: unknown = raw;
  for (const field of path) value = (value as Record<string, unknown> | undefined)?.[field];
  return { ...((value as Record<string, string> | undefined) ?? {}) };
}

function withLabels(kind: EmulatorKind, raw: RawItem, labels: Record<string, string>): RawItem {
  const path = kindInfo[kind].labelsAt;
  if (!path) return raw;
  const [field, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    // Compute answers a new fingerprint with new labels.
    const fingerprint = kindInfo[kind].api === "compute" ? { labelFingerprint: `retag-${Object.keys(labels).length}` } : {};
    return { ...raw, [field]: { ...labels }, ...fingerprint };
  }
  return { ...raw, [field]: { ...(raw[field] as RawItem), [rest.join(".")]: { ...labels } } };
}

function cellKey(project: string, kind: EmulatorKind): string {
  return `${project}\u0000${kind}`;
}

function toExpected(project: string, kind: EmulatorKind, item: GeneratedItem): GcpExpectedResource {
  return {
    account: project,
    region: item.region,
    kind: item.adapterKind ?? kindInfo[kind].adapterKind,
    resourceId: item.resourceId,
    name: displayName(kind, item.raw),
    status: item.status,
    providerStatus: item.providerStatus,
    tags: labelsOf(kind, item.raw),
  };
}

/** The name a resource is shown by: the last part of a full name (functions, assets), a dataset's id. */
function displayName(kind: EmulatorKind, raw: RawItem): string {
  if (kind === "bigqueryDataset") return (raw.datasetReference as { datasetId: string }).datasetId;
  if (kind === "asset") return raw.displayName as string;
  return (raw.name as string).split("/").pop() as string;
}

/** Three realistic project ids derived from the seed. */
export function defaultProjects(seed: string): string[] {
  const rng = createRng(`${seed}:projects`);
  const suffix = () => rng.int(100000, 999999).toString();
  return [`northwind-prod-${suffix()}`, `northwind-data-${suffix()}`, `northwind-sandbox-${suffix()}`];
}
