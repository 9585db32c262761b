import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFaultState, type FaultState } from "../faults.ts";
import { hashString } from "../rng.ts";
import {
  accountOfTemporaryKey,
  guessService,
  issueTemporaryKey,
  parseAuthorization,
  parseRoleArn,
  type SigV4Scope,
} from "./auth.ts";
import { type AwsCostBook, type AwsExpectedCostLine, createAwsCostBook } from "./costs.ts";
import { type AwsErrorReply, type AwsService, errorReply, queryErrorReply } from "./errors.ts";
import { type AwsAddResourceInput, type AwsResizeInput, createAwsEstate } from "./estate.ts";
import { expectedOf } from "./expected.ts";
import { isJsonService, type JsonReply, jsonOk, type JsonService, jsonAction, jsonServiceOfTarget, jsonTargets } from "./json.ts";
import { type AwsExpectedMetricSample, expectedSample, periodStarts } from "./metrics.ts";
import { type AwsExpectedGroupCapacity, type AwsExpectedInstanceStatus, autoScalingInstancesOf, instanceStatusOf, renderInstanceStatus } from "./status-checks.ts";
import type { AwsEmulatorKind, AwsExpectedResource, EmulatedResource } from "./model.ts";
import { type GetProductsRequest, getProducts, spotPriceHistory } from "./pricing.ts";
import { decodeToken, encodeToken, pageSizeParam } from "./paging.ts";
import { ec2Response, renderRegion, renderReservation, renderAddress, renderNatGateway, renderSecurityGroup, renderSubnet, renderVolume, renderVpc } from "./render-ec2.ts";
import { queryResponse, renderAssumeRole, renderDbInstance, renderLoadBalancer, renderTagDescription } from "./render-query.ts";
import { getCostAndUsage, linkedAccountsOf } from "./render-ce.ts";
import { getMetricData } from "./render-cloudwatch.ts";
import { cloudFrontAction, isCloudFrontPath, renderCloudFrontTags, renderDistributionList } from "./render-cloudfront.ts";
import { renderTableDescription, renderTags } from "./render-dynamodb.ts";
import { functionNameOf, isLambdaPath, lambdaAction, lambdaContentType, renderGetFunction, renderListFunctions } from "./render-lambda.ts";
import { renderBucketLifecycle, renderBucketLocation, renderListBuckets } from "./render-s3.ts";
import { efsAction, isEfsPath } from "./render-efs.ts";
import { eksAction, isEksPath } from "./render-eks.ts";
import { createBreadthHandlers } from "./serve-breadth.ts";
import { expectedServingTargets, renderTargetGroup, renderTargetHealth, targetGroupOf } from "./target-groups.ts";
import { type AwsExpectedRdsBackup, type AwsExpectedRdsSnapshot, createRdsBackupBook, describeDbSnapshots, type RdsBackupBook } from "./rds-backups.ts";
import { type AwsExpectedSnapshot, createSnapshotBook, describeSnapshots, type SnapshotBook } from "./snapshots.ts";
import { type AwsExpectedStack, cloudFormationAction, createStackBook } from "./cloudformation.ts";
import { type AwsBackupBook, type AwsExpectedBackupJob, type AwsExpectedBackupPlan, backupAction, createAwsBackupBook, isBackupPath, serveBackup } from "./backup.ts";
import { wrap } from "./xml.ts";
import { type AwsEmulatorOrganization, createOrganizationState, type OrganizationState, organizationsAction } from "./organizations.ts";

export interface AwsEmulatorAccount {
  accountId: string;
  /** When set, AssumeRole into this account must present this ExternalId. */
  externalId?: string;
  /** Every AssumeRole into this account is refused (AccessDenied), as when its role does not trust the caller. */
  refuseRoles?: boolean;
}

export interface AwsEmulatorOptions {
  /** Same seed and size, same estate, on every machine. Default 1. */
  seed?: number | string;
  /** Resources across all accounts, regions and kinds. Default 200. */
  size?: number;
  /**
   * Default: three accounts; the first is the one the base key belongs to, and the
   * organization's management account (its Cost Explorer sees every account's bill).
   */
  accounts?: readonly AwsEmulatorAccount[];
  /** Enabled regions reported by DescribeRegions and holding resources. Default: four. */
  regions?: readonly string[];
  /** The long-lived key that maps to the first account. */
  baseCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Lifetime of AssumeRole credentials. Default 3600. */
  sessionDurationSeconds?: number;
  /**
   * Answer ListBuckets without BucketRegion, as S3 did before 2024 (and still does for a call
   * without parameters), so clients must ask GetBucketLocation per bucket. Default false.
   */
  s3LegacyListBuckets?: boolean;
  /** Default 0: a free port. */
  port?: number;
  /** The instant AWS Backup jobs, EBS and RDS snapshots are generated up to (default: when the emulator starts). */
  backupNow?: Date;
  /**
   * Serve AWS Organizations (ListAccounts, ListParents) to the first account, the management
   * account. Default: no organization (AWSOrganizationsNotInUseException).
   */
  organization?: AwsEmulatorOrganization;
  /**
   * The emulator's today, `YYYY-MM-DD` (default: the real UTC date). Bills have no lines from
   * today on, the current month is `Estimated`, and resource-level costs reach 14 days back.
   */
  today?: string;
  /** Cost Explorer groups per page (default 500). */
  costPageSize?: number;
  /**
   * Whether resource-level cost data is enabled in the Cost Explorer settings (per calling
   * account when a list). Default true; otherwise GetCostAndUsageWithResources answers
   * DataUnavailableException.
   */
  resourceLevelCosts?: boolean | readonly string[];
  /** CloudWatch datapoints per GetMetricData page before `MaxDatapoints` (default 100,800). */
  metricDatapointsPerPage?: number;
}

