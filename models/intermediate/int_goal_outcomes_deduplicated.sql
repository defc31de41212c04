{#- One outcome per equal dedupe value (docs/reference.md#31-matching): every valued
    match, less the later ones of a goal whose dedupe_property value repeats. -#}
with

valued as {{ goals_analytics.materialized() }} (

    select * from {{ ref('int_goal_events_valued') }}

),

deduplicated as (

    {{ goals_analytics.deduplicate_outcomes('valued') }}

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
        value,
        currency,
        base_value,
        base_currency,
        base_value_source,
        value_issue,
        dedupe_signature,
        loaded_at

    from deduplicated

)

select * from final
