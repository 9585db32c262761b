import type { AwsErrorReply } from "./errors.ts";
import { decodeJsonToken, encodeJsonToken, type JsonReply, jsonOk } from "./json.ts";

/**
 * AWS Organizations as its JSON 1.1 API shapes it (`AWSOrganizationsV20161128.*`): the members
 * the management account sees with `ListAccounts` (20 per page at most, `NextToken`), and each
 * child's parent with `ListParents`. Only the management account (the base key's) may call it,
 * as only it or a delegated administrator may on AWS; anyone else gets AccessDeniedException.
 */

export type AwsMemberStatus = "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE";

export interface AwsEmulatorOrganizationUnit {
  /** `ou-<root suffix>-<8 chars>`. */
  id: string;
  name: string;
  /** The root's id or another unit's. */
  parentId: string;
}

export interface AwsEmulatorMember {
  accountId: string;
  name?: string;
  status?: AwsMemberStatus;
  /** The root (default) or a unit's id. */
  parentId?: string;
}

export interface AwsEmulatorOrganization {
  /** Default `o-emulator01`. */
  id?: string;
  /** Default `r-emu1`. */
  rootId?: string;
  units?: readonly AwsEmulatorOrganizationUnit[];
  /** Default: every account of the emulator, ACTIVE, under the root. */
  members?: readonly AwsEmulatorMember[];
}

export interface OrganizationState {
  readonly id: string;
  readonly rootId: string;
  readonly management: string;
  members: Map<string, Required<AwsEmulatorMember>>;
  units: Map<string, AwsEmulatorOrganizationUnit>;
}

export function createOrganizationState(org: AwsEmulatorOrganization, management: string, accounts: readonly string[]): OrganizationState {
  const rootId = org.rootId ?? "r-emu1";
  const members = (org.members ?? accounts.map((accountId): AwsEmulatorMember => ({ accountId }))).map(
    (m): Required<AwsEmulatorMember> => ({
      accountId: m.accountId,
      name: m.name ?? `member-${m.accountId}`,
      status: m.status ?? "ACTIVE",
      parentId: m.parentId ?? rootId,
    }),
  );
  return {
    id: org.id ?? "o-emulator01",
    rootId,
    management,
    members: new Map(members.map((m) => [m.accountId, m])),
    units: new Map((org.units ?? []).map((u) => [u.id, u])),
  };
}

type Reply = JsonReply | AwsErrorReply;

export function organizationsAction(state: OrganizationState | undefined, caller: string, action: string, input: unknown): Reply {
  if (!state) return organizationsError(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
  if (caller !== state.management) {
    return organizationsError(400, "AccessDeniedException", "You don't have permissions to access this resource.");
  }
  const body = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  switch (action) {
    case "ListAccounts":
      return listAccounts(state, body);
    case "ListParents":
      return listParents(state, body);
    default:
      return organizationsError(400, "UnknownOperationException", `${action || "(no action)"} is not served by this emulator`);
  }
}

function listAccounts(state: OrganizationState, body: Record<string, unknown>): Reply {
  const max = body.MaxResults ?? 20;
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 20) {
    return invalidInput("INVALID_INPUT", "MaxResults must be between 1 and 20.");
  }
  const members = [...state.members.values()];
  const fingerprint = members.length;
  let start = 0;
  if (body.NextToken !== undefined) {
    const at = decodeJsonToken("accounts", body.NextToken, 1, fingerprint);
    if (!at) return invalidInput("INVALID_NEXT_TOKEN", "You specified an invalid value for nextToken.");
    start = at[0] as number;
  }
  const page = members.slice(start, start + max);
  const out: Record<string, unknown> = {
    Accounts: page.map((m) => ({
      Id: m.accountId,
      Arn: `arn:aws:organizations::${state.management}:account/${state.id}/${m.accountId}`,
      Email: `aws+${m.accountId}@example.com`,
      Name: m.name,
      Status: m.status,
      State: m.status === "PENDING_CLOSURE" ? "PENDING_CLOSURE" : m.status,
      JoinedMethod: m.accountId === state.management ? "CREATED" : "INVITED",
      // JSON 1.1 timestamps travel as epoch seconds.
      JoinedTimestamp: 1_700_000_000,
    })),
  };
  if (start + max < members.length) out.NextToken = encodeJsonToken("accounts", [start + max], fingerprint);
  return jsonOk("organizations", out);
}

function listParents(state: OrganizationState, body: Record<string, unknown>): Reply {
  const child = body.ChildId;
  if (typeof child !== "string") return invalidInput("INVALID_INPUT", "ChildId is required.");
  const parentId = state.members.get(child)?.parentId ?? state.units.get(child)?.parentId;
  if (!parentId) {
    return child.startsWith("ou-")
      ? organizationsError(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
      : organizationsError(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");
  }
  return jsonOk("organizations", { Parents: [{ Id: parentId, Type: parentId.startsWith("r-") ? "ROOT" : "ORGANIZATIONAL_UNIT" }] });
}

function invalidInput(reason: string, message: string): AwsErrorReply {
  return { status: 400, body: JSON.stringify({ __type: "InvalidInputException", Message: message, Reason: reason }), headers: { "content-type": "application/x-amz-json-1.1" } };
}

export function organizationsError(status: number, type: string, message: string): AwsErrorReply {
  return { status, body: JSON.stringify({ __type: type, Message: message }), headers: { "content-type": "application/x-amz-json-1.1" } };
}
