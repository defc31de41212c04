{#- Outcomes and revenue per workspace, local day (workspace time zone), goal,
    display currency and base currency. Revenue breaks down by display currency;
    base revenue rolls into the base currency. Sums over no value are 0. -#}
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
        {{ goals_analytics.to_local_date('outcomes.occurred_at', 'workspaces.time_zone') }} as outcome_date

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
        cast(coalesce(sum(value), 0) as {{ goals_analytics.money_type() }}) as revenue,
        cast(coalesce(sum(value) filter (where is_chat_driven), 0) as {{ goals_analytics.money_type() }})
            as chat_driven_revenue,
        cast(coalesce(sum(base_value), 0) as {{ goals_analytics.money_type() }}) as base_revenue,
        cast(coalesce(sum(base_value) filter (where is_chat_driven), 0) as {{ goals_analytics.money_type() }})
            as chat_driven_base_revenue

    from localized
    group by workspace_id, outcome_date, goal_code, currency, base_currency

)

select * from final
