import { createRng } from "../rng.ts";
import type { AwsEstate } from "./estate.ts";
import type { AwsEmulatorKind, EmulatedResource } from "./model.ts";
import { decodeToken, encodeToken } from "./paging.ts";
import { el, esc, wrap } from "./xml.ts";

/**
 * CloudFormation over the Query protocol (API version 2010-05-15), as its API reference shows:
 * `DescribeStacks` (every stack of the region, `NextToken` paging), `ListStackResources`
 * (`StackResourceSummaries` of one stack, `NextToken` paging) and `GetTemplate`. The stacks are
 * made once, when the emulator starts, from the first resources of a few kinds in each account
 * and region, so a stack's members stay the same whatever the estate does afterwards (as on
 * AWS, a resource deleted out of band is still listed by its stack).
 */

export const cloudFormationNamespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/** What a correct adapter reports for one stack; computed here from the estate, not through any normalizer. */
export interface AwsExpectedStack {
  account: string;
  region: string;
  stackId: string;
  stackName: string;
  /** The raw StackStatus. */
  status: string;
  tags: Record<string, string>;
  parameters: Record<string, string>;
  /** Which of the two templates the stack ran (stacks of one template share its hash). */
  templateName: "web-tier" | "data-tier";
  /** Inventory ids (as the resource readers report them) of the estate resources the stack lists. */
  resourceIds: string[];
  /** Resources the stack lists that no resource reader reports (an IAM role, an SNS topic). */
  notInventoried: number;
}

interface StackResource {
  logicalId: string;
  type: string;
  physicalId: string;
}

interface EmulatedStack extends AwsExpectedStack {
  createdAt: string;
  updatedAt: string | undefined;
  members: StackResource[];
}

/** CloudFormation's resource type and the physical id (what `Ref` returns) of an estate resource. */
const stackKinds: Partial<Record<AwsEmulatorKind, { type: string; physical: (r: EmulatedResource) => string }>> = {
  ec2_instance: { type: "AWS::EC2::Instance", physical: (r) => r.id },
  ebs_volume: { type: "AWS::EC2::Volume", physical: (r) => r.id },
  security_group: { type: "AWS::EC2::SecurityGroup", physical: (r) => r.id },
  elb_load_balancer: { type: "AWS::ElasticLoadBalancingV2::LoadBalancer", physical: (r) => r.id },
  rds_instance: { type: "AWS::RDS::DBInstance", physical: (r) => r.naturalName ?? r.id },
  lambda_function: { type: "AWS::Lambda::Function", physical: (r) => r.naturalName ?? r.id },
  dynamodb_table: { type: "AWS::DynamoDB::Table", physical: (r) => r.naturalName ?? r.id },
};

/** Stack states as they occur: mostly settled, one rolled-back update, one in flight. */
const statuses = ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "CREATE_COMPLETE", "UPDATE_IN_PROGRESS"] as const;

const templates = {
  "web-tier": JSON.stringify(
    {
      AWSTemplateFormatVersion: "2010-09-09",
      Description: "Web tier: instances behind a load balancer",
      Parameters: { Environment: { Type: "String" }, InstanceType: { Type: "String", Default: "m5.large" } },
      Resources: { WebInstance: { Type: "AWS::EC2::Instance", Properties: { InstanceType: { Ref: "InstanceType" } } } },
    },
    null,
    2,
  ),
  "data-tier": JSON.stringify(
    {
      AWSTemplateFormatVersion: "2010-09-09",
      Description: "Data tier: database, tables and functions",
      Parameters: { Environment: { Type: "String" }, DBInstanceClass: { Type: "String", Default: "db.r6g.large" } },
      Resources: { Database: { Type: "AWS::RDS::DBInstance", Properties: { DBInstanceClass: { Ref: "DBInstanceClass" } } } },
    },
    null,
    2,
  ),
} as const;

export interface StackBook {
  stacks(account: string, region: string): readonly EmulatedStack[];
  find(account: string, region: string, nameOrId: string): EmulatedStack | undefined;
  expected(): AwsExpectedStack[];
}

/** At most this many stacks per account and region; each holds up to five estate resources. */
const stacksPerRegion = 3;
const membersPerStack = 5;

