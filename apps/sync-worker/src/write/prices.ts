import type { PriceQuote } from "@cloudsync/cloud";
import { type DbOrTx, queryRows } from "@cloudsync/db";
import { sql } from "drizzle-orm";

/**
 * Stores list prices in `cloud_prices`, one row per cloud, product, sku, region, term and
 * currency: a newer read of the same price replaces the old one, in chunks of one statement.
 */
export async function storePrices(db: DbOrTx, quotes: readonly PriceQuote[]): Promise<number> {
  // One row per key: a price list may name the same price twice (two rate codes); the last wins.
  const unique = new Map<string, PriceQuote>();
  for (const q of quotes) unique.set(`${q.cloud}|${q.product}|${q.sku}|${q.region}|${q.term}|${q.currency}`, q);
  const rows = [...unique.values()];
  let stored = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const [r] = await queryRows<{ n: number }>(
      db,
      sql`with input as (
            select * from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
              as x(cloud text, region text, product text, sku text, term text, currency text, "unitPrice" text, unit text, "sourceId" text)
          ), upserted as (
            insert into cloud_prices (cloud, region, product, sku, term, currency, unit_price, unit, source_id, fetched_at)
            select cloud, region, product, sku, term, currency, "unitPrice"::numeric, unit, "sourceId", now() from input
            on conflict (cloud, product, sku, region, term, currency)
            do update set unit_price = excluded.unit_price, unit = excluded.unit, source_id = excluded.source_id, fetched_at = excluded.fetched_at
            returning 1)
          select count(*)::int as n from upserted`,
    );
    stored += r?.n ?? 0;
  }
  return stored;
}

/** Every cached price of the given clouds, as the rules' price book takes them. */
export async function loadPrices(db: DbOrTx, clouds: readonly string[]): Promise<PriceQuote[]> {
  if (clouds.length === 0) return [];
  return queryRows<PriceQuote>(
    db,
    sql`select cloud, region, product, sku, term, unit_price::text as "unitPrice", unit, currency, source_id as "sourceId"
          from cloud_prices where cloud = any(${`{${clouds.join(",")}}`}::text[])`,
  );
}
