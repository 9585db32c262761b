import { describe, expect, it } from "vitest";
import { applyMembershipRules, type ListedMember, type MembershipRules, rulesNeedParents } from "./membership.ts";

const member = (account: string, ancestors: string[] = [], unusable: string | null = null): ListedMember => ({
  account,
  name: `n${account}`,
  ancestors,
  parentPath: null,
  unusable,
});

/** Each row: the rules, one member, and the state and reason worked out by hand from the four rules. */
const cases: { title: string; rules: MembershipRules; m: ListedMember; state: string; reason: string | null }[] = [
  { title: "no rules: active", rules: {}, m: member("1"), state: "active", reason: null },
  { title: "unusable beats everything", rules: { include: { accounts: ["1"] } }, m: member("1", [], "SUSPENDED"), state: "suspended", reason: "SUSPENDED" },
  { title: "excluded id", rules: { exclude: { accounts: ["1"] } }, m: member("1"), state: "excluded", reason: "its id is excluded" },
  { title: "excluded parent, any depth", rules: { exclude: { parents: ["ou-a"] } }, m: member("1", ["ou-b", "ou-a", "r-1"]), state: "excluded", reason: "it is under excluded ou-a" },
  { title: "include by parent", rules: { include: { parents: ["ou-a"] } }, m: member("1", ["ou-a", "r-1"]), state: "active", reason: null },
  { title: "include by id", rules: { include: { accounts: ["1"] } }, m: member("1"), state: "active", reason: null },
  { title: "not included", rules: { include: { parents: ["ou-a"] } }, m: member("2", ["ou-b", "r-1"]), state: "excluded", reason: "no include rule names it or a parent of it" },
  {
    title: "exclusion wins over inclusion",
    rules: { include: { parents: ["ou-a"] }, exclude: { accounts: ["1"] } },
    m: member("1", ["ou-a"]),
    state: "excluded",
    reason: "its id is excluded",
  },
  { title: "empty include lists include everything", rules: { include: { accounts: [], parents: [] } }, m: member("3"), state: "active", reason: null },
];

describe("applyMembershipRules", () => {
  for (const c of cases) {
    it(c.title, () => {
      const [got] = applyMembershipRules([c.m], c.rules);
      expect(got).toEqual({ account: c.m.account, name: c.m.name, parentPath: null, state: c.state, reason: c.reason });
    });
  }

  it("asks for parents only when a rule names one", () => {
    expect(rulesNeedParents({})).toBe(false);
    expect(rulesNeedParents({ include: { accounts: ["1"] } })).toBe(false);
    expect(rulesNeedParents({ exclude: { parents: ["ou-a"] } })).toBe(true);
  });
});
