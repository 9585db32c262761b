import { hashString } from "../rng.ts";
import type { RoutedRequest } from "./routed.ts";
import { decodePageToken, encodePageToken, errors, googleError } from "./wire.ts";

/**
 * Resource Manager v3 as its REST API shapes it: `GET /v3/projects?parent=…` and
 * `GET /v3/folders?parent=…` list the direct children of an organization or folder, a page at a
 * time (`pageSize`, `nextPageToken`); projects pending deletion only with `showDeleted=true`.
 * Enums travel as names, or as numbers when the client asks `$alt=json;enum-encoding=int` (as the
 * SDK's REST transport does).
 */

export type GcpLifecycleState = "ACTIVE" | "DELETE_REQUESTED";

export interface GcpEmulatorFolder {
  /** `folders/<number>`. */
  name: string;
  /** `organizations/<number>` or another folder's name. */
  parent: string;
  displayName?: string;
}

export interface GcpEmulatorOrgProject {
  projectId: string;
  /** Default: the organization. */
  parent?: string;
  displayName?: string;
  state?: GcpLifecycleState;
}

export interface GcpEmulatorOrganization {
  /** `organizations/<number>` (default `organizations/100000000001`). */
  id?: string;
  folders?: readonly GcpEmulatorFolder[];
  /** Default: every project of the emulator, ACTIVE, directly under the organization. */
  projects?: readonly GcpEmulatorOrgProject[];
}

const stateNumbers: Record<GcpLifecycleState, number> = { ACTIVE: 1, DELETE_REQUESTED: 2 };
const created = "2024-03-01T10:00:00.000Z";

export class ResourceManagerApi {
  readonly id: string;
  readonly projects: Map<string, Required<GcpEmulatorOrgProject>>;
  readonly folders: readonly GcpEmulatorFolder[];

  constructor(org: GcpEmulatorOrganization, emulatorProjects: readonly string[]) {
    this.id = org.id ?? "organizations/100000000001";
    this.folders = org.folders ?? [];
    const listed = org.projects ?? emulatorProjects.map((projectId): GcpEmulatorOrgProject => ({ projectId }));
    this.projects = new Map(
      listed.map((p) => [
        p.projectId,
        { projectId: p.projectId, parent: p.parent ?? this.id, displayName: p.displayName ?? p.projectId, state: p.state ?? "ACTIVE" },
      ]),
    );
  }

  route(method: string, pathname: string, url: URL): RoutedRequest | null {
    if (method !== "GET" || (pathname !== "/v3/projects" && pathname !== "/v3/folders")) return null;
    const parent = url.searchParams.get("parent") ?? "";
    const what = pathname === "/v3/projects" ? "projects" : "folders";
    return {
      operation: `${parent}/resourcemanager/${what}`,
      api: "resourcemanager",
      answer: () => {
        if (!/^(organizations|folders)\/\d+$/.test(parent)) {
          return { status: 400, body: googleError(400, "INVALID_ARGUMENT", "badRequest", "Request contains an invalid argument.") };
        }
        if (parent !== this.id && !this.folders.some((f) => f.name === parent)) {
          return {
            status: 403,
            body: googleError(403, "PERMISSION_DENIED", "forbidden", `The caller does not have permission on ${parent}, or it does not exist.`),
          };
        }
        const token = url.searchParams.get("pageToken");
        const start = token ? decodePageToken(token) : 0;
        if (start === null) return { status: 400, body: errors.badPageToken() };
        const requested = Number(url.searchParams.get("pageSize") ?? 0);
        const size = requested > 0 ? Math.min(requested, 1000) : 100;
        const asNumbers = (url.searchParams.get("$alt") ?? "").includes("enum-encoding=int");
        const state = (s: GcpLifecycleState) => (asNumbers ? stateNumbers[s] : s);
        const showDeleted = url.searchParams.get("showDeleted") === "true";
        const children =
          what === "projects"
            ? [...this.projects.values()]
                .filter((p) => p.parent === parent && (showDeleted || p.state === "ACTIVE"))
                .map((p) => ({
                  name: `projects/${projectNumber(p.projectId)}`,
                  parent: p.parent,
                  projectId: p.projectId,
                  state: state(p.state),
                  displayName: p.displayName,
                  createTime: created,
                  updateTime: created,
                  etag: `W/"${hashString(p.projectId).toString(16)}"`,
                }))
            : this.folders
                .filter((f) => f.parent === parent)
                .map((f) => ({
                  name: f.name,
                  parent: f.parent,
                  displayName: f.displayName ?? f.name,
                  state: state("ACTIVE"),
                  createTime: created,
                  updateTime: created,
                  etag: `W/"${hashString(f.name).toString(16)}"`,
                }));
        const page = children.slice(start, start + size);
        const body: Record<string, unknown> = { [what]: page };
        if (start + size < children.length) body.nextPageToken = encodePageToken(start + size);
        return { status: 200, body };
      },
    };
  }
}

/** A stable 12-digit project number per project id. */
function projectNumber(projectId: string): string {
  return String(100_000_000_000 + (hashString(projectId) % 900_000_000_000));
}
