{#- One row per workspace, event name and UTC day the events occurred on: how many,
    the first and the last. event_catalog adds up the whole days of its 7/30/90-day
    windows from here instead of counting every event each run.

    Incremental: a run summarizes only the events loaded since the last one
    (loaded_at is strictly increasing per file) and folds each day's summary into
    the stored one of the same day, so a late event (an old day, a new loaded_at)
    counts in its own day. -#}
{{
    config(
        materialized=goals_analytics.stateful_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['workspace_id', 'event_name', 'occurred_on'],
        on_schema_change='fail',
    )
}}
{%- set watermark = (
    goals_analytics.incremental_watermark('loaded_through') if is_incremental() else none
) %}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

new_events as (

    select * from events
    {%- if watermark is not none %}
        where loaded_at > {{ watermark }}
    {%- endif %}

),

summarized as (

    select
        workspace_id,
        event_name,
        cast(occurred_at as date) as occurred_on,
        count(*) as events,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at,
        max(loaded_at) as loaded_through

    from new_events
    group by workspace_id, event_name, cast(occurred_at as date)

),

{% if is_incremental() %}

    stored as (

    select stored.*
    from {{ this }} as stored
    where {{ goals_analytics.keys_occur_in('summarized', 'stored', ['workspace_id', 'event_name', 'occurred_on']) }}

    ),

    folded as (

        select
            workspace_id,
            event_name,
            occurred_on,
            sum(events) as events,
            min(first_occurred_at) as first_occurred_at,
            max(last_occurred_at) as last_occurred_at,
            max(loaded_through) as loaded_through

    from (
        select * from summarized
        union all
        select
            stored.workspace_id,
            stored.event_name,
            stored.occurred_on,
            stored.events,
            stored.first_occurred_at,
            stored.last_occurred_at,
            stored.loaded_through

        from stored
    ) as both_summaries
    group by workspace_id, event_name, occurred_on

    ),

{% else %}

    folded as (

        select * from summarized

    ),

{% endif %}

final as (

    select
        workspace_id,
        event_name,
        occurred_on,
        cast(events as bigint) as events,
        first_occurred_at,
        last_occurred_at,
        loaded_through

    from folded

)

select * from final
