import type { DynamoDBClient, TableDescription, Tag } from "@aws-sdk/client-dynamodb";
import type { NormalizedResource, ResourceStatus, SizeCategory } from "../../types.ts";
import { errorCode } from "../aws-errors.ts";
import { configurationOf, displayName, isoDate, lookupStatus, tagsToRecord } from "../normalize.ts";
import { cloudWatchKeysOf } from "../metric-table.ts";
import { type AwsKindReader, clampPageSize, type ItemWhere, malformed } from "./kind.ts";
import { awsSdk } from "../sdk.ts";

/**
 * DynamoDB tables: ListTables per region gives names only, so each table is read with
 * DescribeTable (status, size, ARN) and ListTagsOfResource (its tags, paged by NextToken).
 */
export interface DynamoDbTableDetail {
  /** DescribeTable's description, or just the listed name when it could not be read. */
  Table: TableDescription;
  Tags?: Tag[] | undefined;
  /** Set when DescribeTable or ListTagsOfResource answered with this code (the table went away meanwhile). */
  DetailError?: string;
}

export const dynamoDbTableStatus: Readonly<Record<string, ResourceStatus>> = {
  CREATING: "provisioning",
  // An update (capacity, indexes, streams) keeps the table serving.
  UPDATING: "running",
  ACTIVE: "running",
  DELETING: "stopping",
  // The table's KMS key is unusable: reads and writes fail until it is restored.
  INACCESSIBLE_ENCRYPTION_CREDENTIALS: "error",
  ARCHIVING: "stopping",
  ARCHIVED: "stopped",
};

const gb = 1_000_000_000;

/**
 * A table has no instance class; its stored bytes are its size: ≤100 MB nano, ≤1 GB micro,
 * ≤10 GB small, ≤100 GB medium, ≤1 TB large, above that xlarge. DynamoDB updates
 * TableSizeBytes about every six hours, which is good enough for a category.
 */
export function dynamoDbSizeCategory(bytes: number | undefined): SizeCategory {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return "custom";
  if (bytes <= 0.1 * gb) return "nano";
  if (bytes <= gb) return "micro";
  if (bytes <= 10 * gb) return "small";
  if (bytes <= 100 * gb) return "medium";
  if (bytes <= 1000 * gb) return "large";
  return "xlarge";
}

/** Codes after which the table is skipped rather than the whole region failed. */
const skippableDetailErrors = new Set(["ResourceNotFoundException"]);

export function normalizeDynamoDbTable(raw: DynamoDbTableDetail, where: ItemWhere): NormalizedResource {
  const table = raw.Table;
  if (raw.DetailError) {
    throw malformed(where, table.TableArn ?? table.TableName, `DescribeTable or ListTagsOfResource answered ${raw.DetailError}; the table was probably deleted while being listed`);
  }
  // The ARN is unique across accounts and regions; the name only within one.
  const arn = table.TableArn;
  if (!arn) throw malformed(where, table.TableName, "table without TableArn");
  const status = lookupStatus(dynamoDbTableStatus, table.TableStatus);
  if (!status) throw malformed(where, arn, `unknown table status ${JSON.stringify(table.TableStatus ?? null)}`);
  const tags = tagsToRecord(raw.Tags);
  return {
    cloud: "aws",
    account: where.account,
    regionCode: where.region,
    kind: "dynamodb_table",
    resourceId: arn,
    name: displayName(tags, table.TableName, arn),
    resourceType: "database",
    status,
    sizeCategory: dynamoDbSizeCategory(table.TableSizeBytes),
    tags,
    configuration: configurationOf(table),
    providerCreatedAt: isoDate(table.CreationDateTime),
  };
}

type DynamoDbSdk = typeof import("@aws-sdk/client-dynamodb");

async function tagsOf(sdk: DynamoDbSdk, client: DynamoDBClient, arn: string, signal: AbortSignal | undefined): Promise<Tag[]> {
  const tags: Tag[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new sdk.ListTagsOfResourceCommand({ ResourceArn: arn, NextToken: token }), { abortSignal: signal });
    tags.push(...(out.Tags ?? []));
    token = out.NextToken;
  } while (token);
  return tags;
}

async function detail(sdk: DynamoDbSdk, client: DynamoDBClient, name: string, signal: AbortSignal | undefined): Promise<DynamoDbTableDetail> {
  try {
    const described = await client.send(new sdk.DescribeTableCommand({ TableName: name }), { abortSignal: signal });
    const table = described.Table ?? { TableName: name };
    return { Table: table, Tags: table.TableArn ? await tagsOf(sdk, client, table.TableArn, signal) : [] };
  } catch (error) {
    const code = errorCode(error);
    if (code && skippableDetailErrors.has(code)) return { Table: { TableName: name }, DetailError: code };
    throw error;
  }
}

export const dynamoDbTableReader: AwsKindReader<DynamoDbTableDetail> = {
  kind: "dynamodb_table",
  resourceType: "database",
  fanout: "account_region",
  service: "dynamodb",
  operation: "ListTables",
  metricKeys: cloudWatchKeysOf("dynamodb_table"),
  relations: [],
  async *pages(ctx) {
    // Imported here, not at the top: a process that never reads DynamoDB never loads its SDK.
    const sdk: DynamoDbSdk = awsSdk("@aws-sdk/client-dynamodb");
    const client = ctx.clients.client("dynamodb", (config) => new sdk.DynamoDBClient(config));
    const pages = sdk.paginateListTables({ client, pageSize: clampPageSize(ctx.pageSize, 1, 100) }, {}, { abortSignal: ctx.signal });
    for await (const page of pages) {
      const out: DynamoDbTableDetail[] = [];
      // One table at a time: DescribeTable and ListTagsOfResource have low per-account rate limits.
      for (const name of page.TableNames ?? []) out.push(await detail(sdk, client, name, ctx.signal));
      yield out;
    }
  },
  normalize: normalizeDynamoDbTable,
};
