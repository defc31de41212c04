{#- Aggregate: the JSON list of a group's property keys, ordered by key, each
    {"key": ..., "types": [...], "example": <JSON value or null>}; `example_text` is JSON
    text or null. -#}
{% macro property_keys_json(key, types, example_text) -%}
    {{ return(adapter.dispatch('property_keys_json', 'goals_analytics')(key, types, example_text)) }}
{%- endmacro %}

{% macro duckdb__property_keys_json(key, types, example_text) -%}
    to_json(list(
        {
            'key': {{ key }},
            'types': {{ types }},
            'example': json({{ example_text }})
        }
        order by {{ key }}
    ))
{%- endmacro %}

{#- Spark: written as text, so each example keeps its JSON text as it is (a VARIANT
    would sort an object's keys and rewrite its numbers); keys sorted. -#}
{% macro spark__property_keys_json(key, types, example_text) -%}
    '[' || array_join(
        transform(
            array_sort(collect_list(named_struct(
                'key', {{ key }},
                'entry', '{"key":' || to_json(cast({{ key }} as variant))
                    || ',"types":' || to_json({{ types }})
                    || ',"example":' || coalesce({{ example_text }}, 'null') || '}'
            ))),
            key_entry -> key_entry.entry
        ),
        ','
    ) || ']'
{%- endmacro %}

{#- A JSON text as the type of a JSON column: JSON on DuckDB, a string on Spark. -#}
{% macro json_text_literal(text) -%}
    {{ return(adapter.dispatch('json_text_literal', 'goals_analytics')(text)) }}
{%- endmacro %}

{% macro duckdb__json_text_literal(text) -%}
    json('{{ text }}')
{%- endmacro %}

{% macro default__json_text_literal(text) -%}
    '{{ text }}'
{%- endmacro %}

{#- A text expression as a value of a JSON column: json(...) on DuckDB, the text itself on
    Spark. -#}
{% macro as_json(text_expression) -%}
    {{ return(adapter.dispatch('as_json', 'goals_analytics')(text_expression)) }}
{%- endmacro %}

{% macro duckdb__as_json(text_expression) -%}
    json({{ text_expression }})
{%- endmacro %}

{% macro default__as_json(text_expression) -%}
    {{ text_expression }}
{%- endmacro %}
