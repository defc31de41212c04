{#- One row per goal: what matching needs of it, built once per configuration.
    Its match conditions as a list of (literal top-level key, typed signature of the
    value the event's property must equal), the condition that finds the goal (its most
    distinctive: shared by the fewest goals on the same event), and the JSONPaths of the
    properties it reads for value, currencies and dedupe; and every key that a goal
    on the same event tests, which matching reads from each event once. -#}
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

condition_keys as (

    select
        workspace_id,
        goal_code,
        condition_map,
        {{ goals_analytics.unnest_list('map_keys(condition_map)') }} as condition_key

    from condition_maps

),

conditions as (

    -- one row per condition: a literal top-level key and the typed signature
    -- (json_value_signature) the event's value there must equal
    select
        workspace_id,
        goal_code,
        condition_key,
        {{ goals_analytics.json_value_signature(
            goals_analytics.map_json_value('condition_map', 'condition_key')
        ) }} as condition_signature

    from condition_keys

),

goal_paths as (

    -- the JSONPath of each property path a goal reads, built once per goal
    select
        workspace_id,
        goal_code,
        {{ goals_analytics.json_property_path('value_property') }} as value_path,
        {{ goals_analytics.json_property_path('currency_property') }} as currency_path,
        {{ goals_analytics.json_property_path('base_value_property') }} as base_value_path,
        {{ goals_analytics.json_property_path('base_currency_property') }} as base_currency_path,
        {{ goals_analytics.json_property_path('dedupe_property') }} as dedupe_path

    from goals

),

condition_spread as (

    -- how many goals listening to the same event test the same key for the same value
    select
        conditions.*,
        goals.trigger_event,
        count(*) over (
            partition by
                conditions.workspace_id,
                goals.trigger_event,
                conditions.condition_key,
                conditions.condition_signature
        ) as goals_sharing

    from conditions
    inner join goals
        on conditions.workspace_id = goals.workspace_id
        and conditions.goal_code = goals.goal_code

),

conditions_listed as (

    -- every condition of a goal as one list, and the one that finds the goal: its most
    -- distinctive (shared by the fewest goals on the same event; `schema_version = 2`
    -- on every goal would meet every event with all of them), then the first by key
    select
        workspace_id,
        goal_code,
        trigger_event,
        {{ goals_analytics.list_agg(goals_analytics.struct_literal([
            ('condition_key', 'condition_key'),
            ('condition_signature', 'condition_signature'),
        ])) }} as condition_list,
        min_by(condition_key, (goals_sharing, condition_key)) as finding_condition_key,
        min_by(condition_signature, (goals_sharing, condition_key))
            as finding_condition_signature

    from condition_spread
    group by workspace_id, goal_code, trigger_event

),

tested_keys as (

    -- per workspace and event name: every key that a goal listening to it tests, with
    -- its JSONPath
    select
        goal_condition_rows.workspace_id,
        goal_condition_rows.trigger_event,
        {{ goals_analytics.list_agg(goals_analytics.struct_literal([
            ('condition_key', 'condition.condition_key'),
            ('json_path', goals_analytics.json_key_path('condition.condition_key')),
        ]), distinct=true) }} as tested_keys

    from (
        select
            workspace_id,
            trigger_event,
            {{ goals_analytics.unnest_list('condition_list') }} as condition
        from conditions_listed
    ) as goal_condition_rows
    group by goal_condition_rows.workspace_id, goal_condition_rows.trigger_event

),

final as (

    select
        goals.workspace_id,
        goals.goal_code,
        goals.trigger_event,
        conditions_listed.condition_list,
        conditions_listed.finding_condition_key,
        conditions_listed.finding_condition_signature,
        goal_paths.value_path,
        goal_paths.currency_path,
        goal_paths.base_value_path,
        goal_paths.base_currency_path,
        goal_paths.dedupe_path,
        tested_keys.tested_keys as trigger_tested_keys

    from goals
    inner join goal_paths
        on goals.workspace_id = goal_paths.workspace_id
        and goals.goal_code = goal_paths.goal_code
    left join conditions_listed
        on goals.workspace_id = conditions_listed.workspace_id
        and goals.goal_code = conditions_listed.goal_code
    left join tested_keys
        on goals.workspace_id = tested_keys.workspace_id
        and goals.trigger_event = tested_keys.trigger_event

)

select * from final
