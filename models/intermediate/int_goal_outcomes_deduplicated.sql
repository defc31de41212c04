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
        {%- for column in goals_analytics.valued_columns() %}
            {{ column }},
        {%- endfor %}
        loaded_at

    from deduplicated

)

select * from final
