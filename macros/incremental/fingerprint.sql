{#- A text that changes whenever any of the expressions does (md5 of their values
    as a JSON array of strings, so nulls and separators cannot collide). -#}
{% macro fingerprint(expressions) -%}
    {{ return(adapter.dispatch('fingerprint', 'goals_analytics')(expressions)) }}
{%- endmacro %}

{% macro duckdb__fingerprint(expressions) -%}
    md5(to_json([
        {%- for expression in expressions %}
        cast({{ expression }} as varchar){{ "," if not loop.last }}
        {%- endfor %}
    ]))
{%- endmacro %}

{% macro default__fingerprint(expressions) -%}
    md5(to_json(array(
        {%- for expression in expressions %}
        cast({{ expression }} as string){{ "," if not loop.last }}
        {%- endfor %}
    )))
{%- endmacro %}
