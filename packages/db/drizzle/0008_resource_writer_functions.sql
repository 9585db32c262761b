-- Helpers of the sync worker's resource writer, kept in SQL so one statement per page can
-- upsert resources and record their history.

-- The environment a resource's tags declare (env / environment / stage, any case), or null
-- when they declare none, so a value someone set by hand is kept.
CREATE OR REPLACE FUNCTION environment_from_tags(tags jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE
             WHEN v IN ('prod', 'production', 'prd', 'live') THEN 'production'
             WHEN v IN ('staging', 'stage', 'stg', 'preprod', 'pre-prod', 'uat') THEN 'staging'
             WHEN v IN ('test', 'testing', 'qa', 'tst') THEN 'testing'
             WHEN v IN ('dev', 'development', 'sandbox', 'local') THEN 'development'
           END
      FROM (SELECT lower(trim(value)) AS v
              FROM jsonb_each_text(CASE WHEN jsonb_typeof(tags) = 'object' THEN tags ELSE '{}'::jsonb END)
             WHERE lower(key) IN ('env', 'environment', 'stage')
             ORDER BY CASE lower(key) WHEN 'environment' THEN 0 WHEN 'env' THEN 1 ELSE 2 END
             LIMIT 1) t
  $$;
--> statement-breakpoint
-- Whether the tags mark a resource critical for weddings (wedding-critical / wedding_critical /
-- weddingcritical = true|yes|1), or null when they say nothing.
CREATE OR REPLACE FUNCTION wedding_critical_from_tags(tags jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT lower(trim(value)) IN ('true', 'yes', '1', 'y')
      FROM jsonb_each_text(CASE WHEN jsonb_typeof(tags) = 'object' THEN tags ELSE '{}'::jsonb END)
     WHERE lower(replace(replace(key, '-', ''), '_', '')) = 'weddingcritical'
     LIMIT 1
  $$;
--> statement-breakpoint
-- Order of the size categories, for telling a scale-up from a scale-down; null for custom.
CREATE OR REPLACE FUNCTION size_category_rank(size text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_position(ARRAY['nano', 'micro', 'small', 'medium', 'large', 'xlarge'], size) $$;
--> statement-breakpoint
-- What changed between two versions of a resource: the changed top-level fields, and of the
-- configuration only its changed top-level keys, so history stays small.
CREATE OR REPLACE FUNCTION resource_change_diff(old_core jsonb, new_core jsonb, old_configuration jsonb, new_configuration jsonb)
RETURNS TABLE (changed_fields text[], old_values jsonb, new_values jsonb)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    WITH d AS (
      SELECT jsonb_object_diff(old_core, new_core) AS core_new,
             jsonb_object_diff(new_core, old_core) AS core_old,
             jsonb_object_diff(old_configuration, new_configuration) AS cfg_new,
             jsonb_object_diff(new_configuration, old_configuration) AS cfg_old
    )
    SELECT ARRAY(SELECT jsonb_object_keys(core_new) ORDER BY 1)
             || CASE WHEN cfg_new <> '{}'::jsonb THEN ARRAY['configuration'] ELSE '{}'::text[] END,
           core_old || CASE WHEN cfg_new <> '{}'::jsonb THEN jsonb_build_object('configuration', cfg_old) ELSE '{}'::jsonb END,
           core_new || CASE WHEN cfg_new <> '{}'::jsonb THEN jsonb_build_object('configuration', cfg_new) ELSE '{}'::jsonb END
      FROM d
  $$;
