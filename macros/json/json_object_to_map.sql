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

{#- Spark: each value parsed as a VARIANT and written back as minified JSON text (object
    keys sorted, numbers in their shortest form), which is what the typed comparisons
    read. -#}
{% macro spark__json_object_to_map(json_text) -%}
    transform_values(
        from_json({{ json_text }}, 'map<string, variant>'),
        (json_key, json_value) -> case
            when json_value is null or is_variant_null(json_value) then null
            else to_json(json_value)
        end
    )
{%- endmacro %}
