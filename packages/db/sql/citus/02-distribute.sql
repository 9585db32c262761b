-- Citus layout, step 2 of 2: which tables are replicated to every node and which are split by
-- organization. Needs the citus extension (CREATE EXTENSION citus on the coordinator, workers
-- added with citus_add_node) and 01-keys.sql applied. Reference tables come first, then the
-- distributed ones parents before children, all co-located with cloud_providers, so a tenant's
-- rows of every table sit on the same node and joins between them stay on it.
--
-- packages/db/test/citus-layout.test.ts reads this file: every table of the schema must appear
-- exactly once, in an order whose foreign keys point backwards, with Citus's key rules met.

-- Replicated to every node: small, read everywhere, globally unique columns (slug, e-mail).
SELECT create_reference_table('organizations');
SELECT create_reference_table('user_profiles');
SELECT create_reference_table('realtime_event_retention');
-- The clouds' list prices: the same for every tenant, read by all.
SELECT create_reference_table('cloud_prices');

-- Split by organization: the tenant tables.
SELECT create_distributed_table('cloud_providers', 'organization_id');
SELECT create_distributed_table('cloud_regions', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('cloud_services', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('infrastructure_templates', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('infrastructure_deployments', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('cloud_resources', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('resource_dependencies', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('resource_scaling_history', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('cloud_costs', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('cost_budgets', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('cost_optimization_recommendations', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('cost_optimization_results', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('resource_utilization', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('resource_health_counts', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('response_time_minutes', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('disaster_recovery_plans', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('backup_configurations', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('backup_executions', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('infrastructure_alerts', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('alert_deliveries', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('discovered_accounts', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('sync_runs', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('resource_changes', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('maintenance_runs', 'organization_id', colocate_with => 'cloud_providers');
SELECT create_distributed_table('realtime_events', 'organization_id', colocate_with => 'cloud_providers');
-- The samples: split by organization, and by month inside each shard (the partitions are the
-- time dimension; ensure_monitoring_partitions keeps creating them on the coordinator).
SELECT create_distributed_table('infrastructure_monitoring', 'organization_id', colocate_with => 'cloud_providers');
