{#- SPEC 3.1's dedupe_property rule over a relation of matched events: of the rows of
    one goal whose dedupe_signature is equal, only the earliest by (occurred_at,
    event_id) stays; rows without a signature (path missing or null) all stay.
    Used by the full build and by the incremental one (over the new candidates and
    the outcomes they compete with), so both apply the same rule. Callers name the
    columns they keep: the default variant leaves the helper column dedupe_rank in. -#}
{% macro deduplicate_outcomes(relation) -%}
    {{ return(adapter.dispatch('deduplicate_outcomes', 'goals_analytics')(relation)) }}
{%- endmacro %}

{% macro duckdb__deduplicate_outcomes(relation) -%}
    select * exclude (dedupe_rank)
    from ({{ goals_analytics.default__deduplicate_outcomes(relation) }}) as deduplicated
{%- endmacro %}

{% macro default__deduplicate_outcomes(relation) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by workspace_id, goal_code, dedupe_signature
                order by occurred_at, event_id
            ) as dedupe_rank

        from {{ relation }}
    ) as ranked
    where dedupe_signature is null
        or dedupe_rank = 1
{%- endmacro %}
