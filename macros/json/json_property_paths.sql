{#- JSONPath texts for reading event properties with json_path_extract. Each name is
    quoted (`$."a.b"`), so a key is always literal: a dot, quote or backslash in it
    never reads as syntax. -#}

{#- The path of a literal top-level key: `a.b` is the property named `a.b`. -#}
{% macro json_key_path(key) -%}
    {{ return(adapter.dispatch('json_key_path', 'goals_analytics')(key)) }}
{%- endmacro %}

{% macro default__json_key_path(key) -%}
    ('$."' || replace(replace({{ key }}, '\', '\\'), '"', '\"') || '"')
{%- endmacro %}

{#- The path of a dotted property path: `order.grand_total` walks into `order`. -#}
{% macro json_property_path(path) -%}
    {{ return(adapter.dispatch('json_property_path', 'goals_analytics')(path)) }}
{%- endmacro %}

{% macro default__json_property_path(path) -%}
    ('$."' || replace(replace(replace({{ path }}, '\', '\\'), '"', '\"'), '.', '"."') || '"')
{%- endmacro %}

{#- Spark: a path is the JSON list of its literal keys, e.g. `["order","id"]`
    (spark__json_path_extract walks it), a text as on DuckDB. -#}
{% macro spark__json_key_path(key) -%}
    to_json(array({{ key }}))
{%- endmacro %}

{% macro spark__json_property_path(path) -%}
    to_json({{ goals_analytics.split_text(path, '.') }})
{%- endmacro %}

{#- The JSON text at a JSONPath of a JSON object (from json_property_path); SQL null
    when the path is missing or holds a JSON null, or when `json_path` is null. -#}
{% macro property_json(json_text, json_path) -%}
    nullif({{ goals_analytics.json_path_extract(json_text, json_path) }}, 'null')
{%- endmacro %}
