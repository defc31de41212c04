{#- The exact decimal type of every money column (docs/reference.md#32-value: at least 4 fractional digits). -#}
{% macro money_type() -%}
    decimal(38, 10)
{%- endmacro %}
