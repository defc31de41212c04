{#- A text that is equal for two JSON values exactly when SPEC 3.1's typed equality
    holds: strings compare exactly, numbers numerically (2 = 2.0), booleans as
    booleans, null only with null, and values of different JSON types never.
    Objects and arrays compare by their minified text. Null for a missing value. -#}
{% macro json_value_signature(json_text) -%}
    (case {{ goals_analytics.json_kind(json_text) }}
        when 'string' then 's:' || {{ goals_analytics.json_string_value(json_text) }}
        when 'number' then 'n:' || cast(cast({{ json_text }} as double) as varchar)
        when 'boolean' then 'b:' || {{ json_text }}
        when 'null' then 'null'
        when 'object' then 'j:' || {{ json_text }}
        when 'array' then 'j:' || {{ json_text }}
    end)
{%- endmacro %}
