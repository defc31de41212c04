{#- Whether `key` is present in a map (also when its value is null). -#}
{% macro map_has_key(map, key) -%}
    {{ return(adapter.dispatch('map_has_key', 'goals_analytics')(map, key)) }}
{%- endmacro %}

{% macro duckdb__map_has_key(map, key) -%}
    map_contains({{ map }}, {{ key }})
{%- endmacro %}

{% macro default__map_has_key(map, key) -%}
    map_contains_key({{ map }}, {{ key }})
{%- endmacro %}