export interface AwsExpectedMetricsQuery {
  account: string;
  region: string;
  resourceIds: readonly string[];
  start: Date;
  end: Date;
  /** Default 300. */
  periodSeconds?: number;
}

export interface AwsEmulator {
  /** Base URL, e.g. `http://127.0.0.1:53211`: pass it as the adapter's `endpoint`. */
  readonly url: string;
  readonly endpoint: string;
  readonly port: number;
  readonly accounts: readonly AwsEmulatorAccount[];
  readonly regions: readonly string[];
  readonly baseCredentials: { accessKeyId: string; secretAccessKey: string };
  readonly faults: FaultState;
  /** Requests served, by `service:Action` (faulted ones included). */
  readonly requests: Map<string, number>;
  /** The identities a correct adapter reports, computed lazily (safe for large estates). */
  expected(): Iterable<AwsExpectedResource>;
  /** The healthy targets the emulator gave a load balancer (its ARN), or undefined for another id. */
  expectedServingTargets(loadBalancerArn: string): number | undefined;
  /**
   * The account's bill over [start, end] (inclusive days) as Cost Explorer groups it: by
   * service, or by service and resource. Computed lazily, day by day.
   */
  expectedCosts(account: string, start: string, end: string, options?: { byResource?: boolean }): Iterable<AwsExpectedCostLine>;
  /** The exact total of the account's bill over [start, end], inclusive, as a decimal string. */
  expectedCostTotal(account: string, start: string, end: string): string;
  /**
   * The samples a correct adapter reports for these resources (those in a serving state publish
   * data), for a `periodSeconds` grid over [start, end); S3's daily series give a sample only in
   * the periods that hold a UTC midnight.
   */
  expectedMetrics(query: AwsExpectedMetricsQuery): Iterable<AwsExpectedMetricSample>;
  /** The EC2 status checks DescribeInstanceStatus reports, for every running instance. */
  expectedInstanceStatus(): Iterable<AwsExpectedInstanceStatus>;
  /** Every Auto Scaling group's desired capacity and how many of its instances are InService and Healthy. */
  expectedGroupCapacity(): Iterable<AwsExpectedGroupCapacity>;
  /** The CloudFormation stacks of every account and region, with the inventory ids of their resources. */
  expectedStacks(): AwsExpectedStack[];
  /** AWS Backup's plans (one rule each, with the resources its selection names) and jobs, per account and region. */
  expectedBackups(): { plans: AwsExpectedBackupPlan[]; jobs: AwsExpectedBackupJob[] };
  /** The EBS snapshots DescribeSnapshots lists, per account and region, each with why a reader skips it (if it should). */
  expectedSnapshots(): AwsExpectedSnapshot[];
  /** Every DB instance's automated-backup settings, and the DB snapshots DescribeDBSnapshots lists per account and region. */
  expectedRdsBackups(): { instances: AwsExpectedRdsBackup[]; snapshots: AwsExpectedRdsSnapshot[] };
  readonly mutate: {
    add(input: AwsAddResourceInput): AwsExpectedResource;
    remove(id: string): boolean;
    retag(id: string, tags: Record<string, string>): boolean;
    /** The account leaves the organization: ListAccounts no longer lists it. */
    leaveOrganization(accountId: string): boolean;
    /** A resize or scaling activity: a new size and/or extra fields (see AwsEstate.resize). */
    resize(id: string, change: AwsResizeInput): boolean;
    /** The owner deletes an EBS snapshot: DescribeSnapshots no longer lists it. */
    deleteSnapshot(snapshotId: string): boolean;
    /** The owner deletes a DB snapshot (by its ARN): DescribeDBSnapshots no longer lists it. */
    deleteRdsSnapshot(arn: string): boolean;
  };
  close(): Promise<void>;
}

const defaultAccounts: AwsEmulatorAccount[] = [
  { accountId: "111111111111" },
  { accountId: "222222222222" },
  { accountId: "333333333333", externalId: "cloudsync-ext-333" },
];
const defaultRegions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

interface Reply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

interface Call {
  service: AwsService;
  action: string;
  account: string;
  region: string;
  form: URLSearchParams;
  url: URL;
  requestId: string;
  /** The parsed body of a JSON-protocol request. */
  json: unknown;
}

