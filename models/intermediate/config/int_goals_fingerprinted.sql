{#- A fingerprint per goal of everything its outcomes depend on besides events: its
    configuration, its active periods (status history), its workspace's base
    currency and the list of ISO 4217 codes. An incremental build recomputes every
    outcome of a goal whose fingerprint changed since the last build. -#}
with

goals as (

    select * from {{ ref('int_goals_validated') }}

),

active_periods as (

    select * from {{ ref('int_goal_active_periods_derived') }}

),

workspaces as (

    select * from {{ ref('stg_seeds__workspaces') }}

),

currencies as (

    select * from {{ ref('stg_seeds__currencies') }}

),

periods_listed as (

    select
        workspace_id,
        goal_code,
        {{ goals_analytics.string_agg_ordered(
            "coalesce(cast(active_from as string), '') || '/' || coalesce(cast(active_until as string), '')",
            "','",
            order_by='active_from nulls first',
        ) }} as active_periods

    from active_periods
    group by workspace_id, goal_code

),

currency_codes as (

    select {{ goals_analytics.string_agg_ordered('currency_code', "','") }} as currency_codes
    from currencies

),

final as (

    select
        goals.workspace_id,
        goals.goal_code,
        {{ goals_analytics.fingerprint([
            'goals.goal_kind', 'goals.is_primary', 'goals.trigger_event',
            'goals.match_conditions', 'goals.value_mode', 'goals.fixed_value',
            'goals.value_property', 'goals.currency', 'goals.currency_property',
            'goals.base_value_property', 'goals.base_currency_property',
            'goals.attribution_window_hours', 'goals.dedupe_property',
            'periods_listed.active_periods', 'workspaces.base_currency',
            'currency_codes.currency_codes',
        ]) }} as goal_fingerprint

    from goals
    left join periods_listed
        on goals.workspace_id = periods_listed.workspace_id
        and goals.goal_code = periods_listed.goal_code
    left join workspaces
        on goals.workspace_id = workspaces.workspace_id
    cross join currency_codes

)

select * from final
