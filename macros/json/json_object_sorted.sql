{#- A JSON object's text with its top-level keys in sorted order, so that two objects
    differing only in key order compare equal. -#}
{% macro json_object_sorted(json_text) -%}
    {{ return(adapter.dispatch('json_object_sorted', 'goals_analytics')(json_text)) }}
{%- endmacro %}

{% macro duckdb__json_object_sorted(json_text) -%}
    to_json(list_sort(map_entries({{ goals_analytics.json_object_to_map(json_text) }})))
{%- endmacro %}

{% macro default__json_object_sorted(json_text) -%}
    to_json(array_sort(map_entries({{ goals_analytics.json_object_to_map(json_text) }})))
{%- endmacro %}
