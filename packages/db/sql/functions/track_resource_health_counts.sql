-- track_resource_health_counts: the current definition, as the migrated database has it (pg_get_functiondef).
-- To change it: edit this file, then `pnpm --filter @cloudsync/db db:function <migration-name> track_resource_health_counts`
-- writes a migration with this content; test/function-definitions.test.ts checks the two agree.
CREATE OR REPLACE FUNCTION public.track_resource_health_counts()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  -- One row per group the statement changed, with the change in `resources`.
  deltas resource_health_counts[];
  emptied resource_health_counts[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM resource_health_counts;
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(ROW(n.organization_id, n.provider_id, n.resource_status, n.health_status, n.k)::resource_health_counts)
      INTO deltas
      FROM (SELECT organization_id, provider_id, resource_status, health_status, count(*)::integer AS k
              FROM new_rows GROUP BY 1, 2, 3, 4) n;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(ROW(d.organization_id, d.provider_id, d.resource_status, d.health_status, d.k)::resource_health_counts)
      INTO deltas
      FROM (SELECT organization_id, provider_id, resource_status, health_status, sum(delta)::integer AS k
              FROM (SELECT organization_id, provider_id, resource_status, health_status, 1 AS delta FROM new_rows
                    UNION ALL
                    SELECT organization_id, provider_id, resource_status, health_status, -1 FROM old_rows) u
             GROUP BY 1, 2, 3, 4
            HAVING sum(delta) <> 0) d;
  ELSE
    SELECT array_agg(ROW(o.organization_id, o.provider_id, o.resource_status, o.health_status, -o.k)::resource_health_counts)
      INTO deltas
      FROM (SELECT organization_id, provider_id, resource_status, health_status, count(*)::integer AS k
              FROM old_rows GROUP BY 1, 2, 3, 4) o;
  END IF;
  IF deltas IS NULL THEN
    RETURN NULL;
  END IF;
  WITH applied AS (
    INSERT INTO resource_health_counts AS c (organization_id, provider_id, resource_status, health_status, resources)
    SELECT * FROM unnest(deltas) ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT resource_health_counts_key
    DO UPDATE SET resources = c.resources + excluded.resources
    RETURNING c.*
  )
  SELECT array_agg(applied) FILTER (WHERE applied.resources = 0) INTO emptied FROM applied;
  -- Groups this statement emptied go (a deleted provider or organization leaves nothing
  -- behind); only rows it already holds locks on, so it never waits on another writer.
  IF emptied IS NOT NULL THEN
    DELETE FROM resource_health_counts c
     USING unnest(emptied) e
     WHERE c.organization_id = e.organization_id AND c.provider_id = e.provider_id
       AND c.resource_status IS NOT DISTINCT FROM e.resource_status
       AND c.health_status IS NOT DISTINCT FROM e.health_status
       AND c.resources = 0;
  END IF;
  RETURN NULL;
END;
$function$;
