{#- The JSON text at a JSONPath (`$."a"."b"`) inside a JSON document, 'null' for a
    JSON null, and SQL null when the path is missing. `path` may vary per row. -#}
{% macro json_path_extract(json_text, path) -%}
    {{ return(adapter.dispatch('json_path_extract', 'goals_analytics')(json_text, path)) }}
{%- endmacro %}

{% macro duckdb__json_path_extract(json_text, path) -%}
    json_extract({{ json_text }}, {{ path }})
{%- endmacro %}

{% macro default__json_path_extract(json_text, path) -%}
    {{ exceptions.raise_compiler_error("json_path_extract has no implementation for adapter '" ~ adapter.type() ~ "'") }}
{%- endmacro %}

{#- Spark: the path is the JSON list of its literal keys (spark__json_key_path,
    spark__json_property_path), walked one object at a time, so no key is ever read as
    path syntax. -#}
{% macro spark__json_path_extract(json_text, path) -%}
    aggregate(
        from_json({{ path }}, 'array<string>'),
        cast({{ json_text }} as string),
        (json_at, json_key) -> try_element_at(
            {{ goals_analytics.spark_json_members('json_at') }}, json_key
        )
    )
{%- endmacro %}
