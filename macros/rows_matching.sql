{#- A select of the rows of `relation` whose `keys` occur in `keys_relation` (a
    relation or a CTE holding those key columns): the stored rows an incremental run
    folds its batch into, or the rows a change-queue consumer re-reads. Dispatched.

    The match is an EXISTS, so the engine hashes the small side (as an inner join,
    DuckDB estimated the filtered new events larger than the stored table and hashed
    the whole table: 0.2 s at 10M events even with nothing new). DuckDB still read
    every column of every stored row before the semi join (0.045 s for 1M
    conversations at 10M events, whatever the batch); its variant finds the row ids
    from the key columns alone, then reads whole rows for those ids only (0.02 s). -#}
{% macro rows_matching(relation, keys_relation, keys) -%}
    {{ return(adapter.dispatch('rows_matching', 'goals_analytics')(relation, keys_relation, keys)) }}
{%- endmacro %}

{% macro default__rows_matching(relation, keys_relation, keys) -%}
    select matched.*
    from {{ relation }} as matched
    where {{ goals_analytics.keys_occur_in(keys_relation, 'matched', keys) }}
{%- endmacro %}

{% macro duckdb__rows_matching(relation, keys_relation, keys) -%}
    {#- a dbt unit test gives `this` as a CTE of fixture rows, which has no row ids -#}
    {%- if model.resource_type == 'unit_test' -%}
        {{ return(goals_analytics.default__rows_matching(relation, keys_relation, keys)) }}
    {%- endif -%}
    select *
    from {{ relation }}
    where rowid in (
        select matched.rowid
        from {{ relation }} as matched
        where {{ goals_analytics.keys_occur_in(keys_relation, 'matched', keys) }}
    )
{%- endmacro %}
