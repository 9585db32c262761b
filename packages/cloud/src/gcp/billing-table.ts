/**
 * The Cloud Billing export table the cost queries read, validated once so that nothing but three
 * plain BigQuery identifiers ever reaches the SQL text (the values themselves travel as query
 * parameters; a table name cannot, so it is checked instead).
 */
export interface BillingExportTable {
  /** Project that holds the export dataset (may be domain-scoped: `example.com:billing-prj`). */
  project: string;
  dataset: string;
  table: string;
}

/** Project ids: 6–30 of a-z, 0-9, `-`, starting with a letter, not ending with `-`; optional `domain:` prefix. */
const PROJECT = "(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]";
/** Datasets: letters, digits, underscores. Tables: the same (the export's own names never use more). */
const NAME = "[A-Za-z0-9_]{1,1024}";
const TABLE_PATH = new RegExp(`^(${PROJECT})\\.(${NAME})\\.(${NAME})$`);

export function parseBillingExportTable(text: string): BillingExportTable {
  const match = typeof text === "string" ? TABLE_PATH.exec(text) : null;
  if (!match) {
    throw new Error(
      `billingExportTable must be "project.dataset.table" made of plain BigQuery identifiers ` +
        `(e.g. "billing-admin.billing_export.gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C"); got ${JSON.stringify(String(text)).slice(0, 120)}`,
    );
  }
  return { project: match[1] as string, dataset: match[2] as string, table: match[3] as string };
}

/** A project id for the query jobs (it becomes part of the request path, so it is checked too). */
export function parseQueryProject(text: string): string {
  if (typeof text !== "string" || !new RegExp(`^${PROJECT}$`).test(text)) {
    throw new Error(`billingQueryProject must be a GCP project id (e.g. "billing-admin"); got ${JSON.stringify(String(text)).slice(0, 80)}`);
  }
  return text;
}

/** The table as a quoted SQL path: `project.dataset.table` in backticks. Only for validated parts. */
export function tableReference(table: BillingExportTable): string {
  return `\`${table.project}.${table.dataset}.${table.table}\``;
}
