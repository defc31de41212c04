{#- Events matched to goals (SPEC 3.1): same workspace and trigger event, goal active
    at occurred_at, every match condition equal under typed equality; before
    dedupe_property applies (int_goal_outcomes_deduplicated does that), so a filter on
    loaded_at or goal_code reaches the event scan. Each event's properties are parsed
    once, into a map; conditions and value paths read that map. -#}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

goals as (

    select * from {{ ref('int_goals_validated') }}

),

active_periods as (

    select * from {{ ref('int_goal_active_periods_derived') }}

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

goal_conditions as (

    -- every condition of a goal as one list, checked within each candidate's row
    select
        workspace_id,
        goal_code,
        list({'condition_key': condition_key, 'condition_signature': condition_signature})
            as condition_list

    from conditions
    group by workspace_id, goal_code

),

trigger_events as (

    select
        events.*,
        {{ goals_analytics.json_object_to_map('events.properties') }} as property_map

    from events
    where exists (
        select 1
        from goals
        where goals.workspace_id = events.workspace_id
            and goals.trigger_event = events.event_name
    )

),

candidates as (

    select
        trigger_events.*,
        goals.goal_code,
        goals.dedupe_property,
        goals.value_property,
        goals.currency_property,
        goals.base_value_property,
        goals.base_currency_property,
        goal_conditions.condition_list

    from trigger_events
    inner join goals
        on trigger_events.workspace_id = goals.workspace_id
        and trigger_events.event_name = goals.trigger_event
    inner join active_periods
        on goals.workspace_id = active_periods.workspace_id
        and goals.goal_code = active_periods.goal_code
        and (active_periods.active_from is null
            or trigger_events.occurred_at >= active_periods.active_from)
        and (active_periods.active_until is null
            or trigger_events.occurred_at < active_periods.active_until)
    left join goal_conditions
        on goals.workspace_id = goal_conditions.workspace_id
        and goals.goal_code = goal_conditions.goal_code

),

matched as (

    select
        candidates.*,
        {{ goals_analytics.property_at_path('candidates.property_map', 'candidates.value_property') }} as value_json,
        {{ goals_analytics.property_at_path('candidates.property_map', 'candidates.currency_property') }} as currency_json,
        {{ goals_analytics.property_at_path('candidates.property_map', 'candidates.base_value_property') }} as base_value_json,
        {{ goals_analytics.property_at_path('candidates.property_map', 'candidates.base_currency_property') }} as base_currency_json,
        {{ goals_analytics.property_at_path('candidates.property_map', 'candidates.dedupe_property') }} as dedupe_json

    from candidates
    -- conditions are checked within the row (no join back to a list of failures), so
    -- a filter on loaded_at or goal_code reaches the event scan
    where {{ goals_analytics.all_of(
        'candidates.condition_list',
        'condition',
        goals_analytics.json_value_signature(
            goals_analytics.map_json_value('candidates.property_map', 'condition.condition_key')
        ) ~ ' is not distinct from condition.condition_signature'
    ) }}

),

final as (

    select
        workspace_id,
        goal_code,
        event_id,
        event_name,
        event_source,
        occurred_at,
        customer_id,
        conversation_id,
        value_json,
        currency_json,
        base_value_json,
        base_currency_json,
        -- from the extracted text, once: the signature reads its argument many times
        {{ goals_analytics.json_value_signature('dedupe_json') }} as dedupe_signature,
        loaded_at

    from matched

)

select * from final
