-- The resource writer computes a resource's environment, its wedding-critical flag and its
-- change history in TypeScript (apps/sync-worker/src/resources/tag-flags.ts, write/resource-sql.ts);
-- these helpers of migrations 0006 and 0008 are called by nothing, and a function nobody calls
-- is one more definition to keep right. resource_change_diff goes first: it calls jsonb_object_diff.
DROP FUNCTION IF EXISTS resource_change_diff(jsonb, jsonb, jsonb, jsonb);
--> statement-breakpoint
DROP FUNCTION IF EXISTS jsonb_object_diff(jsonb, jsonb);
--> statement-breakpoint
DROP FUNCTION IF EXISTS environment_from_tags(jsonb);
--> statement-breakpoint
DROP FUNCTION IF EXISTS wedding_critical_from_tags(jsonb);
