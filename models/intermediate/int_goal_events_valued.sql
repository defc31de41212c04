{#- Value, display currency and base value of each matched event (docs/reference.md#32-value); a
    function of the row, so it does not matter that dedupe comes later. -#}
with

outcomes as (

    select * from {{ ref('int_goal_events_extracted') }}

),

goals as (

    select * from {{ ref('int_goals_validated') }}

),

workspaces as (

    select * from {{ ref('stg_seeds__workspaces') }}

),

currencies as (

    select * from {{ ref('stg_seeds__currencies') }}

),

read_properties as (

    select
        outcomes.*,
        goals.goal_kind,
        goals.is_primary,
        goals.value_mode,
        goals.fixed_value,
        goals.currency as goal_currency,
        goals.attribution_window_hours,
        workspaces.base_currency as workspace_base_currency,
        {{ goals_analytics.json_number_value('outcomes.value_json') }} as property_value,
        {{ goals_analytics.json_number_value('outcomes.base_value_json') }} as property_base_value,
        case
            when {{ goals_analytics.json_kind('outcomes.currency_json') }} = 'string'
                then upper({{ goals_analytics.json_string_value('outcomes.currency_json') }})
        end as currency_candidate,
        case
            when {{ goals_analytics.json_kind('outcomes.base_currency_json') }} = 'string'
                then upper({{ goals_analytics.json_string_value('outcomes.base_currency_json') }})
        end as base_currency_candidate

    from outcomes
    inner join goals
        on outcomes.workspace_id = goals.workspace_id
        and outcomes.goal_code = goals.goal_code
    inner join workspaces
        on outcomes.workspace_id = workspaces.workspace_id

),

checked as (

    select
        read_properties.*,
        display_currencies.currency_code as property_currency,
        base_currencies.currency_code as property_base_currency,
        case read_properties.value_mode
            when 'fixed' then read_properties.fixed_value
            when 'from_property' then read_properties.property_value
        end as outcome_value

    from read_properties
    left join currencies as display_currencies
        on read_properties.currency_candidate = display_currencies.currency_code
    left join currencies as base_currencies
        on read_properties.base_currency_candidate = base_currencies.currency_code

),

final as (

    select
        workspace_id,
        goal_code,
        goal_kind,
        is_primary,
        event_id,
        event_name,
        event_source,
        occurred_at,
        customer_id,
        conversation_id,
        attribution_window_hours,
        -- the marts' column name
        outcome_value as value,  -- noqa: RF04
        case
            when outcome_value is not null
                then coalesce(property_currency, goal_currency, workspace_base_currency)
        end as currency,
        case
            when outcome_value is not null then coalesce(property_base_value, outcome_value)
        end as base_value,
        case
            when outcome_value is not null
                then coalesce(property_base_currency, workspace_base_currency)
        end as base_currency,
        case
            when outcome_value is null then null
            when property_base_value is not null then 'property'
            else 'display'
        end as base_value_source,
        case
            when value_mode = 'from_property' and value_json is null then 'value_missing'
            when value_mode = 'from_property' and property_value is null then 'value_not_numeric'
            when outcome_value is null then null
            when currency_json is not null and property_currency is null then 'currency_invalid'
            when base_value_json is not null and property_base_value is null
                then 'base_value_not_numeric'
            when base_currency_json is not null and property_base_currency is null
                then 'base_currency_invalid'
        end as value_issue,
        dedupe_signature,
        loaded_at

    from checked

)

select * from final
