{#- Why a text is not a flat, strict JSON object of strings, numbers, booleans and
    nulls (docs/reference.md#22-goals match_conditions), or null when it is one. -#}
{% macro flat_json_object_problem(text) -%}
    {{ return(adapter.dispatch('flat_json_object_problem', 'goals_analytics')(text)) }}
{%- endmacro %}

{% macro duckdb__flat_json_object_problem(text) -%}
    {#- DuckDB's parser is lenient, so strictness is checked on the text with every
        string literal blanked out: what is left may not hold NaN/Infinity or a
        trailing comma. -#}
    {%- set unquoted = "regexp_replace(" ~ text ~ ", '\"(\\\\.|[^\"\\\\])*\"', '\"\"', 'g')" -%}
    (case
        when {{ text }} is null then null
        when not json_valid({{ text }}) then 'is not valid JSON'
        when regexp_matches({{ unquoted }}, ',\s*[\]}]') then 'is not strict JSON (trailing comma)'
        when regexp_matches(lower({{ unquoted }}), 'nan|inf') then 'is not strict JSON (NaN or Infinity)'
        when json_type({{ text }}) <> 'OBJECT' then 'is not a JSON object'
        when len(json_keys({{ text }})) <> len(list_distinct(json_keys({{ text }})))
            then 'has a duplicate key'
        when list_bool_or(list_transform(
                map_values({{ goals_analytics.json_object_to_map(text) }}),
                lambda v: left(v, 1) in ('{', '[')
            )) then 'is not flat: values must be strings, numbers, booleans or null'
    end)
{%- endmacro %}

{#- Spark's VARIANT parser is strict (no trailing comma, NaN, Infinity or duplicate
    key): a text it refuses is told apart, in DuckDB's order of the checks, with the
    same blanked text. -#}
{% macro spark__flat_json_object_problem(text) -%}
    {%- set unquoted = "regexp_replace(" ~ text ~ ", r'\"(\\\\.|[^\"\\\\])*\"', '\"\"')" -%}
    (case
        when {{ text }} is null then null
        when try_parse_json({{ text }}) is null and regexp_like({{ unquoted }}, r',\s*[\]}]')
            then 'is not strict JSON (trailing comma)'
        when try_parse_json({{ text }}) is null and regexp_like(lower({{ unquoted }}), 'nan|inf')
            then 'is not strict JSON (NaN or Infinity)'
        when try_parse_json({{ text }}) is null
            and size(json_object_keys({{ text }})) <> size(array_distinct(json_object_keys({{ text }})))
            then 'has a duplicate key'
        when try_parse_json({{ text }}) is null then 'is not valid JSON'
        when schema_of_variant(parse_json({{ text }})) not like 'OBJECT%' then 'is not a JSON object'
        when exists(
                map_values({{ goals_analytics.json_object_to_map(text) }}),
                json_value -> left(json_value, 1) in ('{', '[')
            ) then 'is not flat: values must be strings, numbers, booleans or null'
    end)
{%- endmacro %}

{% macro default__flat_json_object_problem(text) -%}
    {{ exceptions.raise_compiler_error("flat_json_object_problem has no implementation for adapter '" ~ adapter.type() ~ "'") }}
{%- endmacro %}
