import { describe, expect, it } from "vitest";
import { CloudError, CredentialsRejectedError, MalformedItemError, ThrottledError } from "../src/errors.ts";
import { bigQueryRetryOptions, pageDeadlineMs } from "../src/gcp/bigquery.ts";
import { isMissingResourceColumn, toBillingError } from "../src/gcp/billing-failures.ts";
import { billingColumns, billingQuerySql, type BillingRow } from "../src/gcp/billing-query.ts";
import { parseBillingExportTable } from "../src/gcp/billing-table.ts";
import { DeadlineExceededError } from "../src/gcp/deadline.ts";
import { gcpCostCategory, labelsFromJson, normalizeCostRow, resourceIdFromGlobalName } from "../src/gcp/normalize-costs.ts";

describe("gcpCostCategory", () => {
  it.each([
    ["Compute Engine", "N2 Instance Core running in Americas", "regular", "compute"],
    ["Compute Engine", "E2 Instance Ram running in EMEA", "regular", "compute"],
    ["Compute Engine", "Storage PD Capacity", "regular", "storage"],
    ["Compute Engine", "SSD backed PD Capacity", "regular", "storage"],
    ["Compute Engine", "Balanced PD Capacity", "regular", "storage"],
    ["Compute Engine", "Hyperdisk Balanced Capacity", "regular", "storage"],
    ["Compute Engine", "Storage Image", "regular", "storage"],
    ["Compute Engine", "Network Internet Egress from Americas to EMEA", "regular", "network"],
    ["Compute Engine", "External IP Charge on a Standard VM", "regular", "network"],
    ["Compute Engine", null, "regular", "compute"],
    ["Cloud Storage", "Standard Storage US Multi-region", "regular", "storage"],
    ["Cloud Storage", "Download Worldwide Destinations (excluding Asia & Australia)", "regular", "storage"],
    ["Cloud SQL", "Cloud SQL for PostgreSQL: Zonal - vCPU in Americas", "regular", "database"],
    ["Cloud Spanner", "Spanner Instance Compute", "regular", "database"],
    ["Memorystore for Redis", "Redis Capacity Standard M1", "regular", "database"],
    ["Networking", "Network Load Balancing: Forwarding Rule Minimum Service Charge in Americas", "regular", "network"],
    ["Cloud Load Balancing", "Global External Application Load Balancer Forwarding Rule Minimum", "regular", "network"],
    ["Cloud CDN", "Cache Egress", "regular", "network"],
    ["Cloud Monitoring", "Metric Volume", "regular", "monitoring"],
    ["Cloud Logging", "Log Storage cost", "regular", "monitoring"],
    ["Support", "Enhanced Support", "regular", "support"],
    ["Google Cloud Support", "Premium Support", "regular", "support"],
    ["Tax", "Sales tax", "tax", "tax"],
    // A tax line is a tax line whatever service it names.
    ["Compute Engine", "VAT", "tax", "tax"],
    ["cloud storage", "lower-case service", null, "storage"],
    // Unknown services: the SKU decides, else the documented default (compute).
    ["Vertex AI", "Online prediction: n1-standard-4", "regular", "compute"],
    ["BigQuery", "Active Logical Storage", "regular", "storage"],
    ["Some New Service", "Data Transfer Out", "regular", "network"],
    [null, null, null, "compute"],
  ])("%s / %s / %s → %s", (service, sku, costType, category) => {
    expect(gcpCostCategory(service, sku, costType)).toBe(category);
  });
});

