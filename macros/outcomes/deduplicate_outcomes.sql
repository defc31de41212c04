{#- The dedupe_property rule (docs/reference.md#31-matching) over a relation of matched
    events: of the rows of one goal whose dedupe_signature is equal, only the earliest
    by (occurred_at, event_id) stays; rows without a signature (path missing or null)
    all stay. Used by the full build and by the incremental one (over the new
    candidates and the outcomes they compete with), so both apply the same rule.

    Only the rows with a signature are ranked: on goal-dense data most outcomes have
    none, and sorting them all was the costliest step of a full build. `relation` is
    read twice, so callers pass a materialized CTE or a table. The result keeps the
    helper column dedupe_rank: callers name the columns they keep. -#}
{% macro deduplicate_outcomes(relation) -%}
    select
        *,
        1 as dedupe_rank

    from {{ relation }}
    where dedupe_signature is null

    union all

    select *
    from (
        select
            *,
            row_number() over (
                partition by workspace_id, goal_code, dedupe_signature
                order by occurred_at, event_id
            ) as dedupe_rank

        from {{ relation }}
        where dedupe_signature is not null
    ) as ranked
    where dedupe_rank = 1
{%- endmacro %}
