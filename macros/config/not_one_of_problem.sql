{#- The problem of a configuration value outside its allowed list, or null when it is one
    of them: "<label> '<value>' is not one of a, b, c" (an empty or missing value reads as
    ''). `goals validate` recognises the wording. -#}
{% macro not_one_of_problem(label, column, allowed) -%}
    case
        when coalesce({{ column }}, '') not in ('{{ allowed | join("', '") }}')
            then '{{ label }} ''' || coalesce({{ column }}, '')
                || ''' is not one of {{ allowed | join(", ") }}'
    end
{%- endmacro %}
