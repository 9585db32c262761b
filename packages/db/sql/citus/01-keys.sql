-- Citus layout, step 1 of 2: keys every distributed table can keep.
--
-- Citus (https://docs.citusdata.com) distributes a table by one column and enforces a primary
-- key or unique constraint only when it includes that column. cloudsync distributes every tenant
-- table by organization_id (docs/scaling.md), so each key that does not name the organization gets
-- it as its first column. Every foreign key between tenant tables already carries organization_id
-- (migrations 0021 and 0025), which is what lets Citus check them shard by shard.
--
-- Plain PostgreSQL runs this file too (packages/db/test/citus-layout.test.ts applies it to a
-- migrated database and checks Citus's rules against the catalog). Run it after `cloudsync
-- migrate`, in one transaction, before 02-distribute.sql.

BEGIN;

-- Tables whose primary key is (id): the key becomes (organization_id, id). Where foreign keys
-- already reference a UNIQUE (organization_id, id), that constraint is the key's stand-in (the
-- foreign keys depend on it) and the table's replica identity, which Citus's shard moves use.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'cloud_providers', 'cloud_regions', 'cloud_services', 'cloud_resources', 'resource_dependencies',
    'resource_scaling_history', 'infrastructure_templates', 'infrastructure_deployments', 'cloud_costs',
    'cost_budgets', 'cost_optimization_recommendations', 'disaster_recovery_plans', 'backup_configurations',
    'backup_executions', 'infrastructure_alerts', 'sync_runs', 'resource_changes', 'maintenance_runs',
    'alert_deliveries', 'discovered_accounts'
  ] LOOP
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t, t || '_pkey');
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = t || '_organization_id_id_key' AND conrelid = t::regclass) THEN
      EXECUTE format('ALTER TABLE %I REPLICA IDENTITY USING INDEX %I', t, t || '_organization_id_id_key');
    ELSE
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (organization_id, id)', t, t || '_pkey');
    END IF;
  END LOOP;
END $$;

-- The samples: one key per (organization, sample, time); partitions follow their parent.
ALTER TABLE infrastructure_monitoring DROP CONSTRAINT infrastructure_monitoring_pkey;
ALTER TABLE infrastructure_monitoring ADD CONSTRAINT infrastructure_monitoring_pkey PRIMARY KEY (organization_id, id, monitoring_timestamp);

-- The change feed's outbox: a sequence number per event, now per organization and event.
ALTER TABLE realtime_events DROP CONSTRAINT realtime_events_pkey;
ALTER TABLE realtime_events ADD CONSTRAINT realtime_events_pkey PRIMARY KEY (organization_id, seq);

-- A dependency is unique per pair of resources of one organization.
ALTER TABLE resource_dependencies DROP CONSTRAINT resource_dependencies_parent_resource_id_dependent_resource_id_;
ALTER TABLE resource_dependencies ADD CONSTRAINT resource_dependencies_pair_key UNIQUE (organization_id, parent_resource_id, dependent_resource_id);

COMMIT;
