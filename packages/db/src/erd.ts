// The entity-relationship diagram of the schema, as Mermaid `erDiagram` text, built from the
// Drizzle table objects themselves so it cannot drift from them. Pure: no file IO.
// `pnpm --filter @cloudsync/db erd` (scripts/generate-erd.ts) writes it into README.md, and
// test/erd.test.ts fails when the README's copy is stale. Not exported from the package index.
import { Column, SQL, StringChunk, is } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import {
  IndexedColumn,
  type PgColumn,
  PgTable,
  getMaterializedViewConfig,
  getTableConfig,
  isPgMaterializedView,
} from "drizzle-orm/pg-core";
import * as schema from "./schema/index.ts";

/** The README markers the diagram is written between. */
export const ERD_START = "<!-- erd:start -->";
export const ERD_END = "<!-- erd:end -->";

/**
 * What the Drizzle objects cannot say: the SQL migrations partition `infrastructure_monitoring`
 * and own the materialized view. Rendered as `%%` comments (Mermaid has no entity notes) and,
 * for the partition key, as an attribute comment.
 */
const entityNotes: Record<string, string> = {
  infrastructure_monitoring:
    "range-partitioned by month on monitoring_timestamp (drizzle/0002), plus a DEFAULT partition",
  monthly_cost_summary: "materialized view over cloud_costs (drizzle/0003); no foreign keys",
};
const columnNotes: Record<string, string> = {
  "infrastructure_monitoring.monitoring_timestamp": "partition key (monthly ranges)",
};

interface Attribute {
  type: string;
  name: string;
  keys: ("PK" | "FK" | "UK")[];
  comments: string[];
}

interface Entity {
  name: string;
  attributes: Attribute[];
}

interface Relationship {
  parent: string;
  child: string;
  /** Every foreign key column is NOT NULL: a child always has a parent. */
  required: boolean;
  label: string;
}

/** The SQL name of a column: Drizzle's own camelCase → snake_case rule when the key is the name. */
function sqlName(column: { name: string | undefined; keyAsName: boolean }): string {
  const name = column.name ?? "";
  return column.keyAsName ? toSnakeCase(name) : name;
}

/**
 * A Mermaid-safe type word. Mermaid (every version GitHub has shipped) accepts letters, digits,
 * `_`, `-`, `[]` and `()` in an attribute type, but no spaces or commas; when the SQL type does
 * not fit, the word is shortened and the exact type goes into the attribute's comment.
 */
