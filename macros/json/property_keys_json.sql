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

{#- Spark: one struct per key, sorted by key; a null example is
    written as JSON null. -#}
{% macro spark__property_keys_json(key, types, example_text) -%}
    to_json(
        array_sort(
            collect_list(named_struct(
                'key', {{ key }},
                'types', {{ types }},
                'example', parse_json({{ example_text }})
            )),
            (left_key, right_key) -> case
                when left_key.key < right_key.key then -1
                when left_key.key > right_key.key then 1
                else 0
            end
        ),
        map('ignoreNullFields', 'false')
    )
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
