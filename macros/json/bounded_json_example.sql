{#- A JSON example value bounded for display: a string longer than `max_chars`
    characters becomes its first `max_chars` characters followed by '…' (U+2026), still a
    JSON string; an object or array whose JSON text is longer than `max_container_chars`
    becomes SQL null (no example); anything else is kept as it is. Dispatched. -#}
{% macro bounded_json_example(json_text, max_chars, max_container_chars) -%}
    {{ return(adapter.dispatch('bounded_json_example', 'goals_analytics')(json_text, max_chars, max_container_chars)) }}
{%- endmacro %}

{% macro duckdb__bounded_json_example(json_text, max_chars, max_container_chars) -%}
    (case
        when json_type({{ json_text }}) = 'VARCHAR'
            and length(json_extract_string({{ json_text }}, '$')) > {{ max_chars }}
            then cast(to_json(left(json_extract_string({{ json_text }}, '$'), {{ max_chars }}) || '…') as varchar)
        when json_type({{ json_text }}) in ('OBJECT', 'ARRAY')
            and length(cast({{ json_text }} as varchar)) > {{ max_container_chars }}
            then null
        else cast({{ json_text }} as varchar)
    end)
{%- endmacro %}

{% macro spark__bounded_json_example(json_text, max_chars, max_container_chars) -%}
    (case
        when left({{ json_text }}, 1) = '"'
            and length({{ goals_analytics.json_string_value(json_text) }}) > {{ max_chars }}
            then to_json(cast(
                left({{ goals_analytics.json_string_value(json_text) }}, {{ max_chars }}) || '…'
                as variant
            ))
        when left({{ json_text }}, 1) in ('{', '[')
            and length({{ json_text }}) > {{ max_container_chars }}
            then null
        else {{ json_text }}
    end)
{%- endmacro %}
