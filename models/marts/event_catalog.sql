{#- Per workspace and event name: how often it occurred in the 7, 30 and 90 days
    before the reference time, first and last seen, and every top-level property
    key observed with its JSON types and an example value - what an author needs
    to write a goal.

    The counts come from int_event_counts_daily (incremental, one row per UTC day):
    a window (reference - N days, reference] adds up the days it covers whole, the
    days strictly between its first day and the reference day, and counts exactly
    only the events of the days its bounds cut (its first day and the reference
    day), read from the events with a literal range per day so DuckDB skips the row
    groups of other days. A day is whole or cut in a window, never both. The
    property keys come from int_event_keys_summarized. -#}
{%- set reference_at = goals_analytics.reference_time() %}
{%- set window_days = [7, 30, 90] %}
{#- The first instant of each day a window bound cuts, written into cut_day_events'
    filter as expressions DuckDB folds to constants (now() too): its scan then skips
    the row groups whose occurred_at range misses all four days. -#}
{%- set cut_day_starts = ["cast(cast(" ~ reference_at ~ " as date) as timestamp)"] %}
{%- for days in window_days %}
    {%- do cut_day_starts.append(
        "cast(cast(" ~ reference_at ~ " - interval " ~ days ~ " day as date) as timestamp)"
    ) %}
{%- endfor %}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

daily_counts as (

    select * from {{ ref('int_event_counts_daily') }}

),

property_keys as (

    select * from {{ ref('int_event_keys_summarized') }}

),

reference as (

    select {{ reference_at }} as reference_at

),

windows as (

    select
        {%- for days in window_days %}
            reference_at - interval {{ days }} day as window_{{ days }}_start_at,
            cast(reference_at - interval {{ days }} day as date) as window_{{ days }}_start_on,
        {%- endfor %}
        reference_at,
        cast(reference_at as date) as reference_on

    from reference

),

cut_day_events as (

    select
        workspace_id,
        event_name,
        occurred_at

    from events
    where
        {%- for day_start in cut_day_starts %}
            {{ 'or' if not loop.first }} (
                occurred_at >= {{ day_start }}
                and occurred_at < {{ day_start }} + interval 1 day
            )
        {%- endfor %}

),

cut_day_counts as (

    select
        {%- for days in window_days %}
            count(*) filter (
                where (
                    cast(cut_day_events.occurred_at as date)
                    in (windows.window_{{ days }}_start_on, windows.reference_on)
                    and cut_day_events.occurred_at > windows.window_{{ days }}_start_at
                    and cut_day_events.occurred_at <= windows.reference_at
                )
            ) as events_last_{{ days }}_days,
        {%- endfor %}
        cut_day_events.workspace_id,
        cut_day_events.event_name

    from cut_day_events
    cross join windows
    group by cut_day_events.workspace_id, cut_day_events.event_name

),

whole_day_counts as (

    select
        daily_counts.workspace_id,
        daily_counts.event_name,
        {%- for days in window_days %}
            sum(daily_counts.events) filter (
                where (
                    daily_counts.occurred_on > windows.window_{{ days }}_start_on
                    and daily_counts.occurred_on < windows.reference_on
                )
            ) as events_last_{{ days }}_days,
        {%- endfor %}
        sum(daily_counts.events) as events_total,
        min(daily_counts.first_occurred_at) as first_seen_at,
        max(daily_counts.last_occurred_at) as last_seen_at

    from daily_counts
    cross join windows
    group by daily_counts.workspace_id, daily_counts.event_name

),

counts as (

    select
        whole_day_counts.workspace_id,
        whole_day_counts.event_name,
        {%- for days in window_days %}
            cast(
                coalesce(whole_day_counts.events_last_{{ days }}_days, 0)
                + coalesce(cut_day_counts.events_last_{{ days }}_days, 0)
                as bigint
            ) as events_last_{{ days }}_days,
        {%- endfor %}
        cast(whole_day_counts.events_total as bigint) as events_total,
        whole_day_counts.first_seen_at,
        whole_day_counts.last_seen_at

    from whole_day_counts
    left join cut_day_counts
        on whole_day_counts.workspace_id = cut_day_counts.workspace_id
        and whole_day_counts.event_name = cut_day_counts.event_name

),

final as (

    select
        counts.workspace_id,
        counts.event_name,
        counts.events_last_7_days,
        counts.events_last_30_days,
        counts.events_last_90_days,
        counts.events_total,
        counts.first_seen_at,
        counts.last_seen_at,
        coalesce(
            property_keys.property_keys, {{ goals_analytics.json_text_literal('[]') }}
        ) as property_keys

    from counts
    left join property_keys
        on counts.workspace_id = property_keys.workspace_id
        and counts.event_name = property_keys.event_name

)

select * from final
