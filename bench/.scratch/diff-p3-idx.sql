CREATE OR REPLACE FUNCTION resource_change_diff(old_core jsonb, new_core jsonb, old_configuration jsonb, new_configuration jsonb)
RETURNS TABLE (changed_fields text[], old_values jsonb, new_values jsonb)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    WITH core AS (
      SELECT k, old_core -> k AS o, new_core -> k AS n
        FROM (SELECT jsonb_object_keys(coalesce(old_core, '{}'::jsonb)) UNION SELECT jsonb_object_keys(coalesce(new_core, '{}'::jsonb))) keys(k)
       WHERE (old_core -> k) IS DISTINCT FROM (new_core -> k)
    ), cfg AS (
      SELECT k, old_configuration -> k AS o, new_configuration -> k AS n
        FROM (SELECT jsonb_object_keys(coalesce(old_configuration, '{}'::jsonb)) UNION SELECT jsonb_object_keys(coalesce(new_configuration, '{}'::jsonb))) keys(k)
       WHERE (old_configuration -> k) IS DISTINCT FROM (new_configuration -> k)
    ), agg AS (
      SELECT (SELECT array_agg(k ORDER BY k) FROM core) AS fields,
             (SELECT jsonb_object_agg(k, o) FROM core) AS core_old, (SELECT jsonb_object_agg(k, n) FROM core) AS core_new,
             (SELECT jsonb_object_agg(k, o) FROM cfg) AS cfg_old, (SELECT jsonb_object_agg(k, n) FROM cfg) AS cfg_new
    )
    SELECT coalesce(fields, '{}'::text[]) || CASE WHEN cfg_new IS NOT NULL THEN ARRAY['configuration'] ELSE '{}'::text[] END,
           coalesce(core_old, '{}'::jsonb) || CASE WHEN cfg_new IS NOT NULL THEN jsonb_build_object('configuration', cfg_old) ELSE '{}'::jsonb END,
           coalesce(core_new, '{}'::jsonb) || CASE WHEN cfg_new IS NOT NULL THEN jsonb_build_object('configuration', cfg_new) ELSE '{}'::jsonb END
      FROM agg
  $$;
DROP INDEX idx_cloud_resources_status; DROP INDEX idx_cloud_resources_type; DROP INDEX idx_cloud_resources_cost_tracking;
