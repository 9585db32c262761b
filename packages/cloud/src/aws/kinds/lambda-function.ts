import { dependencyOf, withDependencies } from "../../core/relations.ts";
import type { FunctionConfiguration, LambdaClient } from "@aws-sdk/client-lambda";
import type { NormalizedResource, ResourceStatus, SizeCategory } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, lookupStatus } from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * Lambda functions: ListFunctions per region, then GetFunction per function. ListFunctions
 * returns only a subset of each configuration — no `State` and no tags — so the state and the
 * tags come from GetFunction (one call gives both; ListTags would give only the tags).
 */
export interface LambdaFunctionDetail {
  /** GetFunction's configuration, or ListFunctions' when GetFunction could not be read. */
  Configuration: FunctionConfiguration;
  Tags?: Record<string, string> | undefined;
  /** Set when GetFunction answered with this error code (the function went away meanwhile). */
  DetailError?: string;
}

export const lambdaFunctionStatus: Readonly<Record<string, ResourceStatus>> = {
  Pending: "provisioning",
  Active: "running",
  // Lambda deactivates a function left idle for weeks; the next invoke reactivates it.
  Inactive: "stopped",
  Failed: "error",
};

/**
 * Memory is the one size a function has (vCPU scales with it): ≤128 MB nano, ≤512 micro,
 * ≤1024 small, ≤2048 medium, ≤4096 large, above that xlarge (the maximum is 10,240 MB).
 */
export function lambdaSizeCategory(memoryMb: number | undefined): SizeCategory {
  if (memoryMb === undefined || !Number.isFinite(memoryMb) || memoryMb <= 0) return "custom";
  if (memoryMb <= 128) return "nano";
  if (memoryMb <= 512) return "micro";
  if (memoryMb <= 1024) return "small";
  if (memoryMb <= 2048) return "medium";
  if (memoryMb <= 4096) return "large";
  return "xlarge";
}

/** Codes after which the function is skipped rather than the whole region failed. */
const skippableDetailErrors = new Set(["ResourceNotFoundException"]);

export function normalizeLambdaFunction(raw: LambdaFunctionDetail, where: ItemWhere): NormalizedResource {
  const config = raw.Configuration;
  // The ARN is unique across accounts and regions; the name only within one.
  const arn = config.FunctionArn;
  if (!arn) throw malformed(where, config.FunctionName, "function without FunctionArn");
  if (raw.DetailError) throw malformed(where, arn, `GetFunction answered ${raw.DetailError}; the function was probably deleted while being listed`);
  const status = lookupStatus(lambdaFunctionStatus, config.State);
  if (!status) throw malformed(where, arn, `unknown function state ${JSON.stringify(config.State ?? null)}`);
  const tags = { ...(raw.Tags ?? {}) };
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "lambda_function",
    resourceId: arn,
    name: displayName(tags, config.FunctionName, arn),
    resourceType: "compute",
    status,
    sizeCategory: lambdaSizeCategory(config.MemorySize),
    tags,
    configuration: configurationOf(config),
    // Lambda reports no creation time; LastModified is the closest it says.
    providerCreatedAt: isoDate(config.LastModified),
    // A function attached to a VPC reaches it through these subnets and security groups only.
    ...withDependencies([
      ...(config.VpcConfig?.SubnetIds ?? []).map((id) => dependencyOf("in_subnet", id)),
      ...(config.VpcConfig?.SecurityGroupIds ?? []).map((id) => dependencyOf("security_group", id)),
    ]),
  };
}

type LambdaSdk = typeof import("@aws-sdk/client-lambda");

async function detail(sdk: LambdaSdk, client: LambdaClient, listed: FunctionConfiguration, signal: AbortSignal | undefined): Promise<LambdaFunctionDetail> {
  try {
    const out = await client.send(new sdk.GetFunctionCommand({ FunctionName: listed.FunctionArn ?? listed.FunctionName }), { abortSignal: signal });
    return { Configuration: out.Configuration ?? listed, Tags: out.Tags };
  } catch (error) {
    const code = errorCode(error);
    if (code && skippableDetailErrors.has(code)) return { Configuration: listed, DetailError: code };
    throw error;
  }
}

export const lambdaFunctionReader: AwsKindReader<LambdaFunctionDetail> = {
  kind: "lambda_function",
  resourceType: "compute",
  fanout: "account_region",
  service: "lambda",
  operation: "ListFunctions",
  metricKeys: cloudWatchKeysOf("lambda_function"),
  relations: [
    { name: "in_subnet", targetKind: "subnet" },
    { name: "security_group", targetKind: "security_group" },
  ],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads Lambda never loads its SDK.
    const sdk: LambdaSdk = awsSdk("@aws-sdk/client-lambda");
    const client = ctx.clients.client("lambda", (config) => new sdk.LambdaClient(config));
    // Lambda returns at most 50 functions per call whatever MaxItems says.
    const pages = sdk.paginateListFunctions({ client, pageSize: clampPageSize(ctx.pageSize, 1, 50) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) {
      const out: LambdaFunctionDetail[] = [];
      // One at a time: GetFunction shares the account's Lambda control-plane rate with every other caller.
      for (const listed of page.Functions ?? []) out.push(await detail(sdk, client, listed, ctx.signal));
      yield out;
    }
  },
  normalize: normalizeLambdaFunction,
};
