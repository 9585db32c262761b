CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(200) NOT NULL,
	"slug" varchar(100) NOT NULL,
	"plan" varchar(30) DEFAULT 'free' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organizations_slug_unique" UNIQUE("slug"),
	CONSTRAINT "organizations_plan_check" CHECK ("organizations"."plan" IN ('free', 'team', 'business', 'enterprise')),
	CONSTRAINT "organizations_slug_check" CHECK ("organizations"."slug" ~ '^[a-z0-9][a-z0-9-]*$')
);
--> statement-breakpoint
ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "user_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"email" varchar(320) NOT NULL,
	"display_name" varchar(200),
	"role" varchar(20) DEFAULT 'member' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_profiles_role_check" CHECK ("user_profiles"."role" IN ('owner', 'admin', 'member', 'viewer'))
);
--> statement-breakpoint
ALTER TABLE "user_profiles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cloud_providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"provider_name" varchar(50) NOT NULL,
	"provider_type" varchar(30) NOT NULL,
	"display_name" varchar(200) NOT NULL,
	"description" text,
	"regions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"credentials_config" jsonb NOT NULL,
	"capabilities" jsonb DEFAULT '{"compute":true,"storage":true,"database":true,"networking":true,"monitoring":true,"cdn":false,"serverless":false,"kubernetes":false}'::jsonb NOT NULL,
	"quota_limits" jsonb DEFAULT '{}'::jsonb,
	"cost_budget" numeric(12, 2),
	"billing_account_id" varchar(255),
	"is_active" boolean DEFAULT true,
	"health_status" varchar(20) DEFAULT 'unknown',
	"last_health_check" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "cloud_providers_organization_id_provider_name_key" UNIQUE("organization_id","provider_name"),
	CONSTRAINT "cloud_providers_provider_name_check" CHECK ("cloud_providers"."provider_name" IN ('aws', 'azure', 'gcp', 'digitalocean', 'linode', 'vultr')),
	CONSTRAINT "cloud_providers_provider_type_check" CHECK ("cloud_providers"."provider_type" IN ('primary', 'secondary', 'backup', 'edge', 'development')),
	CONSTRAINT "cloud_providers_health_status_check" CHECK ("cloud_providers"."health_status" IN ('healthy', 'degraded', 'critical', 'unknown')),
	CONSTRAINT "cloud_providers_cost_budget_check" CHECK ("cloud_providers"."cost_budget" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cloud_providers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cloud_regions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" uuid NOT NULL,
	"region_code" varchar(50) NOT NULL,
	"region_name" varchar(200) NOT NULL,
	"geographic_location" jsonb DEFAULT '{"continent":"","country":"","city":"","coordinates":{"lat":0,"lng":0}}'::jsonb NOT NULL,
	"availability_zones" jsonb DEFAULT '[]'::jsonb,
	"services_available" jsonb DEFAULT '[]'::jsonb,
	"pricing_tier" varchar(50) DEFAULT 'standard',
	"compliance_certifications" jsonb DEFAULT '[]'::jsonb,
	"network_latency" jsonb DEFAULT '{}'::jsonb,
	"is_active" boolean DEFAULT true,
	"capacity_status" varchar(20) DEFAULT 'available',
	"created_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "cloud_regions_provider_id_region_code_key" UNIQUE("provider_id","region_code"),
	CONSTRAINT "cloud_regions_capacity_status_check" CHECK ("cloud_regions"."capacity_status" IN ('available', 'limited', 'unavailable'))
);
--> statement-breakpoint
ALTER TABLE "cloud_regions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cloud_services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" uuid NOT NULL,
	"service_name" varchar(100) NOT NULL,
	"service_type" varchar(50) NOT NULL,
	"service_category" varchar(100),
	"pricing_model" varchar(30) DEFAULT 'pay_per_use',
	"base_cost" numeric(10, 4),
	"cost_unit" varchar(20),
	"supported_regions" jsonb DEFAULT '[]'::jsonb,
	"configuration_options" jsonb DEFAULT '{}'::jsonb,
	"is_available" boolean DEFAULT true,
	"created_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "cloud_services_provider_id_service_name_key" UNIQUE("provider_id","service_name"),
	CONSTRAINT "cloud_services_service_type_check" CHECK ("cloud_services"."service_type" IN ('compute', 'storage', 'database', 'network', 'analytics', 'ai_ml')),
	CONSTRAINT "cloud_services_pricing_model_check" CHECK ("cloud_services"."pricing_model" IN ('pay_per_use', 'reserved', 'spot', 'subscription')),
	CONSTRAINT "cloud_services_base_cost_check" CHECK ("cloud_services"."base_cost" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cloud_services" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cloud_resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"region_id" uuid NOT NULL,
	"resource_id" varchar(200) NOT NULL,
	"resource_name" varchar(200) NOT NULL,
	"resource_type" varchar(50) NOT NULL,
	"resource_subtype" varchar(100),
	"size_category" varchar(20) DEFAULT 'small',
	"configuration" jsonb NOT NULL,
	"resource_status" varchar(20) DEFAULT 'provisioning',
	"health_status" varchar(20) DEFAULT 'unknown',
	"cost_tracking" jsonb DEFAULT '{"hourly_cost":0,"daily_cost":0,"monthly_cost":0,"total_cost":0,"currency":"USD","last_updated":null}'::jsonb,
	"performance_metrics" jsonb DEFAULT '{}'::jsonb,
	"tags" jsonb DEFAULT '{}'::jsonb,
	"deployment_id" uuid,
	"environment" varchar(50) DEFAULT 'development',
	"is_wedding_critical" boolean DEFAULT false,
	"auto_scaling_enabled" boolean DEFAULT false,
	"backup_enabled" boolean DEFAULT false,
	"monitoring_enabled" boolean DEFAULT true,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"last_updated" timestamp with time zone DEFAULT now(),
	"terminated_at" timestamp with time zone,
	CONSTRAINT "cloud_resources_provider_id_resource_id_key" UNIQUE("provider_id","resource_id"),
	CONSTRAINT "cloud_resources_resource_type_check" CHECK ("cloud_resources"."resource_type" IN ('compute', 'storage', 'database', 'network', 'load_balancer', 'cdn', 'analytics')),
	CONSTRAINT "cloud_resources_size_category_check" CHECK ("cloud_resources"."size_category" IN ('nano', 'micro', 'small', 'medium', 'large', 'xlarge', 'custom')),
	CONSTRAINT "cloud_resources_resource_status_check" CHECK ("cloud_resources"."resource_status" IN ('provisioning', 'running', 'stopped', 'stopping', 'starting', 'error', 'terminated')),
	CONSTRAINT "cloud_resources_health_status_check" CHECK ("cloud_resources"."health_status" IN ('healthy', 'warning', 'critical', 'unknown')),
	CONSTRAINT "cloud_resources_environment_check" CHECK ("cloud_resources"."environment" IN ('development', 'testing', 'staging', 'production'))
);
--> statement-breakpoint
ALTER TABLE "cloud_resources" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "resource_dependencies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"parent_resource_id" uuid NOT NULL,
	"dependent_resource_id" uuid NOT NULL,
	"dependency_type" varchar(30) NOT NULL,
	"dependency_strength" varchar(20) DEFAULT 'soft',
	"created_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "resource_dependencies_parent_resource_id_dependent_resource_id_key" UNIQUE("parent_resource_id","dependent_resource_id"),
	CONSTRAINT "resource_dependencies_dependency_type_check" CHECK ("resource_dependencies"."dependency_type" IN ('network', 'storage', 'database', 'load_balancer', 'security')),
	CONSTRAINT "resource_dependencies_dependency_strength_check" CHECK ("resource_dependencies"."dependency_strength" IN ('soft', 'hard', 'critical')),
	CONSTRAINT "resource_dependencies_not_self_check" CHECK ("resource_dependencies"."parent_resource_id" <> "resource_dependencies"."dependent_resource_id")
);
--> statement-breakpoint
ALTER TABLE "resource_dependencies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "resource_scaling_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"resource_id" uuid NOT NULL,
	"scaling_action" varchar(20) NOT NULL,
	"previous_configuration" jsonb NOT NULL,
	"new_configuration" jsonb NOT NULL,
	"scaling_trigger" varchar(50) NOT NULL,
	"scaling_reason" text,
	"cost_impact" numeric(10, 2),
	"performance_impact" jsonb DEFAULT '{}'::jsonb,
	"scaling_duration_seconds" integer,
	"triggered_by" uuid,
	"triggered_at" timestamp with time zone DEFAULT now(),
	"completed_at" timestamp with time zone,
	"success" boolean DEFAULT true,
	"error_message" text,
	CONSTRAINT "resource_scaling_history_scaling_action_check" CHECK ("resource_scaling_history"."scaling_action" IN ('scale_up', 'scale_down', 'scale_out', 'scale_in')),
	CONSTRAINT "resource_scaling_history_scaling_trigger_check" CHECK ("resource_scaling_history"."scaling_trigger" IN ('manual', 'auto_cpu', 'auto_memory', 'auto_requests', 'scheduled')),
	CONSTRAINT "resource_scaling_history_duration_check" CHECK ("resource_scaling_history"."scaling_duration_seconds" >= 0)
);
--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "infrastructure_deployments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"deployment_name" varchar(200) NOT NULL,
	"deployment_type" varchar(30) NOT NULL,
	"template_id" uuid NOT NULL,
	"target_providers" jsonb NOT NULL,
	"deployment_parameters" jsonb DEFAULT '{}'::jsonb,
	"deployment_status" varchar(20) DEFAULT 'pending',
	"deployment_progress" jsonb DEFAULT '{"current_stage":"","total_stages":0,"completed_stages":0,"estimated_completion":null,"stage_details":[]}'::jsonb,
	"resource_inventory" jsonb DEFAULT '[]'::jsonb,
	"deployment_logs" jsonb DEFAULT '[]'::jsonb,
	"rollback_config" jsonb DEFAULT '{"enabled":true,"snapshot_before":true,"max_rollback_time":"1h","retain_data":true}'::jsonb,
	"cost_estimate" jsonb DEFAULT '{}'::jsonb,
	"actual_costs" jsonb DEFAULT '{}'::jsonb,
	"performance_targets" jsonb DEFAULT '{}'::jsonb,
	"compliance_requirements" jsonb DEFAULT '[]'::jsonb,
	"wedding_day_ready" boolean DEFAULT false,
	"deployed_at" timestamp with time zone,
	"deployment_duration_seconds" integer,
	"health_check_passed" boolean,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "infrastructure_deployments_deployment_type_check" CHECK ("infrastructure_deployments"."deployment_type" IN ('development', 'testing', 'staging', 'production', 'disaster_recovery')),
	CONSTRAINT "infrastructure_deployments_deployment_status_check" CHECK ("infrastructure_deployments"."deployment_status" IN ('pending', 'validating', 'provisioning', 'deployed', 'updating', 'destroying', 'failed', 'rolled_back')),
	CONSTRAINT "infrastructure_deployments_duration_check" CHECK ("infrastructure_deployments"."deployment_duration_seconds" >= 0)
);
--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "infrastructure_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"template_name" varchar(200) NOT NULL,
	"template_version" varchar(20) DEFAULT '1.0.0',
	"template_type" varchar(50) NOT NULL,
	"description" text,
	"infrastructure_code" text NOT NULL,
	"template_format" varchar(30) DEFAULT 'terraform',
	"parameters" jsonb DEFAULT '{}'::jsonb,
	"resource_requirements" jsonb DEFAULT '{"min_cpu":1,"min_memory_gb":2,"min_storage_gb":20,"network_requirements":[]}'::jsonb,
	"estimated_cost" jsonb DEFAULT '{"hourly":0,"daily":0,"monthly":0,"currency":"USD"}'::jsonb,
	"supported_providers" jsonb DEFAULT '[]'::jsonb,
	"supported_regions" jsonb DEFAULT '[]'::jsonb,
	"compliance_tags" jsonb DEFAULT '[]'::jsonb,
	"is_wedding_ready" boolean DEFAULT false,
	"version_number" integer DEFAULT 1,
	"is_active" boolean DEFAULT true,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "infrastructure_templates_organization_id_template_name_template_version_key" UNIQUE("organization_id","template_name","template_version"),
	CONSTRAINT "infrastructure_templates_template_type_check" CHECK ("infrastructure_templates"."template_type" IN ('application', 'database', 'network', 'monitoring', 'security', 'complete_stack')),
	CONSTRAINT "infrastructure_templates_template_format_check" CHECK ("infrastructure_templates"."template_format" IN ('terraform', 'cloudformation', 'arm', 'gcp_deployment', 'kubernetes')),
	CONSTRAINT "infrastructure_templates_version_number_check" CHECK ("infrastructure_templates"."version_number" >= 1)
);
--> statement-breakpoint
ALTER TABLE "infrastructure_templates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cloud_costs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"provider_id" uuid,
	"resource_id" uuid,
	"cost_period_start" date NOT NULL,
	"cost_period_end" date NOT NULL,
	"cost_amount" numeric(12, 2) NOT NULL,
	"cost_currency" varchar(3) DEFAULT 'USD',
	"cost_category" varchar(50) NOT NULL,
	"billing_details" jsonb DEFAULT '{}'::jsonb,
	"usage_metrics" jsonb DEFAULT '{}'::jsonb,
	"cost_allocation_tags" jsonb DEFAULT '{}'::jsonb,
	"created_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "cloud_costs_cost_category_check" CHECK ("cloud_costs"."cost_category" IN ('compute', 'storage', 'network', 'database', 'monitoring', 'support', 'tax')),
	CONSTRAINT "cloud_costs_period_check" CHECK ("cloud_costs"."cost_period_end" >= "cloud_costs"."cost_period_start"),
	CONSTRAINT "cloud_costs_cost_currency_check" CHECK ("cloud_costs"."cost_currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "cloud_costs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cost_budgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"budget_name" varchar(200) NOT NULL,
	"budget_scope" varchar(30) NOT NULL,
	"scope_filters" jsonb DEFAULT '{}'::jsonb,
	"budget_amount" numeric(12, 2) NOT NULL,
	"budget_currency" varchar(3) DEFAULT 'USD',
	"budget_period" varchar(20) NOT NULL,
	"alert_thresholds" jsonb DEFAULT '[50,75,90,100]'::jsonb,
	"notification_channels" jsonb DEFAULT '["email"]'::jsonb,
	"current_spend" numeric(12, 2) DEFAULT '0',
	"forecasted_spend" numeric(12, 2),
	"is_active" boolean DEFAULT true,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "cost_budgets_budget_scope_check" CHECK ("cost_budgets"."budget_scope" IN ('organization', 'provider', 'environment', 'project', 'resource_type')),
	CONSTRAINT "cost_budgets_budget_period_check" CHECK ("cost_budgets"."budget_period" IN ('daily', 'weekly', 'monthly', 'quarterly', 'annually')),
	CONSTRAINT "cost_budgets_budget_amount_check" CHECK ("cost_budgets"."budget_amount" >= 0),
	CONSTRAINT "cost_budgets_budget_currency_check" CHECK ("cost_budgets"."budget_currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "cost_budgets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cost_optimization_recommendations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"recommendation_type" varchar(50) NOT NULL,
	"target_resources" jsonb NOT NULL,
	"optimization_rules" jsonb NOT NULL,
	"estimated_savings" jsonb DEFAULT '{"monthly_savings":0,"annual_savings":0,"percentage_savings":0,"currency":"USD"}'::jsonb,
	"implementation_complexity" varchar(20) DEFAULT 'medium',
	"implementation_risk" varchar(20) DEFAULT 'low',
	"business_impact" varchar(20) DEFAULT 'low',
	"recommendation_status" varchar(20) DEFAULT 'identified',
	"recommendation_details" text,
	"implementation_steps" jsonb DEFAULT '[]'::jsonb,
	"automated_execution" boolean DEFAULT false,
	"scheduled_execution" timestamp with time zone,
	"executed_at" timestamp with time zone,
	"actual_savings" jsonb DEFAULT '{}'::jsonb,
	"expires_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "cost_optimization_recommendations_recommendation_type_check" CHECK ("cost_optimization_recommendations"."recommendation_type" IN ('unused_resources', 'rightsizing', 'reserved_instances', 'spot_instances', 'storage_optimization', 'region_optimization')),
	CONSTRAINT "cost_optimization_recommendations_implementation_complexity_check" CHECK ("cost_optimization_recommendations"."implementation_complexity" IN ('low', 'medium', 'high')),
	CONSTRAINT "cost_optimization_recommendations_implementation_risk_check" CHECK ("cost_optimization_recommendations"."implementation_risk" IN ('low', 'medium', 'high')),
	CONSTRAINT "cost_optimization_recommendations_business_impact_check" CHECK ("cost_optimization_recommendations"."business_impact" IN ('low', 'medium', 'high')),
	CONSTRAINT "cost_optimization_recommendations_recommendation_status_check" CHECK ("cost_optimization_recommendations"."recommendation_status" IN ('identified', 'approved', 'implementing', 'completed', 'rejected', 'expired'))
);
--> statement-breakpoint
ALTER TABLE "cost_optimization_recommendations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "backup_configurations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dr_plan_id" uuid,
	"resource_id" uuid NOT NULL,
	"backup_type" varchar(30) NOT NULL,
	"backup_frequency" varchar(20) NOT NULL,
	"backup_schedule" jsonb,
	"retention_policy" jsonb DEFAULT '{"daily_retention_days":7,"weekly_retention_weeks":4,"monthly_retention_months":12,"yearly_retention_years":7}'::jsonb NOT NULL,
	"backup_destination" jsonb NOT NULL,
	"encryption_enabled" boolean DEFAULT true,
	"compression_enabled" boolean DEFAULT true,
	"backup_status" varchar(20) DEFAULT 'active',
	"last_backup_at" timestamp with time zone,
	"next_backup_at" timestamp with time zone,
	"backup_size_gb" numeric(12, 3),
	"success_rate" numeric(5, 2) DEFAULT '100.00',
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "backup_configurations_backup_type_check" CHECK ("backup_configurations"."backup_type" IN ('full', 'incremental', 'differential', 'snapshot', 'continuous')),
	CONSTRAINT "backup_configurations_backup_frequency_check" CHECK ("backup_configurations"."backup_frequency" IN ('continuous', 'hourly', 'daily', 'weekly', 'monthly')),
	CONSTRAINT "backup_configurations_backup_status_check" CHECK ("backup_configurations"."backup_status" IN ('active', 'paused', 'failed', 'disabled')),
	CONSTRAINT "backup_configurations_backup_size_gb_check" CHECK ("backup_configurations"."backup_size_gb" >= 0),
	CONSTRAINT "backup_configurations_success_rate_check" CHECK ("backup_configurations"."success_rate" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "backup_configurations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "backup_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"backup_config_id" uuid NOT NULL,
	"execution_status" varchar(20) DEFAULT 'in_progress',
	"started_at" timestamp with time zone DEFAULT now(),
	"completed_at" timestamp with time zone,
	"duration_seconds" integer,
	"backup_size_gb" numeric(12, 3),
	"data_transferred_gb" numeric(12, 3),
	"backup_location" text,
	"error_message" text,
	"performance_metrics" jsonb DEFAULT '{}'::jsonb,
	CONSTRAINT "backup_executions_execution_status_check" CHECK ("backup_executions"."execution_status" IN ('in_progress', 'completed', 'failed', 'cancelled')),
	CONSTRAINT "backup_executions_duration_check" CHECK ("backup_executions"."duration_seconds" >= 0),
	CONSTRAINT "backup_executions_sizes_check" CHECK ("backup_executions"."backup_size_gb" >= 0 and "backup_executions"."data_transferred_gb" >= 0)
);
--> statement-breakpoint
ALTER TABLE "backup_executions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "disaster_recovery_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"plan_name" varchar(200) NOT NULL,
	"plan_type" varchar(30) NOT NULL,
	"primary_region_id" uuid NOT NULL,
	"disaster_recovery_regions" jsonb NOT NULL,
	"recovery_objectives" jsonb DEFAULT '{"rto_minutes":240,"rpo_minutes":60,"availability_target":99.99,"data_retention_days":30}'::jsonb NOT NULL,
	"backup_strategy" jsonb DEFAULT '{"frequency":"daily","retention_days":30,"cross_region":true,"encryption":true,"compression":true}'::jsonb,
	"failover_procedures" jsonb NOT NULL,
	"testing_schedule" jsonb DEFAULT '{"frequency":"quarterly","last_test":null,"next_test":null,"test_type":"partial"}'::jsonb,
	"automated_failover" boolean DEFAULT false,
	"cost_overhead" numeric(10, 2),
	"compliance_requirements" jsonb DEFAULT '[]'::jsonb,
	"wedding_day_priority" boolean DEFAULT false,
	"plan_status" varchar(20) DEFAULT 'active',
	"last_tested_at" timestamp with time zone,
	"last_failover_at" timestamp with time zone,
	"test_success_rate" numeric(5, 2) DEFAULT '100.00',
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now(),
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "disaster_recovery_plans_plan_type_check" CHECK ("disaster_recovery_plans"."plan_type" IN ('backup_restore', 'active_passive', 'active_active', 'pilot_light', 'warm_standby')),
	CONSTRAINT "disaster_recovery_plans_plan_status_check" CHECK ("disaster_recovery_plans"."plan_status" IN ('active', 'inactive', 'testing', 'failed_over', 'maintenance')),
	CONSTRAINT "disaster_recovery_plans_cost_overhead_check" CHECK ("disaster_recovery_plans"."cost_overhead" >= 0),
	CONSTRAINT "disaster_recovery_plans_test_success_rate_check" CHECK ("disaster_recovery_plans"."test_success_rate" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "infrastructure_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"alert_name" varchar(200) NOT NULL,
	"alert_type" varchar(30) NOT NULL,
	"severity_level" varchar(20) DEFAULT 'warning',
	"resource_id" uuid,
	"provider_id" uuid,
	"alert_conditions" jsonb NOT NULL,
	"current_values" jsonb DEFAULT '{}'::jsonb,
	"notification_channels" jsonb DEFAULT '["email"]'::jsonb,
	"recipient_list" jsonb NOT NULL,
	"escalation_rules" jsonb DEFAULT '{}'::jsonb,
	"auto_remediation" jsonb DEFAULT '{"enabled":false,"actions":[],"conditions":{}}'::jsonb,
	"wedding_day_escalation" boolean DEFAULT false,
	"triggered_at" timestamp with time zone DEFAULT now(),
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolution_notes" text,
	"alert_status" varchar(20) DEFAULT 'active',
	CONSTRAINT "infrastructure_alerts_alert_type_check" CHECK ("infrastructure_alerts"."alert_type" IN ('resource_health', 'cost_threshold', 'performance_degradation', 'security_incident', 'capacity_planning', 'wedding_day_critical')),
	CONSTRAINT "infrastructure_alerts_severity_level_check" CHECK ("infrastructure_alerts"."severity_level" IN ('info', 'warning', 'critical', 'emergency')),
	CONSTRAINT "infrastructure_alerts_alert_status_check" CHECK ("infrastructure_alerts"."alert_status" IN ('active', 'acknowledged', 'resolved', 'suppressed', 'expired'))
);
--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "infrastructure_monitoring" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"monitoring_timestamp" timestamp with time zone DEFAULT now() NOT NULL,
	"monitoring_type" varchar(30) NOT NULL,
	"metrics" jsonb DEFAULT '{"cpu_utilization":0,"memory_utilization":0,"disk_utilization":0,"network_in_mbps":0,"network_out_mbps":0,"response_time_ms":0,"error_rate":0,"requests_per_second":0}'::jsonb NOT NULL,
	"thresholds" jsonb DEFAULT '{"warning":{},"critical":{}}'::jsonb,
	"alerts_triggered" jsonb DEFAULT '[]'::jsonb,
	"anomalies_detected" jsonb DEFAULT '[]'::jsonb,
	"health_score" integer,
	"compliance_status" jsonb DEFAULT '{}'::jsonb,
	CONSTRAINT "infrastructure_monitoring_pkey" PRIMARY KEY("id","monitoring_timestamp"),
	CONSTRAINT "infrastructure_monitoring_monitoring_type_check" CHECK ("infrastructure_monitoring"."monitoring_type" IN ('performance', 'availability', 'cost', 'security', 'compliance', 'capacity')),
	CONSTRAINT "infrastructure_monitoring_health_score_check" CHECK ("infrastructure_monitoring"."health_score" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "infrastructure_monitoring" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"kind" varchar(20) NOT NULL,
	"status" varchar(20) DEFAULT 'running' NOT NULL,
	"trigger" varchar(20) DEFAULT 'manual' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"inserted_count" integer DEFAULT 0 NOT NULL,
	"updated_count" integer DEFAULT 0 NOT NULL,
	"unchanged_count" integer DEFAULT 0 NOT NULL,
	"terminated_count" integer DEFAULT 0 NOT NULL,
	"skipped_count" integer DEFAULT 0 NOT NULL,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"job_id" varchar(200),
	CONSTRAINT "sync_runs_kind_check" CHECK ("sync_runs"."kind" IN ('resources', 'costs', 'metrics', 'maintenance')),
	CONSTRAINT "sync_runs_status_check" CHECK ("sync_runs"."status" IN ('running', 'succeeded', 'partial', 'failed', 'cancelled')),
	CONSTRAINT "sync_runs_trigger_check" CHECK ("sync_runs"."trigger" IN ('schedule', 'manual', 'cli', 'demo')),
	CONSTRAINT "sync_runs_counts_check" CHECK ("sync_runs"."inserted_count" >= 0 and "sync_runs"."updated_count" >= 0 and "sync_runs"."unchanged_count" >= 0 and "sync_runs"."terminated_count" >= 0 and "sync_runs"."skipped_count" >= 0),
	CONSTRAINT "sync_runs_finished_check" CHECK ("sync_runs"."finished_at" is null or "sync_runs"."finished_at" >= "sync_runs"."started_at")
);
--> statement-breakpoint
ALTER TABLE "sync_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD CONSTRAINT "user_profiles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_providers" ADD CONSTRAINT "cloud_providers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_providers" ADD CONSTRAINT "cloud_providers_created_by_user_profiles_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_regions" ADD CONSTRAINT "cloud_regions_provider_id_cloud_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."cloud_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_services" ADD CONSTRAINT "cloud_services_provider_id_cloud_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."cloud_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_provider_id_cloud_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."cloud_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_region_id_cloud_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."cloud_regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_deployment_id_infrastructure_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."infrastructure_deployments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_resources" ADD CONSTRAINT "cloud_resources_created_by_user_profiles_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_dependencies" ADD CONSTRAINT "resource_dependencies_parent_resource_id_cloud_resources_id_fk" FOREIGN KEY ("parent_resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_dependencies" ADD CONSTRAINT "resource_dependencies_dependent_resource_id_cloud_resources_id_fk" FOREIGN KEY ("dependent_resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ADD CONSTRAINT "resource_scaling_history_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_scaling_history" ADD CONSTRAINT "resource_scaling_history_triggered_by_user_profiles_id_fk" FOREIGN KEY ("triggered_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_template_id_infrastructure_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."infrastructure_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_deployments" ADD CONSTRAINT "infrastructure_deployments_created_by_user_profiles_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_templates" ADD CONSTRAINT "infrastructure_templates_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_templates" ADD CONSTRAINT "infrastructure_templates_created_by_user_profiles_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_costs" ADD CONSTRAINT "cloud_costs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_costs" ADD CONSTRAINT "cloud_costs_provider_id_cloud_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."cloud_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cloud_costs" ADD CONSTRAINT "cloud_costs_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_budgets" ADD CONSTRAINT "cost_budgets_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_budgets" ADD CONSTRAINT "cost_budgets_created_by_user_profiles_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_optimization_recommendations" ADD CONSTRAINT "cost_optimization_recommendations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_optimization_recommendations" ADD CONSTRAINT "cost_optimization_recommendations_created_by_user_profiles_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_configurations" ADD CONSTRAINT "backup_configurations_dr_plan_id_disaster_recovery_plans_id_fk" FOREIGN KEY ("dr_plan_id") REFERENCES "public"."disaster_recovery_plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_configurations" ADD CONSTRAINT "backup_configurations_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backup_executions" ADD CONSTRAINT "backup_executions_backup_config_id_backup_configurations_id_fk" FOREIGN KEY ("backup_config_id") REFERENCES "public"."backup_configurations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" ADD CONSTRAINT "disaster_recovery_plans_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" ADD CONSTRAINT "disaster_recovery_plans_primary_region_id_cloud_regions_id_fk" FOREIGN KEY ("primary_region_id") REFERENCES "public"."cloud_regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disaster_recovery_plans" ADD CONSTRAINT "disaster_recovery_plans_created_by_user_profiles_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_provider_id_cloud_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."cloud_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_acknowledged_by_user_profiles_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_alerts" ADD CONSTRAINT "infrastructure_alerts_resolved_by_user_profiles_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."user_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_monitoring" ADD CONSTRAINT "infrastructure_monitoring_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_monitoring" ADD CONSTRAINT "infrastructure_monitoring_resource_id_cloud_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."cloud_resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_provider_id_cloud_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."cloud_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "user_profiles_email_key" ON "user_profiles" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "user_profiles_organization_idx" ON "user_profiles" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_provider_region" ON "cloud_resources" USING btree ("provider_id","region_id");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_status" ON "cloud_resources" USING btree ("resource_status");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_type" ON "cloud_resources" USING btree ("resource_type");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_org_env" ON "cloud_resources" USING btree ("organization_id","environment");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_wedding_critical" ON "cloud_resources" USING btree ("is_wedding_critical","resource_status");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_region" ON "cloud_resources" USING btree ("region_id");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_deployment" ON "cloud_resources" USING btree ("deployment_id") WHERE "cloud_resources"."deployment_id" is not null;--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_org_status_health" ON "cloud_resources" USING btree ("organization_id","resource_status","health_status");--> statement-breakpoint
CREATE INDEX "idx_cloud_resources_cost_tracking" ON "cloud_resources" USING gin ("cost_tracking");--> statement-breakpoint
CREATE INDEX "idx_resource_dependencies_dependent" ON "resource_dependencies" USING btree ("dependent_resource_id");--> statement-breakpoint
CREATE INDEX "idx_scaling_history_resource_time" ON "resource_scaling_history" USING btree ("resource_id","triggered_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_deployments_org_status" ON "infrastructure_deployments" USING btree ("organization_id","deployment_status");--> statement-breakpoint
CREATE INDEX "idx_deployments_wedding_ready" ON "infrastructure_deployments" USING btree ("wedding_day_ready","deployment_status");--> statement-breakpoint
CREATE INDEX "idx_deployments_template" ON "infrastructure_deployments" USING btree ("template_id");--> statement-breakpoint
CREATE INDEX "idx_cloud_costs_org_period" ON "cloud_costs" USING btree ("organization_id","cost_period_start","cost_period_end");--> statement-breakpoint
CREATE INDEX "idx_cloud_costs_provider_period" ON "cloud_costs" USING btree ("provider_id","cost_period_start","cost_period_end");--> statement-breakpoint
CREATE INDEX "idx_cloud_costs_resource" ON "cloud_costs" USING btree ("resource_id","cost_period_start");--> statement-breakpoint
CREATE INDEX "idx_cloud_costs_monthly_summary" ON "cloud_costs" USING btree ("organization_id",(extract(year from "cost_period_start")),(extract(month from "cost_period_start")));--> statement-breakpoint
CREATE INDEX "idx_cost_budgets_org" ON "cost_budgets" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "idx_cost_opt_org_status" ON "cost_optimization_recommendations" USING btree ("organization_id","recommendation_status");--> statement-breakpoint
CREATE INDEX "idx_cost_opt_type" ON "cost_optimization_recommendations" USING btree ("recommendation_type","recommendation_status");--> statement-breakpoint
CREATE INDEX "idx_backup_config_resource" ON "backup_configurations" USING btree ("resource_id","backup_status");--> statement-breakpoint
CREATE INDEX "idx_backup_config_schedule" ON "backup_configurations" USING btree ("next_backup_at","backup_status");--> statement-breakpoint
CREATE INDEX "idx_backup_config_dr_plan" ON "backup_configurations" USING btree ("dr_plan_id");--> statement-breakpoint
CREATE INDEX "idx_backup_executions_config_time" ON "backup_executions" USING btree ("backup_config_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_dr_plans_org_status" ON "disaster_recovery_plans" USING btree ("organization_id","plan_status");--> statement-breakpoint
CREATE INDEX "idx_dr_plans_primary_region" ON "disaster_recovery_plans" USING btree ("primary_region_id");--> statement-breakpoint
CREATE INDEX "idx_infra_alerts_org_status" ON "infrastructure_alerts" USING btree ("organization_id","alert_status");--> statement-breakpoint
CREATE INDEX "idx_infra_alerts_severity" ON "infrastructure_alerts" USING btree ("severity_level","alert_status");--> statement-breakpoint
CREATE INDEX "idx_infra_alerts_resource" ON "infrastructure_alerts" USING btree ("resource_id","alert_status");--> statement-breakpoint
CREATE INDEX "idx_infra_alerts_wedding" ON "infrastructure_alerts" USING btree ("wedding_day_escalation","alert_status");--> statement-breakpoint
CREATE INDEX "idx_infra_alerts_provider" ON "infrastructure_alerts" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "idx_infra_monitoring_resource_time" ON "infrastructure_monitoring" USING btree ("resource_id","monitoring_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_infra_monitoring_type" ON "infrastructure_monitoring" USING btree ("monitoring_type","monitoring_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_infra_monitoring_health" ON "infrastructure_monitoring" USING btree ("health_score","monitoring_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_infra_monitoring_org_time" ON "infrastructure_monitoring" USING btree ("organization_id","monitoring_timestamp" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_sync_runs_provider_kind_started" ON "sync_runs" USING btree ("provider_id","kind","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_sync_runs_org_started" ON "sync_runs" USING btree ("organization_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "organizations_tenant_isolation" ON "organizations" AS PERMISSIVE FOR ALL TO public USING ("organizations"."id" = (select current_organization_id())) WITH CHECK ("organizations"."id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "user_profiles_tenant_isolation" ON "user_profiles" AS PERMISSIVE FOR ALL TO public USING ("user_profiles"."organization_id" = (select current_organization_id())) WITH CHECK ("user_profiles"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "cloud_providers_tenant_isolation" ON "cloud_providers" AS PERMISSIVE FOR ALL TO public USING ("cloud_providers"."organization_id" = (select current_organization_id())) WITH CHECK ("cloud_providers"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "cloud_regions_tenant_isolation" ON "cloud_regions" AS PERMISSIVE FOR ALL TO public USING (exists (select 1 from cloud_providers p where p.id = "cloud_regions"."provider_id" and p.organization_id = (select current_organization_id()))) WITH CHECK (exists (select 1 from cloud_providers p where p.id = "cloud_regions"."provider_id" and p.organization_id = (select current_organization_id())));--> statement-breakpoint
CREATE POLICY "cloud_services_tenant_isolation" ON "cloud_services" AS PERMISSIVE FOR ALL TO public USING (exists (select 1 from cloud_providers p where p.id = "cloud_services"."provider_id" and p.organization_id = (select current_organization_id()))) WITH CHECK (exists (select 1 from cloud_providers p where p.id = "cloud_services"."provider_id" and p.organization_id = (select current_organization_id())));--> statement-breakpoint
CREATE POLICY "cloud_resources_tenant_isolation" ON "cloud_resources" AS PERMISSIVE FOR ALL TO public USING ("cloud_resources"."organization_id" = (select current_organization_id())) WITH CHECK ("cloud_resources"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "resource_dependencies_tenant_isolation" ON "resource_dependencies" AS PERMISSIVE FOR ALL TO public USING (exists (select 1 from cloud_resources r where r.id = "resource_dependencies"."parent_resource_id" and r.organization_id = (select current_organization_id())) and exists (select 1 from cloud_resources r where r.id = "resource_dependencies"."dependent_resource_id" and r.organization_id = (select current_organization_id()))) WITH CHECK (exists (select 1 from cloud_resources r where r.id = "resource_dependencies"."parent_resource_id" and r.organization_id = (select current_organization_id())) and exists (select 1 from cloud_resources r where r.id = "resource_dependencies"."dependent_resource_id" and r.organization_id = (select current_organization_id())));--> statement-breakpoint
CREATE POLICY "resource_scaling_history_tenant_isolation" ON "resource_scaling_history" AS PERMISSIVE FOR ALL TO public USING (exists (select 1 from cloud_resources r where r.id = "resource_scaling_history"."resource_id" and r.organization_id = (select current_organization_id()))) WITH CHECK (exists (select 1 from cloud_resources r where r.id = "resource_scaling_history"."resource_id" and r.organization_id = (select current_organization_id())));--> statement-breakpoint
CREATE POLICY "infrastructure_deployments_tenant_isolation" ON "infrastructure_deployments" AS PERMISSIVE FOR ALL TO public USING ("infrastructure_deployments"."organization_id" = (select current_organization_id())) WITH CHECK ("infrastructure_deployments"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "infrastructure_templates_tenant_isolation" ON "infrastructure_templates" AS PERMISSIVE FOR ALL TO public USING ("infrastructure_templates"."organization_id" = (select current_organization_id())) WITH CHECK ("infrastructure_templates"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "cloud_costs_tenant_isolation" ON "cloud_costs" AS PERMISSIVE FOR ALL TO public USING ("cloud_costs"."organization_id" = (select current_organization_id())) WITH CHECK ("cloud_costs"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "cost_budgets_tenant_isolation" ON "cost_budgets" AS PERMISSIVE FOR ALL TO public USING ("cost_budgets"."organization_id" = (select current_organization_id())) WITH CHECK ("cost_budgets"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "cost_optimization_recommendations_tenant_isolation" ON "cost_optimization_recommendations" AS PERMISSIVE FOR ALL TO public USING ("cost_optimization_recommendations"."organization_id" = (select current_organization_id())) WITH CHECK ("cost_optimization_recommendations"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "backup_configurations_tenant_isolation" ON "backup_configurations" AS PERMISSIVE FOR ALL TO public USING (exists (select 1 from cloud_resources r where r.id = "backup_configurations"."resource_id" and r.organization_id = (select current_organization_id()))) WITH CHECK (exists (select 1 from cloud_resources r where r.id = "backup_configurations"."resource_id" and r.organization_id = (select current_organization_id())));--> statement-breakpoint
CREATE POLICY "backup_executions_tenant_isolation" ON "backup_executions" AS PERMISSIVE FOR ALL TO public USING (exists (select 1 from backup_configurations b where b.id = "backup_executions"."backup_config_id")) WITH CHECK (exists (select 1 from backup_configurations b where b.id = "backup_executions"."backup_config_id"));--> statement-breakpoint
CREATE POLICY "disaster_recovery_plans_tenant_isolation" ON "disaster_recovery_plans" AS PERMISSIVE FOR ALL TO public USING ("disaster_recovery_plans"."organization_id" = (select current_organization_id())) WITH CHECK ("disaster_recovery_plans"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "infrastructure_alerts_tenant_isolation" ON "infrastructure_alerts" AS PERMISSIVE FOR ALL TO public USING ("infrastructure_alerts"."organization_id" = (select current_organization_id())) WITH CHECK ("infrastructure_alerts"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "infrastructure_monitoring_tenant_isolation" ON "infrastructure_monitoring" AS PERMISSIVE FOR ALL TO public USING ("infrastructure_monitoring"."organization_id" = (select current_organization_id())) WITH CHECK ("infrastructure_monitoring"."organization_id" = (select current_organization_id()));--> statement-breakpoint
CREATE POLICY "sync_runs_tenant_isolation" ON "sync_runs" AS PERMISSIVE FOR ALL TO public USING ("sync_runs"."organization_id" = (select current_organization_id())) WITH CHECK ("sync_runs"."organization_id" = (select current_organization_id()));