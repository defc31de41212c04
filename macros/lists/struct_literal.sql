{#- A struct with the named fields: `fields` is a list of (name, SQL expression). -#}
{% macro struct_literal(fields) -%}
    {{ return(adapter.dispatch('struct_literal', 'goals_analytics')(fields)) }}
{%- endmacro %}

{% macro duckdb__struct_literal(fields) -%}
    {
        {%- for name, expression in fields %}
        '{{ name }}': {{ expression }}{{ ',' if not loop.last }}
        {%- endfor %}
    }
{%- endmacro %}

{% macro spark__struct_literal(fields) -%}
    named_struct(
        {%- for name, expression in fields %}
        '{{ name }}', {{ expression }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}
