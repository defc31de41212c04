{#- The shape of a JSON object: an object of its top-level keys, each with its JSON type
    ('"VARCHAR"', '"BOOLEAN"', '"NULL"', an object or a list for nested values, another
    type name for numbers), so that events whose properties have the same keys with the
    same types share a shape. -#}
{% macro json_shape(json_text) -%}
    {{ return(adapter.dispatch('json_shape', 'goals_analytics')(json_text)) }}
{%- endmacro %}

{% macro duckdb__json_shape(json_text) -%}
    json_structure({{ json_text }})
{%- endmacro %}

{#- Spark: each top-level value's type only (nested values are `{}` or `[]`), keys
    sorted; coarser than DuckDB's json_structure, which changes no key's types or
    example (int_event_keys_summarized). -#}
{% macro spark__json_shape(json_text) -%}
    to_json(map_from_entries(array_sort(
        map_entries(transform_values(
        from_json({{ json_text }}, 'map<string, variant>'),
        (json_key, json_value) -> case
            when json_value is null or is_variant_null(json_value) then parse_json('"NULL"')
            when schema_of_variant(json_value) = 'STRING' then parse_json('"VARCHAR"')
            when schema_of_variant(json_value) = 'BOOLEAN' then parse_json('"BOOLEAN"')
            when schema_of_variant(json_value) like 'OBJECT%' then parse_json('{}')
            when schema_of_variant(json_value) like 'ARRAY%' then parse_json('[]')
            else parse_json('"DOUBLE"')
        end
        )),
        (left_entry, right_entry) -> case
            when left_entry.key < right_entry.key then -1
            when left_entry.key > right_entry.key then 1
            else 0
        end
    )))
{%- endmacro %}