describe("resourceIdFromGlobalName", () => {
  it.each([
    ["//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instances/1234567890123456789", "1234567890123456789"],
    ["//compute.googleapis.com/projects/acme-prod/zones/europe-west1-b/disks/987654321", "987654321"],
    ["//compute.googleapis.com/projects/acme-prod/regions/us-east1/disks/55", "55"],
    // Named, not numbered: the inventory cannot be linked.
    ["//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instances/web-1", null],
    ["//compute.googleapis.com/projects/acme-prod/regions/us-east1/forwardingRules/fr-1", null],
    ["//compute.googleapis.com/projects/acme-prod/global/forwardingRules/123", null],
    ["//storage.googleapis.com/projects/_/buckets/acme-assets", null],
    ["//cloudsql.googleapis.com/projects/acme-prod/instances/pg-main", null],
    ["//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instances/123/extra", null],
    ["", null],
    [null, null],
    [undefined, null],
  ])("%s → %s", (globalName, id) => {
    expect(resourceIdFromGlobalName(globalName)).toBe(id);
  });
});

describe("labelsFromJson", () => {
  it.each([
    ['[{"key":"env","value":"prod"},{"key":"team","value":"data"}]', { env: "prod", team: "data" }],
    ['[{"key":"empty","value":""},{"key":"n","value":null}]', { empty: "", n: "" }],
    ["[]", {}],
    [null, {}],
    ["not json", {}],
    ['{"key":"env"}', {}],
    ['[{"value":"no key"}]', {}],
  ])("%s", (json, tags) => {
    expect(labelsFromJson(json)).toEqual(tags);
  });
});

const row = (overrides: BillingRow = {}): BillingRow => ({
  usage_date: "2026-10-07",
  project_id: "acme-prod",
  service_id: "6F81-5844-456A",
  service_description: "Compute Engine",
  sku_id: "C0RE-N2",
  sku_description: "N2 Instance Core running in Americas",
  cost_type: "regular",
  resource_name: "web-1",
  resource_global_name: "//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instances/1234567890123456789",
  location_region: "us-central1",
  currency: "USD",
  pricing_unit: "hour",
  usage_amount: "96.000000",
  gross_cost: "3.5",
  credits: "-0.750000001",
  amount: "2.749999999",
  labels_json: '[{"key":"env","value":"prod"}]',
  ...overrides,
});

describe("normalizeCostRow", () => {
  it("makes a daily line with the amount exactly as BigQuery returned it", () => {
    expect(normalizeCostRow(row(), "acme-prod")).toEqual({
      cloud: "gcp",
      account: "acme-prod",
      periodStart: "2026-10-07",
      periodEnd: "2026-10-07",
      amount: "2.749999999",
      currency: "USD",
      category: "compute",
      service: "Compute Engine",
      resourceId: "1234567890123456789",
      billingDetails: {
        serviceId: "6F81-5844-456A",
        skuId: "C0RE-N2",
        skuDescription: "N2 Instance Core running in Americas",
        costType: "regular",
        resourceName: "web-1",
        resourceGlobalName: "//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instances/1234567890123456789",
        region: "us-central1",
        grossCost: "3.5",
        credits: "-0.750000001",
      },
      usage: { quantity: "96", unit: "hour" },
      tags: { env: "prod" },
    });
  });

  it.each([
    ["12.3400", "12.34"],
    ["-0.500000000", "-0.5"],
    ["0.000000001", "0.000000001"],
    ["-0", "0"],
    ["123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"],
    ["7", "7"],
  ])("amount %s → %s", (amount, normalized) => {
    expect(normalizeCostRow(row({ amount }), "acme-prod").amount).toBe(normalized);
  });

  it("leaves usage and details out when the row has none (tax lines, standard export)", () => {
    const line = normalizeCostRow(
      row({
        service_description: "Tax",
        cost_type: "tax",
        sku_description: "Sales tax",
        resource_name: null,
        resource_global_name: null,
        pricing_unit: null,
        usage_amount: null,
        labels_json: "[]",
        credits: "0",
      }),
      "acme-prod",
    );
    expect(line).toMatchObject({ category: "tax", resourceId: null, usage: {}, tags: {} });
    expect(line.billingDetails).not.toHaveProperty("resourceName");
    expect(line.billingDetails.credits).toBe("0");
  });

  it.each([
    [{ usage_date: null }, /usage day/],
    [{ usage_date: "2026-13-45" }, /usage day/],
    [{ usage_date: "07/10/2026" }, /usage day/],
    [{ amount: null }, /amount is not a decimal/],
    [{ amount: "n/a" }, /amount is not a decimal/],
    [{ amount: "" }, /amount is not a decimal/],
    [{ currency: null }, /currency/],
    [{ currency: "usd" }, /currency/],
    [{ service_description: null }, /service/],
  ])("a row with %o is malformed (%s), reported by its resource id", (overrides, reason) => {
    let error: unknown;
    try {
      normalizeCostRow(row(overrides as BillingRow), "acme-prod");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MalformedItemError);
    expect((error as MalformedItemError).message).toMatch(reason);
    expect((error as MalformedItemError).itemId).toBe("1234567890123456789");
  });

  it("reports a malformed row without a resource by no id", () => {
    expect(() => normalizeCostRow(row({ resource_global_name: null, resource_name: null, amount: null }), "p-123456")).toThrow(MalformedItemError);
    try {
      normalizeCostRow(row({ resource_global_name: null, resource_name: null, amount: null }), "p-123456");
    } catch (err) {
      expect((err as MalformedItemError).itemId).toBeNull();
    }
  });
});

