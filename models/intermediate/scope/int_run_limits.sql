{#- What this run recomputes, as one row: `full` (everything: a full refresh, a first
    build) or `incremental` (the events loaded after the previous complete run, plus
    what int_goals_in_scope and int_conversations_in_scope add). -#}
with

previous_run as (

    {{ goals_analytics.previous_run() }}

),

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

last_run as (

    select
        max(run_id) as run_id,
        max(events_loaded_through) as events_loaded_through

    from previous_run

),

loads as (

    select max(loaded_at) as events_loaded_through
    from events

),

final as (

    select
        coalesce(last_run.run_id, 0) + 1 as run_id,
        case when last_run.run_id is null then 'full' else 'incremental' end as run_case,
        last_run.events_loaded_through as events_loaded_after,
        loads.events_loaded_through,
        cast('{{ invocation_id }}' as varchar) as invocation_id

    from last_run
    cross join loads

)

select * from final
