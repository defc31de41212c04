{#- Events matched to goals (docs/reference.md#31-matching): same workspace and trigger
    event, goal active at occurred_at, every match condition equal under typed equality;
    before dedupe_property applies (int_goal_outcomes_deduplicated does that). What the
    outcome's value and dedupe key are is read next, for the matched events only
    (int_goal_events_extracted).

    Work is done per event, not per (event, goal) pair: an event's values at the keys its
    goals test are read and typed once, and a goal with conditions is found by a hash
    join on its most distinctive condition (key and typed value), so an event meets only
    the goals that can match it, however many listen to its name (the goal side is built
    once per configuration: int_goal_conditions_indexed). Every join is with the small
    goal tables, so a filter on loaded_at or goal_code reaches the event scan. -#}
{%- set event_columns = [
    'workspace_id', 'event_id', 'event_name', 'event_source', 'occurred_at', 'customer_id',
    'conversation_id', 'properties', 'loaded_at',
] -%}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

goals as (

    select * from {{ ref('int_goal_conditions_indexed') }}

),

active_periods as (

    select * from {{ ref('int_goal_active_periods_derived') }}

),

goal_conditions as (

    select * from goals
    where condition_list is not null

),

tested_keys as (

    -- per workspace and event name: every key that a goal listening to it tests
    select distinct
        workspace_id,
        trigger_event,
        trigger_tested_keys as tested_keys

    from goals

),

{#- Read twice, by the goals with conditions and by those without: inline, each read is
    a scan of the events filtered at the source. DuckDB would otherwise copy every trigger
    event with its properties, which at 10M events went to its temp files. #}

trigger_events as {{ goals_analytics.not_materialized() }} (

    select
        {% for column in event_columns -%}
            events.{{ column }},
        {% endfor -%}
        tested_keys.tested_keys

    from events
    left join tested_keys
        on events.workspace_id = tested_keys.workspace_id
        and events.event_name = tested_keys.trigger_event
    where exists (
            select 1
            from goals
            where goals.workspace_id = events.workspace_id
                and goals.trigger_event = events.event_name
        )

),

typed_events as (

    -- each tested key with the typed signature of the event's value there (null when
    -- missing): the JSON is read once per event and key, then typed
    select
        {{ event_columns | join(', ') }},
        {{ goals_analytics.json_value_signatures('properties', 'tested_keys') }}
            as property_conditions

    from trigger_events

),

finding_condition_hits as (

    -- one row per event and tested key, to find the goals whose finding condition it meets
    select
        typed_events.*,
        {{ goals_analytics.unnest_list('typed_events.property_conditions') }} as property_condition

    from typed_events

),

candidates as (

    -- goals with conditions, found by their finding condition
    select
        {% for column in event_columns -%}
            finding_condition_hits.{{ column }},
        {% endfor -%}
        finding_condition_hits.property_conditions,
        goal_conditions.goal_code,
        goal_conditions.condition_list

    from finding_condition_hits
    inner join goal_conditions
        on finding_condition_hits.workspace_id = goal_conditions.workspace_id
        and finding_condition_hits.event_name = goal_conditions.trigger_event
        -- a struct's fields, which sqlfluff takes for a table reference
        and finding_condition_hits.property_condition.condition_key  -- noqa: RF01
        = goal_conditions.finding_condition_key
        and finding_condition_hits.property_condition.condition_signature  -- noqa: RF01
        = goal_conditions.finding_condition_signature

    union all

    -- goals without conditions (none set, or an empty object): every trigger event. From
    -- trigger_events, not typed_events: read twice, typed_events was inlined twice and
    -- every event's values typed twice
    select
        {% for column in event_columns -%}
            trigger_events.{{ column }},
        {% endfor -%}
        null as property_conditions,
        goals.goal_code,
        null as condition_list

    from trigger_events
    inner join goals
        on trigger_events.workspace_id = goals.workspace_id
        and trigger_events.event_name = goals.trigger_event
    where goals.condition_list is null

),

final as (

    select
        {% for column in event_columns -%}
            candidates.{{ column }},
        {% endfor -%}
        candidates.goal_code

    from candidates
    inner join active_periods
        on candidates.workspace_id = active_periods.workspace_id
        and candidates.goal_code = active_periods.goal_code
        and (
            active_periods.active_from is null
            or candidates.occurred_at >= active_periods.active_from
        )
        and (
            active_periods.active_until is null
            or candidates.occurred_at < active_periods.active_until
        )
    -- every condition holds: the event's typed values include each of the goal's
    where {{ goals_analytics.list_contains_all(
        'candidates.property_conditions', 'candidates.condition_list'
    ) }}

)

select * from final
