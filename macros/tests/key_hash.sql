{#- One 64-bit hash of a row's key columns, for grouping a large table by key cheaply:
    equal keys hash equal; a collision only costs an exact re-check. Dispatched:
    DuckDB `hash`, Spark `xxhash64`. -#}
{% macro key_hash(columns) -%}
    {{ return(adapter.dispatch('key_hash', 'goals_analytics')(columns)) }}
{%- endmacro %}

{% macro duckdb__key_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__key_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{% macro default__key_hash(columns) -%}
    md5(concat({% for column in columns %}coalesce(cast({{ column }} as varchar), ''), '|'{{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}
