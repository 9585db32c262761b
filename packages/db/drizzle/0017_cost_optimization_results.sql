CREATE TABLE "cost_optimization_results" (
	"organization_id" uuid NOT NULL,
	"optimization_type" varchar(50) NOT NULL,
	"window_days" integer NOT NULL,
	"potential_monthly_savings" numeric(12, 2) NOT NULL,
	"affected_resources" integer NOT NULL,
	"recommendation_details" jsonb NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cost_optimization_results_pkey" PRIMARY KEY("organization_id","optimization_type"),
	CONSTRAINT "cost_optimization_results_affected_resources_check" CHECK ("cost_optimization_results"."affected_resources" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cost_optimization_results" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "cost_optimization_results" ADD CONSTRAINT "cost_optimization_results_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "cost_optimization_results_tenant_isolation" ON "cost_optimization_results" AS PERMISSIVE FOR ALL TO public USING ("cost_optimization_results"."organization_id" = (select current_organization_id())) WITH CHECK ("cost_optimization_results"."organization_id" = (select current_organization_id()));