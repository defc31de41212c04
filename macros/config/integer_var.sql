{#- A dbt var that must be a whole number, rendered as a SQL integer literal; any other
    value stops the build with a clear message (a var is never pasted into SQL as is). -#}
{% macro integer_var(name) -%}
    {%- set value = var(name) | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]+', value) -%}
        {{ exceptions.raise_compiler_error(
            "dbt var " ~ name ~ " must be a whole number, got '" ~ value ~ "'."
        ) }}
    {%- endif -%}
    {{ value | int }}
{%- endmacro %}
