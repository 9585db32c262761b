ALTER TABLE "backup_configurations" ADD COLUMN "source_id" text;--> statement-breakpoint
ALTER TABLE "backup_executions" ADD COLUMN "source_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_backup_config_source" ON "backup_configurations" USING btree ("organization_id","resource_id","source_id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_backup_executions_source" ON "backup_executions" USING btree ("organization_id","source_id");