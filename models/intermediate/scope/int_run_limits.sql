{#- What this run recomputes, as one row: `full` (everything: a first build, a full
    refresh, missing stored outcomes) or `incremental` (the events loaded after the
    previous complete run, plus what int_goals_in_scope and int_conversations_in_scope
    add). Run numbers go on from the manifest's in either case, so the marts can tell
    the rows a run wrote from older ones. -#}
{%- set full_run_required = 'true' if goals_analytics.full_run_required() else 'false' %}
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
        case
            when {{ full_run_required }} or last_run.run_id is null then 'full'
            else 'incremental'
        end as run_case,
        case
            when not {{ full_run_required }}
                then last_run.events_loaded_through
        end as events_loaded_after,
        loads.events_loaded_through,
        cast('{{ invocation_id }}' as string) as invocation_id

    from last_run
    cross join loads

)

select * from final
