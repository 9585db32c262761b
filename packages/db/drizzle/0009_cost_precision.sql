-- cost_amount keeps the cloud's precision (see the schema). The materialized view and the
-- function returning its rows depend on the column's type, so they are recreated around it.
DROP FUNCTION get_monthly_cost_summary(uuid, date, date);
--> statement-breakpoint
DROP MATERIALIZED VIEW monthly_cost_summary;
--> statement-breakpoint
ALTER TABLE "cloud_costs" ALTER COLUMN "cost_amount" SET DATA TYPE numeric;
--> statement-breakpoint
CREATE MATERIALIZED VIEW monthly_cost_summary AS
SELECT organization_id,
       provider_id,
       date_trunc('month', cost_period_start::timestamp)::date AS month,
       cost_category,
       cost_currency,
       sum(cost_amount)::numeric(14, 2) AS total_cost,
       avg(cost_amount) AS avg_cost,
       count(*) AS cost_entries
  FROM cloud_costs
 GROUP BY organization_id, provider_id, date_trunc('month', cost_period_start::timestamp)::date, cost_category, cost_currency;
--> statement-breakpoint
CREATE UNIQUE INDEX monthly_cost_summary_key
  ON monthly_cost_summary (organization_id, provider_id, month, cost_category, cost_currency) NULLS NOT DISTINCT;
--> statement-breakpoint
COMMENT ON MATERIALIZED VIEW monthly_cost_summary IS 'Monthly cost totals per organization, provider, category and currency. Not under RLS (materialized views cannot be): tenants read it through get_monthly_cost_summary().';
--> statement-breakpoint
CREATE OR REPLACE FUNCTION get_monthly_cost_summary(org_id uuid, from_month date DEFAULT NULL, to_month date DEFAULT NULL)
RETURNS SETOF monthly_cost_summary
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF org_id IS NULL THEN
    RAISE EXCEPTION 'an organization id is required' USING ERRCODE = '22004';
  END IF;
  IF current_organization_id() IS DISTINCT FROM org_id THEN
    RAISE EXCEPTION 'organization % is not the organization of this transaction', org_id
      USING ERRCODE = '42501', HINT = 'Call it inside withOrganization() for that organization.';
  END IF;
  IF from_month IS NOT NULL AND to_month IS NOT NULL AND to_month < from_month THEN
    RAISE EXCEPTION 'to_month (%) is before from_month (%)', to_month, from_month USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
  SELECT s.* FROM monthly_cost_summary s
   WHERE s.organization_id = org_id
     AND (from_month IS NULL OR s.month >= date_trunc('month', from_month::timestamp)::date)
     AND (to_month IS NULL OR s.month <= date_trunc('month', to_month::timestamp)::date)
   ORDER BY s.month, s.provider_id, s.cost_category, s.cost_currency;
END;
$$;
--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_provider_resource_id_lower" ON "cloud_resources" USING btree ("provider_id",lower("resource_id"));
--> statement-breakpoint
SELECT grant_cloudsync_roles();