export async function startAwsEmulator(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const accounts = options.accounts ?? defaultAccounts;
  const regions = options.regions ?? defaultRegions;
  const firstAccount = accounts[0];
  if (!firstAccount) throw new RangeError("the AWS emulator needs at least one account");
  const baseCredentials = options.baseCredentials ?? {
    accessKeyId: "AKIAEMULATORBASE0001",
    secretAccessKey: "emulator/base/secret/key/do-not-use-anywhere",
  };
  const sessionSeconds = options.sessionDurationSeconds ?? 3600;
  const seed = options.seed ?? 1;
  const estate = createAwsEstate({
    seed,
    size: options.size ?? 200,
    accounts: accounts.map((a) => a.accountId),
    regions,
  });
  const seedHash = typeof seed === "number" ? seed >>> 0 : hashString(seed);
  const today = () => options.today ?? new Date().toISOString().slice(0, 10);
  const costBook: AwsCostBook = createAwsCostBook({ seedHash, estate, accounts: accounts.map((a) => a.accountId), today });
  const faults = createFaultState();
  const organization: OrganizationState | undefined = options.organization
    ? createOrganizationState(options.organization, firstAccount.accountId, accounts.map((a) => a.accountId))
    : undefined;
  const requests = new Map<string, number>();
  const breadth = createBreadthHandlers({ estate, malformedIds: () => malformedIds(), groupInstances: (item) => autoScalingInstancesOf(seedHash, item) });
  const stackBook = createStackBook({ seedHash, estate, accounts: accounts.map((a) => a.accountId), regions });
  const backupBook: AwsBackupBook = createAwsBackupBook({ seedHash, estate, now: options.backupNow ?? new Date() });
  const snapshotBook: SnapshotBook = createSnapshotBook({ seedHash, estate, now: options.backupNow ?? new Date() });
  const rdsBook: RdsBackupBook = createRdsBackupBook({ seedHash, estate, regions, now: options.backupNow ?? new Date() });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`emulator bug: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  });
  // The adapter keeps sockets alive between pages; do not let idle ones hold close() up.
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? "/", "http://emulator");
    const raw = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    const isForm = contentType.includes("x-www-form-urlencoded");
    const form = new URLSearchParams(isForm ? raw : "");
    const sig = parseAuthorization(req.headers.authorization);
    const service = (sig?.service ??
      jsonServiceOfTarget(req.headers["x-amz-target"]) ??
      (isLambdaPath(url.pathname)
        ? "lambda"
        : isCloudFrontPath(url.pathname)
          ? "cloudfront"
          : isEksPath(url.pathname)
            ? "eks"
            : isEfsPath(url.pathname)
              ? "elasticfilesystem"
              : isBackupPath(url.pathname)
                ? "backup"
                : guessService(form))) as AwsService;
    const send = (reply: Reply | AwsErrorReply) => respond(res, reply, requestId, service);

    if (!sig) return send(errorReply(service, "missing_auth", requestId));
    const served = ["ec2", "elasticloadbalancing", "rds", "s3", "sts", "ce", "monitoring", "lambda", "dynamodb", "cloudfront", "pricing", "organizations"];
    const servedForBreadth = ["eks", "ecs", "autoscaling", "elasticache", "elasticfilesystem", "redshift", "tagging", "cloudformation", "backup"];
    if (!served.includes(sig.service) && !servedForBreadth.includes(sig.service)) {
      return send(errorReply("ec2", "unknown_action", requestId, `the emulator does not serve ${sig.service}`));
    }
    const isJson = isJsonService(service);
    let json: unknown;
    if (isJson) {
      try {
        json = raw === "" ? {} : JSON.parse(raw);
      } catch {
        return send({ ...errorReply(service, "invalid_parameter", requestId, "Start of structure or map found where not expected."), status: 400 });
      }
    }
    const caller = callerAccount(sig, req.headers["x-amz-security-token"]);
    const action =
      service === "s3"
        ? s3Action(req.method ?? "GET", url)
        : service === "lambda"
          ? lambdaAction(req.method ?? "GET", url.pathname)
          : service === "cloudfront"
            ? cloudFrontAction(req.method ?? "GET", url.pathname)
            : service === "eks"
              ? eksAction(req.method ?? "GET", url.pathname)
              : service === "elasticfilesystem"
                ? efsAction(req.method ?? "GET", url.pathname)
                : service === "backup"
                  ? backupAction(req.method ?? "GET", url.pathname)
                  : isJson ? jsonAction(service as JsonService, req.headers["x-amz-target"]) : (form.get("Action") ?? "");
    const target = action === "AssumeRole" ? (parseRoleArn(form.get("RoleArn"))?.account ?? "unknown") : (caller ?? "unknown");
    requests.set(`${service}:${action}`, (requests.get(`${service}:${action}`) ?? 0) + 1);

    // Cost Explorer calls also name the linked accounts they ask about, so a test can fault one
    // account's bill when a management account reads them all.
    const linked = service === "ce" ? linkedAccountsOf(json) : undefined;
    const decision = faults.decide(`${service}:${action} ${target}/${sig.region}${linked ? ` linked:${linked.join(",")}` : ""}`);
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (res.destroyed) return;
    if (decision.kind === "reject_credentials" || caller === undefined) {
      return send(errorReply(service, "bad_credentials", requestId));
    }
    if (decision.kind === "throttle") return send(errorReply(service, "throttle", requestId));
    if (decision.kind === "server_error") return send(errorReply(service, "server_error", requestId));

    const call: Call = { service, action, account: caller, region: sig.region, form, url, requestId, json };
    return send(dispatch(call));
  }

  function callerAccount(sig: SigV4Scope, sessionToken: string | string[] | undefined): string | undefined {
    if (sig.accessKeyId === baseCredentials.accessKeyId) return firstAccount?.accountId;
    const account = accountOfTemporaryKey(sig.accessKeyId);
    // Temporary keys are useless without their session token, as on AWS.
    if (!account || !sessionToken) return undefined;
    return accounts.some((a) => a.accountId === account) ? account : undefined;
  }

  function dispatch(call: Call): Reply | AwsErrorReply {
    switch (`${call.service}:${call.action}`) {
      case "ec2:DescribeRegions":
        return xml(ec2Response("DescribeRegions", call.requestId, wrap("regionInfo", regions.map(renderRegion).join(""))));
      case "ec2:DescribeInstances":
        return ec2List(call, "ec2_instance", "reservationSet", renderReservation, 5, 1000);
      case "ec2:DescribeInstanceStatus":
        return describeInstanceStatus(call);
      case "ec2:DescribeVolumes":
        return ec2List(call, "ebs_volume", "volumeSet", renderVolume, 5, 500);
      case "ec2:DescribeSnapshots": {
        const answer = describeSnapshots(snapshotBook, call);
        return answer.ok ? xml(answer.body) : errorReply(call.service, "invalid_parameter", call.requestId, answer.message);
      }
      case "ec2:DescribeVpcs":
        return ec2List(call, "vpc", "vpcSet", renderVpc, 5, 1000);
      case "ec2:DescribeSubnets":
        return ec2List(call, "subnet", "subnetSet", renderSubnet, 5, 1000);
      case "ec2:DescribeAddresses":
        return describeAddresses(call);
      case "ec2:DescribeNatGateways":
        return ec2List(call, "nat_gateway", "natGatewaySet", renderNatGateway, 5, 1000);
      case "ec2:DescribeSecurityGroups":
        return ec2List(call, "security_group", "securityGroupInfo", renderSecurityGroup, 5, 1000);
      case "elasticloadbalancing:DescribeLoadBalancers":
        return describeLoadBalancers(call);
      case "elasticloadbalancing:DescribeTags":
        return describeTags(call);
      case "elasticloadbalancing:DescribeTargetGroups":
        return describeTargetGroups(call);
      case "elasticloadbalancing:DescribeTargetHealth":
        return describeTargetHealth(call);
      case "rds:DescribeDBInstances":
        return describeDbInstances(call);
      case "rds:DescribeDBSnapshots": {
        const answer = describeDbSnapshots(rdsBook, call);
        return "status" in answer ? answer : xml(answer.body);
      }
      case "sts:AssumeRole":
        return assumeRole(call);
      case "sts:GetCallerIdentity":
        return xml(
          queryResponse("sts", "GetCallerIdentity", call.requestId, `<UserId>AIDAEMULATOR</UserId><Account>${call.account}</Account><Arn>arn:aws:iam::${call.account}:user/emulator</Arn>`),
        );
      case "dynamodb:ListTables":
        return listTables(call);
      case "dynamodb:DescribeTable":
        return describeTable(call);
      case "dynamodb:ListTagsOfResource":
        return listTagsOfResource(call);
      case "cloudfront:ListDistributions":
        return listDistributions(call);
      case "cloudfront:ListTagsForResource":
        return listDistributionTags(call);
      case "lambda:ListFunctions":
        return listFunctions(call);
      case "lambda:GetFunction":
        return getFunction(call);
      case "s3:ListBuckets":
        return listBuckets(call);
      case "s3:GetBucketLocation":
        return getBucketLocation(call);
      case "s3:GetBucketLifecycleConfiguration":
        return getBucketLifecycle(call);
      case "ce:GetCostAndUsage":
      case "ce:GetCostAndUsageWithResources":
        return costAndUsage(call, call.action === "GetCostAndUsageWithResources");
      case "pricing:GetProducts": {
        const answer = getProducts(call.json as GetProductsRequest);
        return answer.ok ? jsonOk("pricing", answer.body) : errorReply("pricing", answer.reason, call.requestId, answer.message);
      }
      case "ec2:DescribeSpotPriceHistory":
        return describeSpotPriceHistory(call);
      case "organizations:ListAccounts":
      case "organizations:ListParents":
        return organizationsAction(organization, call.account, call.action, call.json);
      case "monitoring:GetMetricData":
        return getMetricData(call.json, {
          caller: call.account,
          region: call.region,
          seedHash,
          estate,
          pageLimit: options.metricDatapointsPerPage ?? 100_800,
          malformed: malformedIds(),
        });
      case "cloudformation:DescribeStacks":
      case "cloudformation:ListStackResources":
      case "cloudformation:GetTemplate": {
        const answer = cloudFormationAction(stackBook, call.action, call);
        if (!answer) return errorReply(call.service, "unknown_action", call.requestId);
        return answer.ok ? xml(answer.body) : errorReply(call.service, "invalid_parameter", call.requestId, answer.message);
      }
      case "backup:ListBackupPlans":
      case "backup:GetBackupPlan":
      case "backup:ListBackupSelections":
      case "backup:GetBackupSelection":
      case "backup:ListBackupJobs":
        return serveBackup(backupBook, call);
      default:
        return (
          breadth(call) ??
          errorReply(call.service, "unknown_action", call.requestId, `${call.action || "(no action)"} is not served by this emulator`)
        );
    }
  }

  function costAndUsage(call: Call, withResources: boolean): JsonReply | AwsErrorReply {
    const management = call.account === firstAccount?.accountId;
    const optedIn = options.resourceLevelCosts ?? true;
    return getCostAndUsage(
      call.json,
      {
        caller: call.account,
        visible: management ? accounts.map((a) => a.accountId) : [call.account],
        book: costBook,
        today: today(),
        pageSize: options.costPageSize ?? 500,
        resourceLevel: typeof optedIn === "boolean" ? optedIn : optedIn.includes(call.account),
        malformed: malformedIds(),
      },
      withResources,
    );
  }

  /** The price in force now (a StartTime of now), one entry per zone and type; not paginated here. */
  function describeSpotPriceHistory(call: Call): Reply {
    const types = [...call.form.entries()].filter(([k]) => /^InstanceType\.\d+$/.test(k)).map(([, v]) => v);
    const zones = ["a", "b", "c"].map((z) => `${call.region}${z}`);
    const rows = spotPriceHistory(call.region, zones, types, new Date());
    const items = rows
      .map((r) => `<item><instanceType>${r.instanceType}</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>${r.price}</spotPrice><timestamp>${r.timestamp}</timestamp><availabilityZone>${r.zone}</availabilityZone></item>`)
      .join("");
    return xml(ec2Response("DescribeSpotPriceHistory", call.requestId, `<spotPriceHistorySet>${items}</spotPriceHistorySet><nextToken/>`));
  }

  function malformedIds(): ReadonlySet<string> {
    return new Set(faults.plan.malformedItemIds ?? []);
  }

  /** One page of a scope, or the API's validation error for a bad size or token. */
  function pageOf(
    call: Call,
    scopeRegion: string,
    kind: AwsEmulatorKind,
    size: number | undefined,
    token: string | null,
  ): { items: EmulatedResource[]; nextToken?: string } | AwsErrorReply {
    if (size === undefined) return errorReply(call.service, "invalid_parameter", call.requestId, "page size is out of range");
    const position = decodeToken(token);
    if (position === undefined) return errorReply(call.service, "invalid_parameter", call.requestId, "Invalid pagination token");
    const scope = estate.scope(call.account, scopeRegion, kind);
    if (!scope) return { items: [] };
    const page = estate.page(scope, position, size);
    return page.next === undefined ? { items: page.items } : { items: page.items, nextToken: encodeToken(page.next) };
  }

  function ec2List(
    call: Call,
    kind: AwsEmulatorKind,
    setName: string,
    render: (item: EmulatedResource, malformed: boolean) => string,
    min: number,
    max: number,
  ): Reply | AwsErrorReply {
    const size = pageSizeParam(call.form.get("MaxResults"), min, max, max);
    const page = pageOf(call, call.region, kind, size, call.form.get("NextToken"));
    if ("status" in page) return page;
    const bad = malformedIds();
    const body = wrap(setName, page.items.map((i) => render(i, bad.has(i.id))).join("")) + (page.nextToken ? `<nextToken>${page.nextToken}</nextToken>` : "");
    return xml(ec2Response(call.action, call.requestId, body));
  }

  /**
   * Running instances only unless IncludeAllInstances, paged by MaxResults (5–1000) and
   * NextToken; a page may hold fewer items than asked, as on EC2. Filtering by InstanceId is not
   * emulated: it answers InvalidParameterValue rather than pretend.
   */
  function describeInstanceStatus(call: Call): Reply | AwsErrorReply {
    if (call.form.has("InstanceId.1")) {
      return errorReply(call.service, "invalid_parameter", call.requestId, "the emulator does not filter DescribeInstanceStatus by InstanceId; page through the region instead");
    }
    const size = pageSizeParam(call.form.get("MaxResults"), 5, 1000, 1000);
    const page = pageOf(call, call.region, "ec2_instance", size, call.form.get("NextToken"));
    if ("status" in page) return page;
    const all = call.form.get("IncludeAllInstances") === "true";
    const items = page.items.filter((i) => all || i.state === "running");
    const body =
      wrap("instanceStatusSet", items.map((i) => renderInstanceStatus(i, instanceStatusOf(seedHash, i), i.createdAt)).join("")) +
      (page.nextToken ? `<nextToken>${page.nextToken}</nextToken>` : "");
    return xml(ec2Response(call.action, call.requestId, body));
  }

  /** DescribeAddresses is not paginated: one answer holds every address of the region. */
  function describeAddresses(call: Call): Reply | AwsErrorReply {
    const scope = estate.scope(call.account, call.region, "elastic_ip");
    const items = scope ? estate.page(scope, 0, Number.POSITIVE_INFINITY).items : [];
    const bad = malformedIds();
    return xml(ec2Response(call.action, call.requestId, wrap("addressesSet", items.map((i) => renderAddress(i, bad.has(i.id))).join(""))));
  }

  function describeLoadBalancers(call: Call): Reply | AwsErrorReply {
    const size = pageSizeParam(call.form.get("PageSize"), 1, 400, 400);
    const page = pageOf(call, call.region, "elb_load_balancer", size, call.form.get("Marker"));
    if ("status" in page) return page;
    const bad = malformedIds();
    const result =
      wrap("LoadBalancers", page.items.map((i) => renderLoadBalancer(i, bad.has(i.id))).join("")) +
      (page.nextToken ? `<NextMarker>${page.nextToken}</NextMarker>` : "");
    return xml(queryResponse("elasticloadbalancing", "DescribeLoadBalancers", call.requestId, result));
  }

  /** Every load balancer of the call's region with its one target group (target-groups.ts). */
  function regionTargetGroups(call: Call) {
    const scope = estate.scope(call.account, call.region, "elb_load_balancer");
    const lbs = scope ? estate.page(scope, 0, Number.POSITIVE_INFINITY).items : [];
    return lbs.map(targetGroupOf);
  }

  /** DescribeTargetGroups: all of the region, or one load balancer's (`LoadBalancerArn`), paged by Marker. */
  function describeTargetGroups(call: Call): Reply | AwsErrorReply {
    const size = pageSizeParam(call.form.get("PageSize"), 1, 400, 400);
    if (size === undefined) return errorReply(call.service, "invalid_parameter", call.requestId, "PageSize must be between 1 and 400");
    const position = decodeToken(call.form.get("Marker"));
    if (position === undefined) return errorReply(call.service, "invalid_parameter", call.requestId, "Invalid pagination token");
    let groups = regionTargetGroups(call);
    const lbArn = call.form.get("LoadBalancerArn");
    if (lbArn) {
      groups = groups.filter((g) => g.loadBalancerArn === lbArn);
      if (groups.length === 0) return errorReply(call.service, "lb_not_found", call.requestId, `Load balancer '${lbArn}' not found`);
    }
    const page = groups.slice(position, position + size);
    const next = position + size < groups.length ? encodeToken(position + size) : undefined;
    const result = wrap("TargetGroups", page.map(renderTargetGroup).join("")) + (next ? `<NextMarker>${next}</NextMarker>` : "");
    return xml(queryResponse("elasticloadbalancing", "DescribeTargetGroups", call.requestId, result));
  }

  /** DescribeTargetHealth of one target group: every registered target and its state. */
  function describeTargetHealth(call: Call): Reply | AwsErrorReply {
    const arn = call.form.get("TargetGroupArn");
    const group = arn ? regionTargetGroups(call).find((g) => g.arn === arn) : undefined;
    if (!group) return queryErrorReply("elasticloadbalancing", 400, "TargetGroupNotFound", `Target groups '${arn ?? ""}' not found`, call.requestId);
    const result = wrap("TargetHealthDescriptions", group.targets.map(renderTargetHealth).join(""));
    return xml(queryResponse("elasticloadbalancing", "DescribeTargetHealth", call.requestId, result));
  }

  function describeTags(call: Call): Reply | AwsErrorReply {
    const arns: string[] = [];
    for (let n = 1; call.form.has(`ResourceArns.member.${n}`); n++) arns.push(call.form.get(`ResourceArns.member.${n}`) as string);
    if (arns.length === 0 || arns.length > 20) {
      return errorReply(call.service, "invalid_parameter", call.requestId, "ResourceArns must name 1 to 20 resources");
    }
    const descriptions: string[] = [];
    for (const arn of arns) {
      const item = estate.find(arn);
      if (!item || item.account !== call.account || item.region !== call.region) {
        return errorReply(call.service, "lb_not_found", call.requestId, `Load balancers '[${arn}]' not found`);
      }
      descriptions.push(renderTagDescription(arn, item.tags));
    }
    return xml(queryResponse("elasticloadbalancing", "DescribeTags", call.requestId, wrap("TagDescriptions", descriptions.join(""))));
  }

  function describeDbInstances(call: Call): Reply | AwsErrorReply {
    const size = pageSizeParam(call.form.get("MaxRecords"), 20, 100, 100);
    const wanted = call.form.get("DBInstanceIdentifier");
    const page = wanted
      ? { items: rdsBook.instances(call.account, call.region).filter((i) => i.identifier === wanted.toLowerCase()).flatMap((i) => estate.find(i.instanceArn) ?? []) }
      : pageOf(call, call.region, "rds_instance", size, call.form.get("Marker"));
    if ("status" in page) return page;
    if (wanted && page.items.length === 0) return queryErrorReply("rds", 404, "DBInstanceNotFound", `DBInstance ${wanted} not found.`, call.requestId);
    const bad = malformedIds();
    const result =
      wrap("DBInstances", page.items.map((i) => renderDbInstance(i, bad.has(i.id), rdsBook.settingsOf(i.id))).join("")) +
      (page.nextToken ? `<Marker>${page.nextToken}</Marker>` : "");
    return xml(queryResponse("rds", "DescribeDBInstances", call.requestId, result));
  }

  function listDistributions(call: Call): Reply | AwsErrorReply {
    const q = call.url.searchParams;
    const size = pageSizeParam(q.get("MaxItems"), 1, 1000, 100);
    const page = pageOf(call, "global", "cloudfront_distribution", size, q.get("Marker"));
    if ("status" in page) return page;
    return { status: 200, body: renderDistributionList(page.items, malformedIds(), q.get("Marker") ?? "", size ?? 100, page.nextToken), contentType: "text/xml" };
  }

  function listDistributionTags(call: Call): Reply | AwsErrorReply {
    const arn = call.url.searchParams.get("Resource") ?? "";
    const item = estate.find(arn);
    if (item?.kind !== "cloudfront_distribution" || item.account !== call.account) {
      return errorReply("cloudfront", "not_found", call.requestId, `The specified distribution does not exist: ${arn}`);
    }
    return { status: 200, body: renderCloudFrontTags(item.tags), contentType: "text/xml" };
  }

  function dynamoInput(call: Call): Record<string, unknown> {
    return call.json && typeof call.json === "object" ? (call.json as Record<string, unknown>) : {};
  }

  function tableOf(call: Call, nameOrArn: unknown): EmulatedResource | undefined {
    if (typeof nameOrArn !== "string" || nameOrArn === "") return undefined;
    const name = nameOrArn.replace(/^arn:aws:dynamodb:[^:]+:\d{12}:table\//, "");
    const item = estate.find(`arn:aws:dynamodb:${call.region}:${call.account}:table/${name}`);
    return item?.kind === "dynamodb_table" ? item : undefined;
  }

  function listTables(call: Call): JsonReply | AwsErrorReply {
    const input = dynamoInput(call);
    const limit = input.Limit === undefined ? 100 : input.Limit;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      return errorReply("dynamodb", "invalid_parameter", call.requestId, "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 100");
    }
    const scope = estate.scope(call.account, call.region, "dynamodb_table");
    if (!scope) return jsonOk("dynamodb", { TableNames: [] });
    let position = 0;
    const start = input.ExclusiveStartTableName;
    if (start !== undefined) {
      // DynamoDB resumes after any name, in name order; the emulator's order is its own, so it can
      // resume only after a name it listed, and says so rather than silently restart.
      const at = typeof start === "string" ? estate.positionOf(scope, `arn:aws:dynamodb:${call.region}:${call.account}:table/${start}`) : undefined;
      if (at === undefined) return errorReply("dynamodb", "invalid_parameter", call.requestId, `ExclusiveStartTableName ${JSON.stringify(start)} was never listed by this emulator`);
      position = at + 1;
    }
    const page = estate.page(scope, position, limit);
    const out: Record<string, unknown> = { TableNames: page.items.map((i) => i.naturalName) };
    const last = page.items.at(-1);
    if (page.next !== undefined && last) out.LastEvaluatedTableName = last.naturalName;
    return jsonOk("dynamodb", out);
  }

  function describeTable(call: Call): JsonReply | AwsErrorReply {
    const name = dynamoInput(call).TableName;
    const item = tableOf(call, name);
    if (!item) return errorReply("dynamodb", "not_found", call.requestId, `Requested resource not found: Table: ${String(name)} not found`);
    return jsonOk("dynamodb", renderTableDescription(item, malformedIds().has(item.id)));
  }

  function listTagsOfResource(call: Call): JsonReply | AwsErrorReply {
    const arn = dynamoInput(call).ResourceArn;
    const item = typeof arn === "string" && arn.startsWith("arn:") ? tableOf(call, arn) : undefined;
    // "ResourcArn" is how DynamoDB itself spells it in this message.
    if (!item || item.id !== arn) return errorReply("dynamodb", "not_found", call.requestId, `Requested resource not found: ResourcArn: ${String(arn)} not found`);
    return jsonOk("dynamodb", renderTags(item.tags));
  }

  function listFunctions(call: Call): Reply | AwsErrorReply {
    // MaxItems may be up to 10,000, but Lambda returns at most 50 functions per call.
    const requested = pageSizeParam(call.url.searchParams.get("MaxItems"), 1, 10_000, 50);
    const page = pageOf(call, call.region, "lambda_function", requested === undefined ? undefined : Math.min(requested, 50), call.url.searchParams.get("Marker"));
    if ("status" in page) return page;
    return { status: 200, body: renderListFunctions(page.items, page.nextToken), contentType: lambdaContentType };
  }

  function getFunction(call: Call): Reply | AwsErrorReply {
    const name = functionNameOf(call.url.pathname);
    // FunctionName may be the name, the full ARN or a partial ARN (`123456789012:function:name`).
    const bare = name.replace(/^arn:aws:lambda:[^:]+:\d{12}:function:/, "").replace(/^\d{12}:function:/, "");
    const arn = `arn:aws:lambda:${call.region}:${call.account}:function:${bare}`;
    const item = estate.find(arn);
    if (item?.kind !== "lambda_function") return errorReply("lambda", "not_found", call.requestId, `Function not found: ${arn}`);
    return { status: 200, body: renderGetFunction(item, malformedIds().has(item.id)), contentType: lambdaContentType };
  }

  function assumeRole(call: Call): Reply | AwsErrorReply {
    const roleArn = call.form.get("RoleArn");
    const role = parseRoleArn(roleArn);
    const account = role && accounts.find((a) => a.accountId === role.account);
    const denied = (why: string) =>
      errorReply(
        "sts",
        "access_denied",
        call.requestId,
        `User: arn:aws:iam::${call.account}:user/cloudsync is not authorized to perform: sts:AssumeRole on resource: ${roleArn ?? "(none)"}${why}`,
      );
    if (!role || !account) return denied("");
    if (account.refuseRoles) return denied("");
    if (account.externalId !== undefined && call.form.get("ExternalId") !== account.externalId) return denied(" (external id mismatch)");
    const duration = Number(call.form.get("DurationSeconds") ?? sessionSeconds);
    const expiration = new Date(Date.now() + Math.min(duration, sessionSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const keys = issueTemporaryKey(account.accountId);
    const sessionName = call.form.get("RoleSessionName") ?? "session";
    return xml(
      queryResponse("sts", "AssumeRole", call.requestId, renderAssumeRole({ account: account.accountId, roleName: role.roleName, sessionName, expiration, ...keys })),
    );
  }

  function listBuckets(call: Call): Reply | AwsErrorReply {
    const size = pageSizeParam(call.url.searchParams.get("max-buckets"), 1, 10_000, 10_000);
    const page = pageOf(call, "global", "s3_bucket", size, call.url.searchParams.get("continuation-token"));
    if ("status" in page) return page;
    // S3 includes BucketRegion only when the request carries at least one parameter.
    const q = call.url.searchParams;
    const anyParameter = ["max-buckets", "continuation-token", "prefix", "bucket-region"].some((p) => q.has(p));
    const withRegion = anyParameter && !options.s3LegacyListBuckets;
    return {
      status: 200,
      body: renderListBuckets(call.account, page.items, malformedIds(), page.nextToken, withRegion),
      contentType: "application/xml",
    };
  }

  function getBucketLocation(call: Call): Reply | AwsErrorReply {
    const bucket = decodeURIComponent(call.url.pathname.slice(1).split("/")[0] ?? "");
    const item = estate.find(bucket);
    if (item?.kind !== "s3_bucket") return errorReply("s3", "not_found", call.requestId);
    if (item.account !== call.account) return errorReply("s3", "access_denied", call.requestId);
    return { status: 200, body: renderBucketLocation(item.region), contentType: "application/xml" };
  }

  function getBucketLifecycle(call: Call): Reply | AwsErrorReply {
    const bucket = decodeURIComponent(call.url.pathname.slice(1).split("/")[0] ?? "");
    const item = estate.find(bucket);
    if (item?.kind !== "s3_bucket") return errorReply("s3", "not_found", call.requestId);
    if (item.account !== call.account) return errorReply("s3", "access_denied", call.requestId);
    const body = renderBucketLifecycle(bucket);
    if (body === undefined) return errorReply("s3", "no_lifecycle", call.requestId);
    // S3 also says which minimum object size its transitions apply to (the default since 2024).
    return { status: 200, body, contentType: "application/xml", headers: { "x-amz-transition-default-minimum-object-size": "all_storage_classes_128K" } };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    endpoint: url,
    port,
    accounts,
    regions,
    baseCredentials,
    faults,
    requests,
    expected: () => mapIterable(estate.all(), expectedOf),
    expectedServingTargets(arn) {
      for (const r of estate.all()) if (r.kind === "elb_load_balancer" && r.id === arn) return expectedServingTargets(r);
      return undefined;
    },
    expectedCosts: (account, start, end, opts) => costBook.expected(account, start, end, opts),
    expectedCostTotal: (account, start, end) => costBook.total(account, start, end),
    *expectedMetrics(query) {
      const period = query.periodSeconds ?? 300;
      const starts = periodStarts(query.start.getTime() / 1000, query.end.getTime() / 1000, period);
      for (const id of query.resourceIds) {
        const item = estate.find(id);
        if (!item || item.account !== query.account) continue;
        // CloudFront's series live in us-east-1; everything else in the resource's region.
        if (item.region !== query.region && !(item.kind === "cloudfront_distribution" && query.region === "us-east-1")) continue;
        for (const t of starts) {
          const sample = expectedSample(seedHash, item, t, period);
          if (sample) yield sample;
        }
      }
    },
    *expectedInstanceStatus() {
      for (const item of estate.all()) {
        if (item.kind !== "ec2_instance" || item.state !== "running") continue;
        yield { account: item.account, region: item.region, instanceId: item.id, ...instanceStatusOf(seedHash, item) };
      }
    },
    *expectedGroupCapacity() {
      for (const item of estate.all()) {
        if (item.kind !== "autoscaling_group") continue;
        const serving = autoScalingInstancesOf(seedHash, item).filter((i) => i.lifecycleState === "InService" && i.healthStatus === "Healthy").length;
        yield { account: item.account, region: item.region, groupArn: item.id, desired: Number(item.extra.desired), serving };
      }
    },
    expectedStacks: () => stackBook.expected(),
    expectedBackups() {
      const plans: AwsExpectedBackupPlan[] = [];
      const jobs: AwsExpectedBackupJob[] = [];
      for (const { accountId } of accounts) {
        for (const region of regions) {
          plans.push(...backupBook.plans(accountId, region).map(({ rule: _rule, arns: _arns, createdAt: _at, ...plan }) => plan));
          jobs.push(...backupBook.jobs(accountId, region));
        }
      }
      return { plans, jobs };
    },
    expectedSnapshots: () => accounts.flatMap(({ accountId }) => regions.flatMap((region) => snapshotBook.snapshots(accountId, region))),
    expectedRdsBackups: () => ({
      instances: accounts.flatMap(({ accountId }) => regions.flatMap((region) => rdsBook.instances(accountId, region))),
      snapshots: accounts.flatMap(({ accountId }) => regions.flatMap((region) => rdsBook.snapshots(accountId, region))),
    }),
    mutate: {
      add: (input) => expectedOf(estate.add(input)),
      remove: (id) => estate.remove(id),
      retag: (id, tags) => estate.retag(id, tags),
      leaveOrganization: (accountId) => organization?.members.delete(accountId) ?? false,
      resize: (id, change) => estate.resize(id, change),
      deleteSnapshot: (snapshotId) => snapshotBook.delete(snapshotId),
      deleteRdsSnapshot: (arn) => rdsBook.delete(arn),
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function xml(body: string): Reply {
  return { status: 200, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`, contentType: "text/xml;charset=UTF-8" };
}

