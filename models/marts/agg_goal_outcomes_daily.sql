{#- Outcomes and revenue per workspace, local day (workspace time zone), goal,
    display currency and base currency. Revenue breaks down by display currency;
    base revenue rolls into the base currency. Revenue of a group without any value
    is null (goals that only count), not 0. -#}
with

outcomes as (

    select * from {{ ref('fct_goal_outcomes') }}

),

workspaces as (

    select * from {{ ref('stg_seeds__workspaces') }}

),

localized as (

    select
        outcomes.*,
        {{ goals_analytics.to_local_date('outcomes.occurred_at', 'workspaces.time_zone') }}
            as outcome_date

    from outcomes
    inner join workspaces
        on outcomes.workspace_id = workspaces.workspace_id

),

final as (

    select
        workspace_id,
        outcome_date,
        goal_code,
        currency,
        base_currency,
        count(*) as outcomes,
        count(*) filter (where is_chat_driven) as chat_driven_outcomes,
        {#- revenue is null for a group that holds no value (goals that only count): no
            sale, rather than a sale of 0; chat-driven revenue of a valued group is 0
            when none of its valued outcomes is chat-driven -#}
        cast(sum(value) as {{ goals_analytics.money_type() }}) as revenue,
        cast(
            case
                when count(value) > 0
                    then coalesce(sum(value) filter (where is_chat_driven), 0)
            end
            as {{ goals_analytics.money_type() }}
        ) as chat_driven_revenue,
        cast(sum(base_value) as {{ goals_analytics.money_type() }}) as base_revenue,
        cast(
            case
                when count(base_value) > 0
                    then coalesce(sum(base_value) filter (where is_chat_driven), 0)
            end
            as {{ goals_analytics.money_type() }}
        ) as chat_driven_base_revenue

    from localized
    group by workspace_id, outcome_date, goal_code, currency, base_currency

)

select * from final
