{#- Parse a JSON object once into a map of top-level key -> value as minified JSON
    text. A JSON null value is a present key with a SQL null value. -#}
{% macro json_object_to_map(json_text) -%}
    {{ return(adapter.dispatch('json_object_to_map', 'goals_analytics')(json_text)) }}
{%- endmacro %}

{% macro duckdb__json_object_to_map(json_text) -%}
    json_transform({{ json_text }}, '"MAP(VARCHAR, JSON)"')
{%- endmacro %}

{% macro default__json_object_to_map(json_text) -%}
    {{ exceptions.raise_compiler_error("json_object_to_map has no implementation for adapter '" ~ adapter.type() ~ "': add a " ~ adapter.type() ~ "__json_object_to_map macro") }}
{%- endmacro %}