function respond(res: ServerResponse, reply: Reply | AwsErrorReply, requestId: string, service: AwsService): void {
  if (res.destroyed) return;
  const fallback =
    isJsonService(service)
      ? jsonTargets[service].contentType
      : service === "lambda" || service === "eks" || service === "elasticfilesystem" || service === "backup"
        ? lambdaContentType
        : service === "s3"
          ? "application/xml"
          : "text/xml;charset=UTF-8";
  const contentType = "contentType" in reply && reply.contentType ? reply.contentType : fallback;
  res.writeHead(reply.status, {
    "content-type": contentType,
    ...reply.headers,
    "content-length": Buffer.byteLength(reply.body),
    "x-amzn-requestid": requestId,
    "x-amz-request-id": requestId,
  });
  res.end(reply.body);
}

function s3Action(method: string, url: URL): string {
  if (method !== "GET") return `${method} ${url.pathname}`;
  if (url.pathname === "/" || url.pathname === "") return "ListBuckets";
  if (url.searchParams.has("location")) return "GetBucketLocation";
  if (url.searchParams.has("lifecycle")) return "GetBucketLifecycleConfiguration";
  return `GET ${url.pathname}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function* mapIterable<T, U>(items: Iterable<T>, fn: (item: T) => U): Iterable<U> {
  for (const item of items) yield fn(item);
}

