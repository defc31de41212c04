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

{#- Spark: each value as the minified JSON text DuckDB writes (Spark's JSON reader gives
    the text of numbers, objects and arrays as such, and a string unquoted: a string is
    written back from its VARIANT). -#}
{% macro spark__json_object_to_map(json_text) -%}
    transform_values(
        {{ goals_analytics.spark_json_members(json_text) }},
        (json_key, json_value) -> nullif(json_value, 'null')
    )
{%- endmacro %}

{#- Spark: a JSON object's top-level keys -> their values as minified JSON text, 'null'
    for a JSON null; null when the text is not an object. -#}
{% macro spark_json_members(json_text) -%}
    map_zip_with(
        from_json({{ json_text }}, 'map<string, string>'),
        from_json({{ json_text }}, 'map<string, variant>'),
        (member_key, member_text, member_value) -> case
            when member_value is null or is_variant_null(member_value) then 'null'
            when schema_of_variant(member_value) = 'STRING' then to_json(member_value)
            else member_text
        end
    )
{%- endmacro %}
