{#- Outcomes and revenue per workspace, local day (workspace time zone), goal,
    display currency and base currency. Revenue breaks down by display currency;
    base revenue rolls into the base currency. Revenue of a group without any value
    is null (goals that only count), not 0.

    Time zone conversion is the costly step, so it is done per hour, not per outcome:
    the outcomes' sums per UTC hour (int_goal_outcome_sums_hourly, which a scheduled
    run updates for the hours it changed) are dated as a whole when the hour's local
    clock stays on one date and runs evenly through it (no midnight and no change of
    offset inside the hour). The outcomes of the other hours (a zone with a half-hour
    offset, an offset change inside the hour) are dated one by one. Counts and exact
    decimal sums add up the same either way. -#}
{%- set keys = ['workspace_id', 'goal_code', 'currency', 'base_currency'] -%}
{%- set money = goals_analytics.money_type() -%}
{%- set sums = ['value', 'base_value'] -%}
with

outcomes as (

    select * from {{ ref('fct_goal_outcomes') }}

),

workspaces as (

    select * from {{ ref('stg_seeds__workspaces') }}

),

hourly as (

    select * from {{ ref('int_goal_outcome_sums_hourly') }}

),

hours as (

    select distinct
        hourly.workspace_id,
        hourly.utc_hour,
        workspaces.time_zone

    from hourly
    inner join workspaces
        on hourly.workspace_id = workspaces.workspace_id

),

hours_localized as (

    select
        workspace_id,
        utc_hour,
        time_zone,
        {{ goals_analytics.to_local_timestamp('utc_hour', 'time_zone') }} as local_first,
        {{ goals_analytics.to_local_timestamp(
            'utc_hour + interval 1 hour - interval 1 microsecond', 'time_zone'
        ) }} as local_last

    from hours

),

hours_dated as (

    select
        workspace_id,
        utc_hour,
        time_zone,
        cast(local_first as date) as outcome_date,
        cast(local_first as date) = cast(local_last as date)
        and local_last = local_first + interval 1 hour - interval 1 microsecond
            as is_one_date

    from hours_localized

),

whole_hours as (

    select
        hourly.*,
        hours_dated.outcome_date

    from hourly
    inner join hours_dated
        on hourly.workspace_id = hours_dated.workspace_id
        and hourly.utc_hour = hours_dated.utc_hour
    where hours_dated.is_one_date

),

split_hours_dated as {{ goals_analytics.materialized() }} (

    select * from hours_dated
    where not is_one_date

),

split_hour_outcomes as (

    -- read from the earliest split hour on (none: no row), so that the database skips
    -- the row groups of outcomes that end before it
    select
        outcomes.*,
        split_hours_dated.utc_hour,
        {{ goals_analytics.to_local_date('outcomes.occurred_at', 'split_hours_dated.time_zone') }}
            as outcome_date

    from outcomes
    inner join split_hours_dated
        on outcomes.workspace_id = split_hours_dated.workspace_id
        and date_trunc('hour', outcomes.occurred_at) = split_hours_dated.utc_hour
    where
        outcomes.occurred_at >= (
            select min(earliest.utc_hour) from split_hours_dated as earliest
        )

),

split_hours as (

    {#- the columns of whole_hours, in its order #}
    select
        {{ keys | join(', ') }},
        utc_hour,
        {{ goals_analytics.outcome_partial_sums(sums) }},
        outcome_date

    from split_hour_outcomes
    group by {{ keys | join(', ') }}, utc_hour, outcome_date

),

parts as (

    select * from whole_hours
    union all
    select * from split_hours

),

final as (

    select
        workspace_id,
        outcome_date,
        goal_code,
        currency,
        base_currency,
        cast(sum(outcomes) as bigint) as outcomes,
        cast(sum(chat_driven_outcomes) as bigint) as chat_driven_outcomes,
        {#- revenue is null for a group that holds no value (goals that only count): no
            sale, rather than a sale of 0; chat-driven revenue of a valued group is 0
            when none of its valued outcomes is chat-driven. The same rule for the
            display and the base values. #}
        -- sqlfluff cannot indent a loop whose last column has no comma
        -- noqa: disable=LT02
        {% for prefix, column in [('', 'value'), ('base_', 'base_value')] -%}
            cast(sum({{ column }}_sum) as {{ money }}) as {{ prefix }}revenue,
            cast(
                case
                    when sum({{ column }}_count) > 0
                        then coalesce(sum(chat_driven_{{ column }}_sum), 0)
                end
                as {{ money }}
            ) as chat_driven_{{ prefix }}revenue{{ ',' if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from parts
    group by workspace_id, outcome_date, goal_code, currency, base_currency

)

select * from final
