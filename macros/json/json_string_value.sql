{#- The unescaped text of a JSON string value given as JSON text ('"a\u0041"' -> 'aA'). -#}
{% macro json_string_value(json_text) -%}
    {{ return(adapter.dispatch('json_string_value', 'goals_analytics')(json_text)) }}
{%- endmacro %}

{% macro duckdb__json_string_value(json_text) -%}
    json_extract_string({{ json_text }}, '$')
{%- endmacro %}

{% macro default__json_string_value(json_text) -%}
    from_json({{ json_text }}, 'string')
{%- endmacro %}

{% macro spark__json_string_value(json_text) -%}
    variant_get(parse_json({{ json_text }}), '$', 'string')
{%- endmacro %}
