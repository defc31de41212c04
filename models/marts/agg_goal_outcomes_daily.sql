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
            when none of its valued outcomes is chat-driven. The same rule for the
            display and the base values. #}
        -- sqlfluff cannot indent a loop whose last column has no comma
        -- noqa: disable=LT02
        {% for prefix, column in [('', 'value'), ('base_', 'base_value')] -%}
            cast(sum({{ column }}) as {{ goals_analytics.money_type() }}) as {{ prefix }}revenue,
            cast(
                case
                    when count({{ column }}) > 0
                        then coalesce(sum({{ column }}) filter (where is_chat_driven), 0)
                end
                as {{ goals_analytics.money_type() }}
            ) as chat_driven_{{ prefix }}revenue{{ ',' if not loop.last }}
        {% endfor %}
    -- noqa: enable=LT02

    from localized
    group by workspace_id, outcome_date, goal_code, currency, base_currency

)

select * from final
