import type { AuthClient } from "google-auth-library";
import { applyMembershipRules, type ListedMember } from "../core/membership.ts";
import type { AccountDiscovery } from "../types.ts";
import { connectionOptions, type GcpCallOptions } from "./clients.ts";

/**
 * Whole-organization discovery over Resource Manager v3: every project under an organization or
 * folder, folders followed recursively (`projects.list` and `folders.list` take a direct parent).
 * `showDeleted` is asked for, so a project pending deletion is listed as `suspended` rather than
 * missing, which would read as "left" and terminate its resources early.
 */

export interface GcpOrganizationConfig {
  /** `organizations/123456789` or `folders/123456789`. */
  parent: string;
  /** Read only these projects (ids) and the projects under these folders (`folders/…`). */
  include?: { projects?: readonly string[]; folders?: readonly string[] };
  /** Never read these projects, nor the projects under these folders; wins over `include`. */
  exclude?: { projects?: readonly string[]; folders?: readonly string[] };
}

interface Listed {
  projectId?: string | null;
  displayName?: string | null;
  name?: string | null;
  state?: string | number | null;
}

/** The two SDK list calls used, one page per call (`autoPaginate: false`). */
interface ProjectsLister {
  listProjects(request: object, options?: GcpCallOptions): Promise<[Listed[], { pageToken?: string | null } | null | undefined, unknown]>;
}
interface FoldersLister {
  listFolders(request: object, options?: GcpCallOptions): Promise<[Listed[], { pageToken?: string | null } | null | undefined, unknown]>;
}

/** `DELETE_REQUESTED`, as protobuf names it or as its number (REST answers with `enum-encoding=int`). */
const isPendingDeletion = (state: Listed["state"]) => state === "DELETE_REQUESTED" || state === 2;

export async function discoverGcpOrganization(
  authClient: AuthClient,
  endpoint: string | undefined,
  config: GcpOrganizationConfig,
  callOptions: GcpCallOptions,
): Promise<AccountDiscovery> {
  const [{ ProjectsClient }, { FoldersClient }] = await Promise.all([
    import("@google-cloud/resource-manager/build/src/v3/projects_client.js"),
    import("@google-cloud/resource-manager/build/src/v3/folders_client.js"),
  ]);
  const options = { fallback: true, authClient: authClient as never, ...connectionOptions(endpoint) };
  const projects = new ProjectsClient(options as never) as unknown as ProjectsLister & { close(): Promise<void> };
  const folders = new FoldersClient(options as never) as unknown as FoldersLister & { close(): Promise<void> };
  const call = { ...callOptions, autoPaginate: false };
  try {
    const members: ListedMember[] = [];
    // Breadth first from the root; each folder's chain of ancestors, nearest first.
    const queue: { parent: string; ancestors: string[] }[] = [{ parent: config.parent, ancestors: [config.parent] }];
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { parent, ancestors } = next;
      let token: string | undefined;
      do {
        const [items, following] = await projects.listProjects({ parent, showDeleted: true, pageSize: 500, ...(token ? { pageToken: token } : {}) }, call);
        for (const p of items) {
          if (!p.projectId) continue;
          members.push({
            account: p.projectId,
            name: p.displayName || p.projectId,
            ancestors,
            parentPath: [...ancestors].reverse().join("/"),
            unusable: isPendingDeletion(p.state) ? "Resource Manager reports it DELETE_REQUESTED (pending deletion)" : null,
          });
        }
        token = following?.pageToken ?? undefined;
      } while (token);
      do {
        const [items, following] = await folders.listFolders({ parent, showDeleted: false, pageSize: 500, ...(token ? { pageToken: token } : {}) }, call);
        for (const f of items) if (f.name) queue.push({ parent: f.name, ancestors: [f.name, ...ancestors] });
        token = following?.pageToken ?? undefined;
      } while (token);
    }
    const rules = {
      include: { accounts: config.include?.projects ?? [], parents: config.include?.folders ?? [] },
      exclude: { accounts: config.exclude?.projects ?? [], parents: config.exclude?.folders ?? [] },
    };
    return { root: config.parent, accounts: applyMembershipRules(members, rules) };
  } finally {
    await Promise.allSettled([projects.close(), folders.close()]);
  }
}