export function createStackBook(options: { seedHash: number; estate: AwsEstate; accounts: readonly string[]; regions: readonly string[] }): StackBook {
  const byScope = new Map<string, EmulatedStack[]>();
  for (const account of options.accounts) {
    for (const region of options.regions) {
      const candidates: EmulatedResource[] = [];
      for (const kind of Object.keys(stackKinds) as AwsEmulatorKind[]) {
        const scope = options.estate.scope(account, region, kind);
        if (scope) candidates.push(...options.estate.page(scope, 0, 2).items);
      }
      const stacks: EmulatedStack[] = [];
      for (let n = 0; n < stacksPerRegion && n * membersPerStack < candidates.length; n++) {
        stacks.push(makeStack(options.seedHash, account, region, n, candidates.slice(n * membersPerStack, (n + 1) * membersPerStack)));
      }
      byScope.set(`${account}/${region}`, stacks);
    }
  }
  const stacksOf = (account: string, region: string) => byScope.get(`${account}/${region}`) ?? [];
  return {
    stacks: stacksOf,
    find: (account, region, nameOrId) => stacksOf(account, region).find((s) => s.stackId === nameOrId || s.stackName === nameOrId),
    expected: () =>
      [...byScope.values()].flat().map((s) => ({
        account: s.account,
        region: s.region,
        stackId: s.stackId,
        stackName: s.stackName,
        status: s.status,
        tags: s.tags,
        parameters: s.parameters,
        templateName: s.templateName,
        resourceIds: s.resourceIds,
        notInventoried: s.notInventoried,
      })),
  };
}

function makeStack(seedHash: number, account: string, region: string, n: number, members: EmulatedResource[]): EmulatedStack {
  const rng = createRng(seedHash ^ Math.imul(n + 1, 0x85ebca6b) ^ Number.parseInt(account.slice(-6), 10));
  const first = members[0] as EmulatedResource;
  const env = first.tags.env ?? "dev";
  const app = first.tags.app ?? "shop";
  const stackName = `${app}-${env}-stack-${region}-${n}`;
  const stackId = `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-8${rng.hex(3)}-${rng.hex(12)}`;
  const templateName = members.some((m) => m.kind === "rds_instance" || m.kind === "dynamodb_table") ? "data-tier" : "web-tier";
  const status = statuses[(n + Number.parseInt(account.slice(-1), 10)) % statuses.length] as string;
  const createdAt = new Date(Date.UTC(2024, rng.int(0, 12), rng.int(1, 28), rng.int(0, 24))).toISOString();
  const updatedAt = status.startsWith("UPDATE") ? new Date(Date.parse(createdAt) + rng.int(1, 200) * 86_400_000).toISOString() : undefined;
  const stackResources: StackResource[] = members.map((m, i) => {
    const spec = stackKinds[m.kind] as { type: string; physical: (r: EmulatedResource) => string };
    return { logicalId: `${spec.type.split("::")[2]}${i}`, type: spec.type, physicalId: spec.physical(m) };
  });
  // What every real stack also has and no resource reader reports: its role and its topic.
  stackResources.push({ logicalId: "ServiceRole", type: "AWS::IAM::Role", physicalId: `${stackName}-ServiceRole-${rng.hex(12).toUpperCase()}` });
  stackResources.push({ logicalId: "AlarmTopic", type: "AWS::SNS::Topic", physicalId: `arn:aws:sns:${region}:${account}:${stackName}-AlarmTopic-${rng.hex(12).toUpperCase()}` });
  return {
    account,
    region,
    stackId,
    stackName,
    status,
    tags: { env, app, "aws:cloudformation:stack-name": stackName },
    parameters: { Environment: env, ...(templateName === "data-tier" ? { DBInstanceClass: "db.r6g.large" } : { InstanceType: "m5.large" }) },
    templateName,
    resourceIds: members.map((m) => m.id),
    notInventoried: 2,
    createdAt,
    updatedAt,
    members: stackResources,
  };
}

