-- Backups and deployments become sync kinds with runs of their own: they were read at the end of every
-- inventory sync (backups) or only on demand (deployments); each now has its own job, cadence and counts.
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_kind_check";--> statement-breakpoint
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_counts_check";--> statement-breakpoint
ALTER TABLE "sync_runs" DROP CONSTRAINT "sync_runs_counts_of_kind_check";--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "backup_configurations_written" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "backup_executions_written" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "deployments_inserted" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "deployments_updated" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "deployment_resources_linked" integer;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_kind_check" CHECK ("sync_runs"."kind" IN ('resources', 'costs', 'metrics', 'backups', 'deployments'));--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_counts_check" CHECK ("sync_runs"."inserted_count" >= 0 and "sync_runs"."updated_count" >= 0 and "sync_runs"."unchanged_count" >= 0 and "sync_runs"."terminated_count" >= 0 and "sync_runs"."skipped_count" >= 0
          and "sync_runs"."cost_lines_inserted" >= 0 and "sync_runs"."cost_lines_replaced" >= 0 and "sync_runs"."samples_stored" >= 0 and "sync_runs"."samples_already_present" >= 0
          and "sync_runs"."backup_configurations_written" >= 0 and "sync_runs"."backup_executions_written" >= 0
          and "sync_runs"."deployments_inserted" >= 0 and "sync_runs"."deployments_updated" >= 0 and "sync_runs"."deployment_resources_linked" >= 0);--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_counts_of_kind_check" CHECK (("sync_runs"."kind" = 'resources' or num_nonnulls("sync_runs"."inserted_count", "sync_runs"."updated_count", "sync_runs"."unchanged_count", "sync_runs"."terminated_count") = 0)
          and ("sync_runs"."kind" = 'costs' or num_nonnulls("sync_runs"."cost_lines_inserted", "sync_runs"."cost_lines_replaced") = 0)
          and ("sync_runs"."kind" = 'metrics' or num_nonnulls("sync_runs"."samples_stored", "sync_runs"."samples_already_present") = 0)
          and ("sync_runs"."kind" = 'backups' or num_nonnulls("sync_runs"."backup_configurations_written", "sync_runs"."backup_executions_written") = 0)
          and ("sync_runs"."kind" = 'deployments' or num_nonnulls("sync_runs"."deployments_inserted", "sync_runs"."deployments_updated", "sync_runs"."deployment_resources_linked") = 0));