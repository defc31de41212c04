{#- The value stored under `key` in a map, or null when the key is absent. -#}
{% macro map_value(map, key) -%}
    {{ return(adapter.dispatch('map_value', 'goals_analytics')(map, key)) }}
{%- endmacro %}

{% macro duckdb__map_value(map, key) -%}
    {{ map }}[{{ key }}]
{%- endmacro %}

{% macro default__map_value(map, key) -%}
    element_at({{ map }}, {{ key }})
{%- endmacro %}
