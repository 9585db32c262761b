CREATE TABLE "discovered_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"account_id" varchar(255) NOT NULL,
	"account_name" varchar(255) NOT NULL,
	"parent_path" text,
	"root" varchar(255) NOT NULL,
	"state" varchar(20) NOT NULL,
	"state_reason" text,
	"discovered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"left_at" timestamp with time zone,
	CONSTRAINT "discovered_accounts_provider_account_key" UNIQUE("organization_id","provider_id","account_id"),
	CONSTRAINT "discovered_accounts_organization_id_id_key" UNIQUE("organization_id","id"),
	CONSTRAINT "discovered_accounts_state_check" CHECK ("discovered_accounts"."state" IN ('active', 'suspended', 'excluded', 'left')),
	CONSTRAINT "discovered_accounts_left_check" CHECK (("discovered_accounts"."state" = 'left') = ("discovered_accounts"."left_at" is not null)),
	CONSTRAINT "discovered_accounts_seen_check" CHECK ("discovered_accounts"."last_seen_at" >= "discovered_accounts"."discovered_at")
);
--> statement-breakpoint
ALTER TABLE "discovered_accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "discovered_accounts" ADD CONSTRAINT "discovered_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovered_accounts" ADD CONSTRAINT "discovered_accounts_provider_id_fk" FOREIGN KEY ("organization_id","provider_id") REFERENCES "public"."cloud_providers"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_discovered_accounts_provider_state" ON "discovered_accounts" USING btree ("provider_id","state");--> statement-breakpoint
CREATE POLICY "discovered_accounts_tenant_isolation" ON "discovered_accounts" AS PERMISSIVE FOR ALL TO public USING ("discovered_accounts"."organization_id" = (select current_organization_id())) WITH CHECK ("discovered_accounts"."organization_id" = (select current_organization_id()));--> statement-breakpoint
-- The worker records every organization's discoveries, so its role passes the tenant filter
-- here as on every other table (0010); the grants are those of every table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cloudsync_worker') THEN
    RAISE NOTICE 'cloudsync: role cloudsync_worker is missing; create it and run this migration''s policy again';
    RETURN;
  END IF;
  DROP POLICY IF EXISTS discovered_accounts_worker_access ON discovered_accounts;
  CREATE POLICY discovered_accounts_worker_access ON discovered_accounts
    AS PERMISSIVE FOR ALL TO cloudsync_worker USING (true) WITH CHECK (true);
END
$$;
--> statement-breakpoint
SELECT grant_cloudsync_roles();
