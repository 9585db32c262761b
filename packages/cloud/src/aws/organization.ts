import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import { applyMembershipRules, type ListedMember, type MembershipRules, rulesNeedParents } from "../core/membership.ts";
import type { DiscoveredAccount } from "../types.ts";
import type { AwsServiceClients } from "./clients.ts";
import { awsSdk } from "./sdk.ts";

/**
 * Whole-organization discovery over AWS Organizations: `ListAccounts` from the management (or a
 * delegated administrator) account lists every member with its status; `ListParents`, only when
 * a rule names an organizational unit, walks each member up to the root (each OU once). Members
 * are then reached through a role assumed in each (see `memberRole`).
 */

export interface AwsOrganizationConfig {
  /** The role every member account trusts the base credentials with, e.g. `OrganizationAccountAccessRole`. */
  roleName: string;
  /** ExternalId to present; `{accountId}` is replaced by the member's id (e.g. `cloudsync-{accountId}`). */
  externalId?: string;
  /** RoleSessionName in the members' CloudTrail (default `cloudsync`). */
  sessionName?: string;
  /** Read only these accounts and the accounts under these OUs (`ou-…`, or the root `r-…`). */
  include?: { accounts?: readonly string[]; organizationalUnits?: readonly string[] };
  /** Never read these accounts, nor the accounts under these OUs; wins over `include`. */
  exclude?: { accounts?: readonly string[]; organizationalUnits?: readonly string[] };
}

export interface AwsDiscovery {
  /** The organization's id (`o-…`), from the accounts' ARNs. */
  root: string;
  accounts: DiscoveredAccount[];
}

/** ListAccounts answers at most 20 per page. */
const listAccountsPageSize = 20;

export async function discoverAwsOrganization(
  clients: AwsServiceClients,
  config: AwsOrganizationConfig,
  signal: AbortSignal | undefined,
): Promise<AwsDiscovery> {
  const { OrganizationsClient, ListAccountsCommand, ListParentsCommand } = awsSdk("@aws-sdk/client-organizations");
  const org: OrganizationsClient = clients.client("organizations", (c) => new OrganizationsClient(c));
  const listed: { id: string; name: string; arn: string; status: string }[] = [];
  let token: string | undefined;
  do {
    const out = await org.send(new ListAccountsCommand({ MaxResults: listAccountsPageSize, ...(token ? { NextToken: token } : {}) }), { abortSignal: signal });
    for (const a of out.Accounts ?? []) {
      if (!a.Id) continue;
      listed.push({ id: a.Id, name: a.Name ?? a.Id, arn: a.Arn ?? "", status: String(a.State ?? a.Status ?? "ACTIVE") });
    }
    token = out.NextToken;
  } while (token);

  const rules: MembershipRules = {
    include: { accounts: config.include?.accounts ?? [], parents: config.include?.organizationalUnits ?? [] },
    exclude: { accounts: config.exclude?.accounts ?? [], parents: config.exclude?.organizationalUnits ?? [] },
  };
  const parentOf = new Map<string, Promise<string | null>>();
  /** The one parent of a child (account or OU); null at the root. Each OU is asked once per discovery. */
  const parent = (childId: string): Promise<string | null> => {
    let known = parentOf.get(childId);
    if (!known) {
      known = org
        .send(new ListParentsCommand({ ChildId: childId }), { abortSignal: signal })
        .then((out) => out.Parents?.[0]?.Id ?? null);
      parentOf.set(childId, known);
    }
    return known;
  };
  const ancestorsOf = async (accountId: string): Promise<string[]> => {
    const chain: string[] = [];
    for (let at = await parent(accountId); at; at = at.startsWith("r-") ? null : await parent(at)) chain.push(at);
    return chain;
  };
  const needParents = rulesNeedParents(rules);
  const members: ListedMember[] = [];
  // One member at a time: Organizations' quota is per organization, and the rate limiter paces it.
  for (const a of listed) {
    const ancestors = needParents ? await ancestorsOf(a.id) : [];
    members.push({
      account: a.id,
      name: a.name,
      ancestors,
      parentPath: ancestors.length > 0 ? [...ancestors].reverse().join("/") : null,
      unusable: a.status === "ACTIVE" ? null : `AWS Organizations reports it ${a.status}`,
    });
  }
  return { root: organizationIdOf(listed.map((a) => a.arn)) ?? "aws-organization", accounts: applyMembershipRules(members, rules) };
}

/** `arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222` → `o-exampleorgid`. */
export function organizationIdOf(arns: readonly string[]): string | undefined {
  for (const arn of arns) {
    const match = /:account\/(o-[a-z0-9]+)\//.exec(arn);
    if (match) return match[1];
  }
  return undefined;
}

/** The role ARN and external id used to reach one member. */
export function memberRole(config: AwsOrganizationConfig, accountId: string, partition = "aws"): { roleArn: string; externalId?: string } {
  return {
    roleArn: `arn:${partition}:iam::${accountId}:role/${config.roleName}`,
    ...(config.externalId ? { externalId: config.externalId.replaceAll("{accountId}", accountId) } : {}),
  };
}