function response(action: string, requestId: string, result: string): string {
  return `<${action}Response xmlns="${cloudFormationNamespace}">${wrap(`${action}Result`, result)}${wrap("ResponseMetadata", el("RequestId", requestId))}</${action}Response>`;
}

const members = (items: readonly string[]) => items.map((i) => wrap("member", i)).join("");

function renderStack(s: EmulatedStack): string {
  return wrap(
    "member",
    el("StackId", s.stackId) +
      el("StackName", s.stackName) +
      el("Description", JSON.parse(templates[s.templateName]).Description) +
      wrap("Parameters", members(Object.entries(s.parameters).map(([k, v]) => el("ParameterKey", k) + el("ParameterValue", v)))) +
      el("CreationTime", s.createdAt) +
      el("LastUpdatedTime", s.updatedAt) +
      el("StackStatus", s.status) +
      (s.status === "UPDATE_ROLLBACK_COMPLETE" ? el("StackStatusReason", "The following resource(s) failed to update: [WebInstance].") : "") +
      el("DisableRollback", "false") +
      wrap("NotificationARNs", "") +
      wrap("Tags", members(Object.entries(s.tags).map(([k, v]) => el("Key", k) + el("Value", v)))) +
      wrap("DriftInformation", el("StackDriftStatus", "NOT_CHECKED")),
  );
}

export type CloudFormationAnswer = { ok: true; body: string } | { ok: false; message: string };

/** One CloudFormation action of a caller in a region; a stack of another account or region does not exist for it. */
export function cloudFormationAction(book: StackBook, action: string, call: { account: string; region: string; form: URLSearchParams; requestId: string }, pageSize = 2): CloudFormationAnswer | undefined {
  const { account, region, form, requestId } = call;
  switch (action) {
    case "DescribeStacks": {
      const name = form.get("StackName");
      if (name) {
        const stack = book.find(account, region, name);
        if (!stack) return { ok: false, message: `Stack with id ${name} does not exist` };
        return { ok: true, body: response(action, requestId, wrap("Stacks", renderStack(stack))) };
      }
      // DescribeStacks takes no page size: AWS pages by response size; a small fixed page here makes clients follow NextToken.
      const position = decodeToken(form.get("NextToken"));
      if (position === undefined) return { ok: false, message: "Invalid NextToken" };
      const all = book.stacks(account, region);
      const page = all.slice(position, position + pageSize);
      const next = position + pageSize < all.length ? el("NextToken", encodeToken(position + pageSize)) : "";
      return { ok: true, body: response(action, requestId, wrap("Stacks", page.map(renderStack).join("")) + next) };
    }
    case "ListStackResources": {
      const name = form.get("StackName") ?? "";
      const stack = book.find(account, region, name);
      if (!stack) return { ok: false, message: `Stack with id ${name} does not exist` };
      const position = decodeToken(form.get("NextToken"));
      if (position === undefined) return { ok: false, message: "Invalid NextToken" };
      const size = 4;
      const page = stack.members.slice(position, position + size);
      const summaries = page.map((r) =>
        wrap(
          "member",
          el("LogicalResourceId", r.logicalId) +
            el("PhysicalResourceId", r.physicalId) +
            el("ResourceType", r.type) +
            el("LastUpdatedTimestamp", stack.updatedAt ?? stack.createdAt) +
            el("ResourceStatus", stack.status.startsWith("UPDATE") ? "UPDATE_COMPLETE" : "CREATE_COMPLETE") +
            wrap("DriftInformation", el("StackResourceDriftStatus", "NOT_CHECKED")),
        ),
      );
      const next = position + size < stack.members.length ? el("NextToken", encodeToken(position + size)) : "";
      return { ok: true, body: response(action, requestId, wrap("StackResourceSummaries", summaries.join("")) + next) };
    }
    case "GetTemplate": {
      const name = form.get("StackName") ?? "";
      const stack = book.find(account, region, name);
      if (!stack) return { ok: false, message: `Stack with id ${name} does not exist` };
      const stages = wrap("StagesAvailable", members(["Original", "Processed"].map(esc)));
      return { ok: true, body: response(action, requestId, el("TemplateBody", templates[stack.templateName]) + stages) };
    }
    default:
      return undefined;
  }
}
