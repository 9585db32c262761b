import { type SQL, sql } from "drizzle-orm";
import { type AnyPgColumn, foreignKey, pgPolicy, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/** `id UUID PRIMARY KEY DEFAULT gen_random_uuid()`, as every table of the design document has. */
export const primaryId = () => uuid().primaryKey().defaultRandom();

/** `TIMESTAMP WITH TIME ZONE DEFAULT NOW()`; nullable, as the design document declares it. */
export const timestampNow = () => timestamp({ withTimezone: true, mode: "date" }).defaultNow();

/** `TIMESTAMP WITH TIME ZONE`, nullable, no default. */
export const timestampTz = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * `column IN ('a', 'b', …)` for a CHECK constraint, from the same `const` tuple that types the
 * column, so the database and TypeScript cannot disagree. The values are our own constants,
 * never user input, so they are inlined as literals (a CHECK cannot take parameters).
 */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const literals = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", ");
  return sql`${column} IN (${sql.raw(literals)})`;
}

/**
 * The organization whose rows the current transaction may see. Set per transaction by
 * `withOrganization()` (`app.organization_id`), or derived from a Supabase JWT through the
 * `auth.uid()` shim; the function itself lives in the prelude migration. Wrapped in a
 * sub-select so PostgreSQL evaluates it once per statement, not once per row.
 */
export const currentOrganization = sql`(select current_organization_id())`;

/** Row-level security for a table that carries `organization_id`. */
export function tenantPolicy(name: string, organizationId: AnyPgColumn) {
  return pgPolicy(name, {
    as: "permissive",
    for: "all",
    using: sql`${organizationId} = ${currentOrganization}`,
    withCheck: sql`${organizationId} = ${currentOrganization}`,
  });
}

/**
 * The last key column of a covering index followed by `INCLUDE (…)`. drizzle-orm 0.45 cannot
 * declare INCLUDE, and drizzle-kit writes an SQL key part verbatim inside the parentheses of
 * the key list: this part closes the key list and opens the INCLUDE list, which drizzle-kit's
 * own closing parenthesis ends. Only drizzle-kit reads index definitions (never the runtime),
 * and test/indexes.test.ts compares the migrated indexes with the intended definitions, so a
 * drizzle-kit that renders differently fails a test instead of shipping a wrong index.
 */
export function lastKeyThenInclude(lastKey: AnyPgColumn, included: readonly AnyPgColumn[]): SQL {
  return sql`${lastKey}) INCLUDE (${sql.join([...included], sql`, `)}`;
}

/** Row-level security for a child table, through the parent row that carries `organization_id`. */
export function tenantPolicyVia(name: string, parentCheck: SQL) {
  return pgPolicy(name, { as: "permissive", for: "all", using: parentCheck, withCheck: parentCheck });
}

/**
 * `UNIQUE (organization_id, id)`: the target of every composite foreign key into a table, so a
 * row can only ever point at a row of its own organization (see {@link sameOrganization}). It
 * is also the key a distributed PostgreSQL (Citus) needs to keep a tenant's rows together.
 */
export function organizationKey(table: string, organizationId: AnyPgColumn, id: AnyPgColumn) {
  return unique(`${table}_organization_id_id_key`).on(organizationId, id);
}

/**
 * A foreign key that also carries the organization: `(organization_id, column)` references
 * `(organization_id, id)` of the parent, so the referenced row belongs to the referencing
 * row's organization whatever role writes it. Row-level security alone checks only a row's own
 * `organization_id`, which let a tenant point its rows at another tenant's (issue 13, hole 1).
 */
export function sameOrganization(
  table: string,
  organizationId: AnyPgColumn,
  column: AnyPgColumn,
  parent: { organizationId: AnyPgColumn; id: AnyPgColumn },
) {
  return foreignKey({
    name: `${table}_${snakeCase(column.name)}_fk`,
    columns: [organizationId, column],
    foreignColumns: [parent.organizationId, parent.id],
  });
}

/** A TypeScript property name as its SQL column (the schema's `casing: "snake_case"`). */
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
