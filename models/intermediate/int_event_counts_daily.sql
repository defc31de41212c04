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
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

new_events as (

    select * from events
    where {{ goals_analytics.loaded_after_watermark() }}

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

folded as (

    {#- a late event (an old day, a new loaded_at) counts in its own day #}
    {{ goals_analytics.fold_into_stored(
        'summarized',
        keys=['workspace_id', 'event_name', 'occurred_on'],
        folds=[
            ('events', 'sum(events)'),
            ('first_occurred_at', 'min(first_occurred_at)'),
            ('last_occurred_at', 'max(last_occurred_at)'),
            ('loaded_through', 'max(loaded_through)'),
        ],
    ) }}

),

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
