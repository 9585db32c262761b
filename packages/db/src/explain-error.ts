import { is } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import { CloudsyncDbError } from "./errors.ts";
import * as schema from "./schema/index.ts";

/** A write the database refused: which rule, on which table, and what to do about it. */
export class ConstraintViolationError extends CloudsyncDbError {
  readonly sqlState: string;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  constructor(message: string, details: { sqlState: string; constraint?: string | undefined; table?: string | undefined; cause: unknown }) {
    super(message, { cause: details.cause });
    this.sqlState = details.sqlState;
    this.constraint = details.constraint;
    this.table = details.table;
  }
}

interface PgErrorFields {
  code?: string;
  constraint_name?: string;
  constraint?: string;
  table_name?: string;
  table?: string;
  column_name?: string;
  detail?: string;
  message?: string;
}

/** The exported `const` tuples by CHECK constraint name, so a message can list what is allowed. */
const allowedByConstraint = (() => {
  const byColumn = new Map<string, readonly string[]>();
  for (const value of Object.values(schema) as unknown[]) {
    if (!is(value, PgTable)) continue;
    const config = getTableConfig(value);
    for (const column of config.columns) {
      const values = (column as { enumValues?: readonly string[] }).enumValues;
      if (values && values.length > 0) byColumn.set(`${config.name}_${snake(column.name)}_check`, values);
    }
  }
  return byColumn;
})();

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function fieldsOf(error: unknown): PgErrorFields | undefined {
  let e: unknown = error;
  for (let depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const f = e as PgErrorFields & { cause?: unknown };
    if (typeof f.code === "string" && /^[0-9A-Z]{5}$/.test(f.code)) return f;
    e = f.cause;
  }
  return undefined;
}

/**
 * Turns what PostgreSQL said about a refused write into a typed error whose message names the
 * rule and what would satisfy it (the allowed values of a CHECK list, the row a foreign key
 * needs, the duplicate key). Anything else is returned unchanged. Nothing was written: the
 * statement failed as a whole.
 */
export function explainDatabaseError(error: unknown): unknown {
  const f = fieldsOf(error);
  if (!f?.code) return error;
  const constraint = f.constraint_name ?? f.constraint;
  const table = f.table_name ?? f.table;
  const where = table ? ` on ${table}` : "";
  switch (f.code) {
    case "23514": {
      const allowed = constraint ? allowedByConstraint.get(constraint) : undefined;
      const what = allowed
        ? `the value is not one of ${allowed.join(", ")}`
        : constraint?.endsWith("_period_check")
          ? "the period ends before it starts: cost_period_end must be on or after cost_period_start"
          : `the row breaks ${constraint ?? "a CHECK constraint"} (amounts and sizes may not be negative, percentages are 0–100, currencies are ISO codes like USD)`;
      return new ConstraintViolationError(`refused${where}: ${what}; nothing was written`, { sqlState: f.code, constraint, table, cause: error });
    }
    case "23503":
      return new ConstraintViolationError(
        `refused${where}: ${f.detail ?? "a referenced row does not exist"}; create the referenced row first (nothing was written)`,
        { sqlState: f.code, constraint, table, cause: error },
      );
    case "23505":
      return new ConstraintViolationError(
        `refused${where}: ${f.detail ?? "a row with the same key exists"}; update that row instead, or upsert (nothing was written)`,
        { sqlState: f.code, constraint, table, cause: error },
      );
    case "23502":
      return new ConstraintViolationError(`refused${where}: ${f.column_name ?? "a required column"} must not be null; nothing was written`, {
        sqlState: f.code,
        constraint,
        table,
        cause: error,
      });
    case "22001":
      return new ConstraintViolationError(`refused${where}: ${f.message ?? "a value is too long"}; shorten it (nothing was written)`, {
        sqlState: f.code,
        constraint,
        table,
        cause: error,
      });
    case "42501":
      return new ConstraintViolationError(
        `refused${where}: not permitted for this role or organization (${f.message ?? "row-level security"}); act inside withOrganization() for the row's organization`,
        { sqlState: f.code, constraint, table, cause: error },
      );
    default:
      return error;
  }
}
