import { sql } from "drizzle-orm";
/** The fields whose changes `resource_changes` records (the configuration is diffed apart). */
const core = (alias) => sql.raw(`jsonb_build_object(
      'resource_name', ${alias}.resource_name, 'resource_type', ${alias}.resource_type,
      'resource_subtype', ${alias}.resource_subtype, 'size_category', ${alias}.size_category,
      'resource_status', ${alias}.resource_status, 'tags', ${alias}.tags, 'region_id', ${alias}.region_id,
      'environment', ${alias}.environment, 'is_wedding_critical', ${alias}.is_wedding_critical)`);
/**
 * One statement per page of changed resources: upsert them, and in the same snapshot record
 * what changed (`resource_changes`) and any change of size (`resource_scaling_history`). Rows
 * travel as one JSON document, so a page is one parameter whatever its size (no 65,535
 * parameter limit) and the same statement runs on postgres-js and PGlite. Environment and
 * wedding-critical come from tags when the tags say so, and are left as they were otherwise.
 */
export function upsertResourcesStatement(rows, ctx) {
    return sql `
    with incoming as (
      select x.*, r.id as region_id
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
               resource_id text, resource_name text, resource_type text, resource_subtype text,
               size_category text, resource_status text, configuration jsonb, tags jsonb,
               region_code text, cloud_account_id text, sync_scope text, content_hash text)
        join cloud_regions r on r.provider_id = ${ctx.providerId}::uuid and r.region_code = x.region_code
    ),
    previous as (
      select c.id, c.resource_name, c.resource_type, c.resource_subtype, c.size_category, c.resource_status,
             c.tags, c.region_id, c.environment, c.is_wedding_critical, c.configuration
        from cloud_resources c
        join incoming i on c.provider_id = ${ctx.providerId}::uuid and c.resource_id = i.resource_id
    ),
    upserted as (
      insert into cloud_resources as c (
        organization_id, provider_id, region_id, resource_id, resource_name, resource_type, resource_subtype,
        size_category, configuration, resource_status, tags, environment, is_wedding_critical, created_by,
        cloud_account_id, sync_scope, content_hash, terminated_at)
      select ${ctx.organizationId}::uuid, ${ctx.providerId}::uuid, i.region_id, i.resource_id, i.resource_name,
             i.resource_type, i.resource_subtype, i.size_category, i.configuration, i.resource_status, i.tags,
             coalesce(environment_from_tags(i.tags), 'development'), coalesce(wedding_critical_from_tags(i.tags), false),
             ${ctx.createdBy}::uuid, i.cloud_account_id, i.sync_scope, i.content_hash,
             case when i.resource_status = 'terminated' then now() end
        from incoming i
      on conflict (provider_id, resource_id) do update set
        region_id = excluded.region_id,
        resource_name = excluded.resource_name,
        resource_type = excluded.resource_type,
        resource_subtype = excluded.resource_subtype,
        size_category = excluded.size_category,
        configuration = excluded.configuration,
        resource_status = excluded.resource_status,
        tags = excluded.tags,
        environment = coalesce(environment_from_tags(excluded.tags), c.environment),
        is_wedding_critical = coalesce(wedding_critical_from_tags(excluded.tags), c.is_wedding_critical),
        cloud_account_id = excluded.cloud_account_id,
        sync_scope = excluded.sync_scope,
        content_hash = excluded.content_hash,
        terminated_at = case when excluded.resource_status = 'terminated' then coalesce(c.terminated_at, now()) end
      where c.content_hash is distinct from excluded.content_hash
      returning c.id, (c.xmax = 0) as inserted, c.resource_name, c.resource_type, c.resource_subtype, c.size_category,
                c.resource_status, c.tags, c.region_id, c.environment, c.is_wedding_critical, c.configuration
    ),
    changes as (
      insert into resource_changes (organization_id, provider_id, resource_id, sync_run_id, change_type,
                                    changed_fields, old_values, new_values)
      select ${ctx.organizationId}::uuid, ${ctx.providerId}::uuid, u.id, ${ctx.syncRunId}::uuid,
             case when u.inserted then 'inserted' else 'updated' end,
             case when u.inserted then '{}'::text[] else d.changed_fields end,
             case when u.inserted then '{}'::jsonb else d.old_values end,
             case when u.inserted then ${core("u")} else d.new_values end
        from upserted u
        left join previous p on p.id = u.id
        left join lateral (select * from resource_change_diff(${core("p")}, ${core("u")}, p.configuration, u.configuration) where not u.inserted offset 0) d on true
      returning 1
    ),
    scaling as (
      insert into resource_scaling_history (resource_id, scaling_action, previous_configuration, new_configuration,
                                            scaling_trigger, scaling_reason, completed_at)
      select u.id,
             case when size_category_rank(u.size_category) > size_category_rank(p.size_category) then 'scale_up' else 'scale_down' end,
             jsonb_build_object('size_category', p.size_category) || jsonb_object_diff(u.configuration, p.configuration),
             jsonb_build_object('size_category', u.size_category) || jsonb_object_diff(p.configuration, u.configuration),
             'manual', 'size change observed by sync run ' || ${ctx.syncRunId}, now()
        from upserted u
        join previous p on p.id = u.id
       where not u.inserted
         and size_category_rank(u.size_category) is not null
         and size_category_rank(p.size_category) is not null
         and u.size_category <> p.size_category
      returning 1
    )
    select (select count(*) from upserted where inserted)::int as inserted,
           (select count(*) from upserted where not inserted)::int as updated,
           (select count(*) from changes)::int as changes,
           (select count(*) from scaling)::int as scalings`;
}
/**
 * Marks the given resources of one scope terminated (never deletes them) and records each
 * termination. Only live rows of that very scope are touched, so a resource that moved to
 * another scope is not terminated by the one it left.
 */
export function terminateResourcesStatement(scopeKey, resourceIds, ctx) {
    return sql `
    with doomed as (
      select c.id, c.resource_status as old_status
        from cloud_resources c
       where c.provider_id = ${ctx.providerId}::uuid
         and c.sync_scope = ${scopeKey}
         and c.resource_status <> 'terminated'
         and c.resource_id in (select jsonb_array_elements_text(${JSON.stringify(resourceIds)}::jsonb))
         for update
    ),
    gone as (
      update cloud_resources c
         set resource_status = 'terminated', terminated_at = now(), content_hash = null
        from doomed d
       where c.id = d.id
      returning c.id, d.old_status
    ),
    changes as (
      insert into resource_changes (organization_id, provider_id, resource_id, sync_run_id, change_type,
                                    changed_fields, old_values, new_values)
      select ${ctx.organizationId}::uuid, ${ctx.providerId}::uuid, g.id, ${ctx.syncRunId}::uuid, 'terminated',
             array['resource_status'], jsonb_build_object('resource_status', g.old_status),
             jsonb_build_object('resource_status', 'terminated')
        from gone g
      returning 1
    )
    select (select count(*) from gone)::int as terminated`;
}
/** The live resources of one scope with their stored hashes: what a complete read is diffed against. */
export function storedHashesStatement(providerId, scopeKey) {
    return sql `
    select resource_id, content_hash
      from cloud_resources
     where provider_id = ${providerId}::uuid and sync_scope = ${scopeKey} and resource_status <> 'terminated'`;
}
//# sourceMappingURL=resource-sql.js.map