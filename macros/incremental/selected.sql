{#- Whether every model named in `names` is selected in this dbt invocation. -#}
{% macro selected(names) -%}
    {%- set selected_names = [] -%}
    {%- for unique_id in selected_resources if unique_id.startswith('model.') -%}
        {%- do selected_names.append(unique_id.split('.')[-1]) -%}
    {%- endfor -%}
    {%- for name in names if name not in selected_names -%}
        {{ return(false) }}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}
