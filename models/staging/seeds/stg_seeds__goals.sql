{#- Goals as configured in seeds/goals.csv. Every column stays text here: the
    validation model reports malformed values by goal instead of failing a cast. -#}
with

source as (

    select * from {{ ref('goals') }}

),

renamed as (

    select
        nullif(trim(workspace_id), '') as workspace_id,
        nullif(trim(code), '') as goal_code,
        nullif(trim(name), '') as goal_name,
        nullif(trim(description), '') as goal_description,
        nullif(trim(kind), '') as goal_kind,
        nullif(trim(is_primary), '') as is_primary,
        nullif(trim(trigger_event), '') as trigger_event,
        nullif(trim(match_conditions), '') as match_conditions,
        nullif(trim(value_mode), '') as value_mode,
        nullif(trim(fixed_value), '') as fixed_value,
        nullif(trim(value_property), '') as value_property,
        nullif(trim(currency), '') as currency,
        nullif(trim(currency_property), '') as currency_property,
        nullif(trim(base_value_property), '') as base_value_property,
        nullif(trim(base_currency_property), '') as base_currency_property,
        nullif(trim(attribution_window_hours), '') as attribution_window_hours,
        nullif(trim(dedupe_property), '') as dedupe_property

    from source

)

select * from renamed
