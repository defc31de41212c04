{#- The exact decimal type of every money column (SPEC 3.2: at least 4 fractional digits). -#}
{% macro money_type() -%}
    decimal(38, 10)
{%- endmacro %}
