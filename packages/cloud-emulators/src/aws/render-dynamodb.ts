import type { EmulatedResource } from "./model.ts";

/**
 * DynamoDB's control-plane answers (JSON 1.0): DescribeTable's TableDescription and
 * ListTagsOfResource's tag list. Times are epoch seconds, as the service sends them.
 */

export function renderTableDescription(item: EmulatedResource, malformed: boolean): Record<string, unknown> {
  const name = item.naturalName ?? "";
  const provisioned = item.extra.billingMode === "PROVISIONED";
  const table: Record<string, unknown> = {
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    TableName: name,
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    CreationDateTime: Date.parse(item.createdAt) / 1000,
    ProvisionedThroughput: {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: Number(item.extra.readCapacity),
      WriteCapacityUnits: Number(item.extra.writeCapacity),
    },
    TableSizeBytes: Number(item.size),
    ItemCount: Number(item.extra.itemCount),
    TableArn: item.id,
    TableId: `${item.id.slice(-8)}-0000-4000-8000-${item.id.slice(-12)}`,
    DeletionProtectionEnabled: item.tags.env === "prod",
  };
  if (!malformed) table.TableStatus = item.state;
  // On-demand tables report BillingModeSummary; provisioned ones created long ago may omit it.
  if (!provisioned) table.BillingModeSummary = { BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: Date.parse(item.createdAt) / 1000 };
  if (item.state === "ARCHIVED" || item.state === "ARCHIVING") {
    table.ArchivalSummary = { ArchivalDateTime: Date.parse(item.createdAt) / 1000 + 86_400 * 30, ArchivalReason: "INACCESSIBLE_ENCRYPTION_CREDENTIALS" };
  }
  return { Table: table };
}

export function renderTags(tags: Record<string, string>): Record<string, unknown> {
  return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}
