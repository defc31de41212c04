{#- One row per key of each goal's match_conditions, with the typed signature the
    event's property must equal (SPEC 3.1). -#}
with

goals as (

    select * from {{ ref('int_goals_validated') }}

),

condition_maps as (

    select
        workspace_id,
        goal_code,
        {{ goals_analytics.json_object_to_map('match_conditions') }} as condition_map

    from goals
    where match_conditions is not null

),

unnested as (

    select
        workspace_id,
        goal_code,
        condition_map,
        {{ goals_analytics.unnest_list('map_keys(condition_map)') }} as condition_key

    from condition_maps

),

final as (

    select
        workspace_id,
        goal_code,
        condition_key,
        {{ goals_analytics.json_value_signature(
            goals_analytics.map_json_value('condition_map', 'condition_key')
        ) }} as condition_signature

    from unnested

)

select * from final
