import type { DiscoveredAccount } from "../types.ts";

/**
 * The include/exclude rules every cloud's organization discovery applies, in one pure function
 * so they read the same for AWS OUs, Azure management groups and GCP folders
 * (docs/coverage.md, "Whole organizations"):
 * 1. a member the cloud reports unusable (suspended, pending deletion, disabled) is `suspended`;
 * 2. an excluded account id, or a member under an excluded parent, is `excluded`;
 * 3. when any include rule is given, a member neither listed nor under an included parent is `excluded`;
 * 4. everything else is `active`, and read.
 * Exclusion wins over inclusion, so "this OU but not that account" can be said.
 */

export interface MembershipRules {
  include?: { accounts?: readonly string[]; parents?: readonly string[] } | undefined;
  exclude?: { accounts?: readonly string[]; parents?: readonly string[] } | undefined;
}

/** A member as the cloud listed it, before the rules. */
export interface ListedMember {
  account: string;
  name: string;
  /** Ids of the parents above it, nearest first (OU / management group / folder ids). */
  ancestors: readonly string[];
  /** Readable path, e.g. `r-ab12/ou-ab12-prod`, when known. */
  parentPath: string | null;
  /** Why the cloud says it cannot be used (e.g. `SUSPENDED`); null when it can. */
  unusable: string | null;
}

export function applyMembershipRules(members: readonly ListedMember[], rules: MembershipRules): DiscoveredAccount[] {
  const excludedAccounts = new Set(rules.exclude?.accounts ?? []);
  const excludedParents = new Set(rules.exclude?.parents ?? []);
  const includedAccounts = new Set(rules.include?.accounts ?? []);
  const includedParents = new Set(rules.include?.parents ?? []);
  const includeGiven = includedAccounts.size > 0 || includedParents.size > 0;
  return members.map((m) => {
    const base = { account: m.account, name: m.name, parentPath: m.parentPath };
    if (m.unusable !== null) return { ...base, state: "suspended", reason: m.unusable };
    if (excludedAccounts.has(m.account)) return { ...base, state: "excluded", reason: "its id is excluded" };
    const excludedBy = m.ancestors.find((a) => excludedParents.has(a));
    if (excludedBy) return { ...base, state: "excluded", reason: `it is under excluded ${excludedBy}` };
    if (includeGiven && !includedAccounts.has(m.account) && !m.ancestors.some((a) => includedParents.has(a))) {
      return { ...base, state: "excluded", reason: "no include rule names it or a parent of it" };
    }
    return { ...base, state: "active", reason: null };
  });
}

/** Whether any rule needs the members' parents (which costs extra calls on most clouds). */
export function rulesNeedParents(rules: MembershipRules): boolean {
  return (rules.include?.parents?.length ?? 0) > 0 || (rules.exclude?.parents?.length ?? 0) > 0;
}
