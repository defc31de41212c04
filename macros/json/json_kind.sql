{#- The JSON type of a minified JSON text: string, number, boolean, null, object or
    array (null when the text itself is SQL null). Portable: it reads the first
    character, so it needs no JSON function. -#}
{% macro json_kind(json_text) -%}
    (case
        when {{ json_text }} is null then null
        when left({{ json_text }}, 1) = '"' then 'string'
        when left({{ json_text }}, 1) = '{' then 'object'
        when left({{ json_text }}, 1) = '[' then 'array'
        when {{ json_text }} in ('true', 'false') then 'boolean'
        when {{ json_text }} = 'null' then 'null'
        else 'number'
    end)
{%- endmacro %}