describe("parseBillingExportTable", () => {
  it.each([
    ["billing-admin.billing_export.gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C", ["billing-admin", "billing_export", "gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C"]],
    ["example.com:billing-prj.Billing_2.gcp_billing_export_v1_X", ["example.com:billing-prj", "Billing_2", "gcp_billing_export_v1_X"]],
  ])("accepts %s", (text, [project, dataset, table]) => {
    expect(parseBillingExportTable(text)).toEqual({ project, dataset, table });
  });

  it.each([
    "dataset.table",
    "a.b.c.d",
    "billing-admin.billing_export.t` UNION ALL SELECT 1 --",
    "billing-admin.billing export.t",
    "billing-admin.billing_export.t;DROP",
    "Billing-Admin.ds.t",
    "short.ds.t",
    "billing-admin-.ds.t",
    "billing-admin..t",
    "",
  ])("refuses %j", (text) => {
    expect(() => parseBillingExportTable(text)).toThrow(/billingExportTable must be "project\.dataset\.table"/);
  });
});

describe("billingQuerySql", () => {
  const table = parseBillingExportTable("billing-admin.billing_export.gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C");

  it("names the table once, in backticks, and takes the window and project only as parameters", () => {
    const sql = billingQuerySql(table, "detailed");
    expect(sql.match(/`[^`]+`/g)).toEqual(["`billing-admin.billing_export.gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C`"]);
    expect(sql).toContain("project.id = @project");
    expect(sql).toMatch(/BETWEEN @start AND @end/);
    for (const column of billingColumns) expect(sql).toMatch(new RegExp(`\\b${column}\\b`));
  });

  it("sums money as NUMERIC, credits included, and returns it as STRING", () => {
    const sql = billingQuerySql(table, "detailed");
    expect(sql).toContain("CAST(SUM(CAST(cost AS NUMERIC)) + SUM(IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0)) AS STRING) AS amount");
    expect(sql).not.toMatch(/FLOAT64|SAFE_CAST\(cost AS FLOAT/);
  });

  it("reads resource columns only from the detailed export", () => {
    expect(billingQuerySql(table, "detailed")).toContain("resource.global_name AS resource_global_name");
    const standard = billingQuerySql(table, "standard");
    expect(standard).not.toMatch(/\bresource\./);
    expect(standard).toContain("CAST(NULL AS STRING) AS resource_global_name");
  });
});

describe("the BigQuery client's retryer settings", () => {
  it.each([
    [{ maxAttempts: 1, retryDelayMs: 500, timeoutMs: 30_000 }, { autoRetry: false, maxRetries: 0, maxRetryDelay: 32 }],
    [{ maxAttempts: 5, retryDelayMs: 500, timeoutMs: 30_000 }, { autoRetry: true, maxRetries: 4, maxRetryDelay: 32 }],
    [{ maxAttempts: 3, retryDelayMs: 1, timeoutMs: 1_000 }, { autoRetry: true, maxRetries: 2, maxRetryDelay: 0.064 }],
  ])("%o → %o", (settings, expected) => {
    expect(bigQueryRetryOptions(settings)).toMatchObject({ ...expected, retryDelayMultiplier: 2 });
  });

  it("gives a page call every attempt plus the backoffs between them", () => {
    expect(pageDeadlineMs({ maxAttempts: 1, retryDelayMs: 500, timeoutMs: 100 })).toBe(100);
    // 3 × 1 s, plus backoffs capped at 64 ms each.
    expect(pageDeadlineMs({ maxAttempts: 3, retryDelayMs: 1, timeoutMs: 1_000 })).toBe(3_128);
    // 2 s + 1 s jitter, then 4 s + 1 s: below the 32 s cap.
    expect(pageDeadlineMs({ maxAttempts: 3, retryDelayMs: 500, timeoutMs: 1_000 })).toBe(3_000 + 3_000 + 5_000);
  });
});

describe("toBillingError", () => {
  const secret = "-----BEGIN PRIVATE KEY-----MIIEsecretsecretsecret";
  const ctx = { project: "acme-prod", table: "b.d.t", jobProject: "billing-admin", maxAttempts: 4, secrets: [secret], aborted: false };
  const apiError = (code: number, reason: string, message = "m") => Object.assign(new Error(message), { code, errors: [{ reason, message }] });

  it.each([
    [apiError(429, "rateLimitExceeded"), ThrottledError, /after 4 attempts/],
    [apiError(403, "rateLimitExceeded"), ThrottledError, /after 1 attempts/],
    [apiError(403, "quotaExceeded"), ThrottledError, /throttled/],
    [apiError(401, "authError"), CredentialsRejectedError, /BigQuery API answered 401/],
    [apiError(403, "accessDenied"), CredentialsRejectedError, /roles\/bigquery\.jobUser on project billing-admin.*roles\/bigquery\.dataViewer/],
    [apiError(404, "notFound", "Not found: Table b:d.t"), CloudError, /was not found \(Not found: Table b:d\.t\)/],
    [apiError(400, "invalidQuery", `Syntax error near ${secret}`), CloudError, /rejected the cost query.*\[REDACTED\]/],
    [apiError(503, "backendError"), CloudError, /kept failing \(last answer: HTTP 503\) after 4 attempts/],
    [new DeadlineExceededError(1234), CloudError, /did not answer within 1234 ms/],
    [Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), CloudError, /network error ECONNREFUSED/],
    [Object.assign(new Error("x"), { response: { status: 400, data: { error: "invalid_grant", error_description: "Invalid JWT Signature." } } }), CredentialsRejectedError, /invalid_grant: Invalid JWT Signature/],
  ])("%s → %s", (err, type, message) => {
    const error = toBillingError(err, ctx);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(secret);
    expect((error as { cause?: unknown }).cause).toBeUndefined();
  });

  it("says the stream was aborted when it was", () => {
    expect(toBillingError(apiError(503, "backendError"), { ...ctx, aborted: true }).message).toMatch(/aborted/);
  });

  it.each([
    [apiError(400, "invalidQuery", "Unrecognized name: resource at [9:3]"), true],
    [apiError(400, "invalidQuery", "Field name global_name does not exist in STRUCT<name STRING>"), true],
    [apiError(400, "invalidQuery", "Syntax error: Unexpected keyword"), false],
    [apiError(404, "notFound", "resource not found"), false],
  ])("isMissingResourceColumn(%s) → %s", (err, missing) => {
    expect(isMissingResourceColumn(err)).toBe(missing);
  });
});