function typeWord(sqlType: string): { word: string; exact?: string } {
  const aliased = sqlType
    .replace(/^timestamp(\(\d+\))? with time zone$/, "timestamptz$1")
    .replace(/^time(\(\d+\))? with time zone$/, "timetz$1");
  if (/^[A-Za-z_][A-Za-z0-9_()[\]-]*$/.test(aliased)) return { word: aliased };
  const base = aliased.replace(/\(.*$/, "").trim().replace(/\s+/g, "_");
  return { word: base || "unknown", exact: sqlType };
}

/** An index expression such as `lower(${email})`, with columns under their SQL names. */
function renderExpression(expression: SQL): string {
  return expression.queryChunks
    .map((chunk) => {
      if (is(chunk, StringChunk)) return chunk.value.join("");
      if (is(chunk, Column)) return sqlName(chunk);
      if (is(chunk, SQL)) return renderExpression(chunk);
      return "?";
    })
    .join("");
}

/** The columns an index part mentions: the column itself, or those inside an expression. */
function columnsOf(part: SQL | IndexedColumn): string[] {
  if (is(part, IndexedColumn)) return [sqlName(part)];
  return part.queryChunks.flatMap((chunk) => {
    if (is(chunk, Column)) return [sqlName(chunk)];
    if (is(chunk, SQL)) return columnsOf(chunk);
    return [];
  });
}

function tableEntity(table: PgTable): { entity: Entity; relationships: Relationship[] } {
  const config = getTableConfig(table);
  const names = (columns: readonly PgColumn[]) => columns.map((c) => sqlName(c));

  const primary = new Set(config.columns.filter((c) => c.primary).map((c) => sqlName(c)));
  for (const pk of config.primaryKeys) for (const name of names(pk.columns)) primary.add(name);

  const foreign = new Set<string>();
  const relationships: Relationship[] = [];
  for (const fk of config.foreignKeys) {
    const ref = fk.reference();
    const columns = names(ref.columns);
    const foreignColumns = names(ref.foreignColumns);
    for (const name of columns) foreign.add(name);
    // (organization_id, x_id) -> (organization_id, id) is a reference by x_id that stays inside
    // the organization: say that, rather than list the organization on every line.
    const sameOrganization =
      columns.length === 2 && columns[0] === "organization_id" && foreignColumns.join(",") === "organization_id,id";
    const referencing = sameOrganization ? ref.columns.slice(1) : ref.columns;
    let label = sameOrganization ? `${columns[1]}, same organization` : columns.join(", ");
    if (!sameOrganization && (foreignColumns.length !== 1 || foreignColumns[0] !== "id")) label += ` -> ${foreignColumns.join(", ")}`;
    if (fk.onDelete && fk.onDelete !== "no action") label += `, on delete ${fk.onDelete}`;
    relationships.push({
      parent: getTableConfig(ref.foreignTable).name,
      child: config.name,
      required: referencing.every((c) => c.notNull),
      label,
    });
  }

  // A single-column unique key is just `UK`; a composite or expression key also says which.
  const unique = new Set<string>();
  const uniqueComments = new Map<string, string[]>();
  const addUnique = (columns: string[], description: string | null) => {
    for (const name of columns) {
      unique.add(name);
      if (description) uniqueComments.set(name, [...(uniqueComments.get(name) ?? []), description]);
    }
  };
  for (const column of config.columns) if (column.isUnique) addUnique([sqlName(column)], null);
  for (const uq of config.uniqueConstraints) {
    const columns = names(uq.columns);
    addUnique(columns, columns.length > 1 ? `unique (${columns.join(", ")})` : null);
  }
  for (const index of config.indexes) {
    if (!index.config.unique) continue;
    const parts = index.config.columns as (SQL | IndexedColumn)[];
    const plain = parts.every((p) => is(p, IndexedColumn));
    const columns = [...new Set(parts.flatMap(columnsOf))];
    const rendered = parts.map((p) => (is(p, IndexedColumn) ? sqlName(p) : renderExpression(p))).join(", ");
    addUnique(columns, plain && columns.length === 1 ? null : `unique (${rendered})`);
  }

  const attributes = config.columns.map((column): Attribute => {
    const name = sqlName(column);
    const { word, exact } = typeWord(column.getSQLType());
    const keys: Attribute["keys"] = [];
    if (primary.has(name)) keys.push("PK");
    if (foreign.has(name)) keys.push("FK");
    if (unique.has(name)) keys.push("UK");
    const comments = [...(exact ? [exact] : []), ...(uniqueComments.get(name) ?? [])];
    const note = columnNotes[`${config.name}.${name}`];
    if (note) comments.push(note);
    return { type: word, name, keys, comments };
  });
  return { entity: { name: config.name, attributes }, relationships };
}

function viewEntity(view: Parameters<typeof getMaterializedViewConfig>[0]): Entity {
  const config = getMaterializedViewConfig(view);
  const attributes = Object.entries(config.selectedFields as Record<string, unknown>).flatMap(([key, field]) => {
    if (!is(field, Column)) return [];
    const column = field as PgColumn;
    const name = column.keyAsName || !column.name ? toSnakeCase(column.name || key) : column.name;
    const { word, exact } = typeWord(column.getSQLType());
    return [{ type: word, name, keys: [], comments: exact ? [exact] : [] } satisfies Attribute];
  });
  return { name: config.name, attributes };
}

/** Every table (and the materialized view) the schema barrel exports, with the foreign keys between them. */
function collect(): { entities: Entity[]; relationships: Relationship[] } {
  const entities = new Map<string, Entity>();
  const relationships: Relationship[] = [];
  for (const value of Object.values(schema)) {
    if (is(value, PgTable)) {
      const { entity, relationships: own } = tableEntity(value);
      if (entities.has(entity.name)) continue;
      entities.set(entity.name, entity);
      relationships.push(...own);
    } else if (isPgMaterializedView(value)) {
      const entity = viewEntity(value);
      if (!entities.has(entity.name)) entities.set(entity.name, entity);
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    entities: [...entities.values()].sort((a, b) => byName(a.name, b.name)),
    relationships: relationships.sort(
      (a, b) => byName(a.parent, b.parent) || byName(a.child, b.child) || byName(a.label, b.label),
    ),
  };
}

const quote = (text: string) => `"${text.replaceAll('"', "'")}"`;

/**
 * The Mermaid `erDiagram` of the schema: one entity per table (columns in schema order, SQL
 * names and types, PK/FK/UK markers) and one relationship line per foreign key, parent first
 * (`||` when the key is NOT NULL, `|o` when it may be null). Ends with a newline.
 */
export function renderErDiagram(): string {
  const { entities, relationships } = collect();
  const lines = [
    "erDiagram",
    "    %% Generated from src/schema by `pnpm --filter @cloudsync/db erd`; do not edit by hand.",
  ];
  for (const entity of entities) {
    const note = entityNotes[entity.name];
    if (note) lines.push(`    %% ${entity.name}: ${note}`);
    lines.push(`    ${entity.name} {`);
    for (const a of entity.attributes) {
      let line = `        ${a.type} ${a.name}`;
      if (a.keys.length > 0) line += ` ${a.keys.join(", ")}`;
      if (a.comments.length > 0) line += ` ${quote(a.comments.join("; "))}`;
      lines.push(line);
    }
    lines.push("    }");
  }
  for (const r of relationships) {
    lines.push(`    ${r.parent} ${r.required ? "||" : "|o"}--o{ ${r.child} : ${quote(r.label)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The Markdown that goes between the markers: the diagram in a mermaid fence. */
export function renderErdSection(diagram: string = renderErDiagram()): string {
  return `\n\`\`\`mermaid\n${diagram}\`\`\`\n`;
}

/** `readme` with the text between the markers replaced by the diagram; throws when a marker is missing. */
export function replaceErdSection(readme: string, diagram: string = renderErDiagram()): string {
  const start = readme.indexOf(ERD_START);
  const end = readme.indexOf(ERD_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md must contain ${ERD_START} followed by ${ERD_END}; add them where the diagram goes`);
  }
  return readme.slice(0, start + ERD_START.length) + renderErdSection(diagram) + readme.slice(end);
}

/** The diagram checked into `readme` (the inside of the mermaid fence between the markers), or null. */
export function extractErDiagram(readme: string): string | null {
  const start = readme.indexOf(ERD_START);
  const end = readme.indexOf(ERD_END);
  if (start < 0 || end < start) return null;
  const section = readme.slice(start + ERD_START.length, end);
  const match = /```mermaid\n([\s\S]*?)```/.exec(section);
  return match ? (match[1] ?? "") : null;
}
