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

{#- Spark: the same text as DuckDB's (each value written as the JSON it is, not as a
    string holding it). -#}
{% macro spark__json_object_sorted(json_text) -%}
    '[' || array_join(
        transform(
            array_sort(map_entries({{ goals_analytics.json_object_to_map(json_text) }})),
            json_entry -> '{"key":' || to_json(cast(json_entry.key as variant))
                || ',"value":' || coalesce(json_entry.value, 'null') || '}'
        ),
        ','
    ) || ']'
{%- endmacro %}
