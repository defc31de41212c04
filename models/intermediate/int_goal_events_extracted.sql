{#- Each matched event (int_goal_events_matched) with the JSON texts at its goal's value,
    currency, base value, base currency and dedupe paths (docs/reference.md#32-value), read
    for the events that matched only, one json_extract each; int_goal_events_valued types
    them. The dedupe value becomes its typed-equality signature here, from the extracted
    text: the signature reads its argument many times. -#}
with

matched as (

    select * from {{ ref('int_goal_events_matched') }}

),

goals as (

    select * from {{ ref('int_goal_conditions_indexed') }}

),

read_paths as (

    select
        matched.*,
        {{ goals_analytics.property_json('matched.properties', 'goals.value_path') }} as value_json,
        {{ goals_analytics.property_json('matched.properties', 'goals.currency_path') }}
            as currency_json,
        {{ goals_analytics.property_json('matched.properties', 'goals.base_value_path') }}
            as base_value_json,
        {{ goals_analytics.property_json('matched.properties', 'goals.base_currency_path') }}
            as base_currency_json,
        {{ goals_analytics.property_json('matched.properties', 'goals.dedupe_path') }}
            as dedupe_json

    from matched
    inner join goals
        on matched.workspace_id = goals.workspace_id
        and matched.goal_code = goals.goal_code

),

final as (

    select
        workspace_id,
        goal_code,
        event_id,
        event_name,
        event_source,
        occurred_at,
        customer_id,
        conversation_id,
        value_json,
        currency_json,
        base_value_json,
        base_currency_json,
        {{ goals_analytics.json_value_signature('dedupe_json') }} as dedupe_signature,
        loaded_at

    from read_paths

)

select * from final
