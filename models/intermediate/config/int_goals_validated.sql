{#- Goals with their configuration typed, once int_config_validated has passed. -#}
-- depends_on: {{ ref('int_config_validated') }}
with

goals as (

    select * from {{ ref('stg_seeds__goals') }}

),

typed as (

    select
        workspace_id,
        goal_code,
        goal_name,
        goal_description,
        goal_kind,
        coalesce(lower(is_primary) = 'true', false) as is_primary,
        trigger_event,
        match_conditions,
        value_mode,
        case
            when value_mode = 'fixed' then {{ goals_analytics.plain_decimal_value('fixed_value') }}
        end as fixed_value,
        value_property,
        upper(currency) as currency,
        currency_property,
        base_value_property,
        base_currency_property,
        coalesce(
            cast(attribution_window_hours as integer),
            {{ goals_analytics.integer_var('default_attribution_window_hours') }}
        ) as attribution_window_hours,
        dedupe_property

    from goals

)

select * from typed
