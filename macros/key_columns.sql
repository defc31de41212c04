{#- The columns of a unique key as a list (dbt accepts one column as a string): the
    given key, or the current model's `unique_key` config. -#}
{% macro key_columns(unique_key=none) -%}
    {%- set unique_key = unique_key if unique_key is not none else config.get('unique_key') -%}
    {{ return([unique_key] if unique_key is string else unique_key) }}
{%- endmacro %}
