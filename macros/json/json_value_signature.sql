{#- A text that is equal for two JSON values exactly when docs/reference.md#31-matching typed equality
    holds: strings compare exactly, numbers numerically (2 = 2.0), booleans as
    booleans, null only with null, and values of different JSON types never.
    Integers compare exactly at any size, other numbers as doubles; -0 equals 0. Objects compare with their top-level keys sorted, arrays by their
    minified text. Null for a missing value. -#}
{% macro json_value_signature(json_text) -%}
    (case {{ goals_analytics.json_kind(json_text) }}
        when 'string' then 's:' || {{ goals_analytics.json_string_value(json_text) }}
        when 'number' then 'n:' || {{ goals_analytics.json_number_canonical(json_text) }}
        when 'boolean' then 'b:' || {{ json_text }}
        when 'null' then 'null'
        when 'object' then 'o:' || {{ goals_analytics.json_object_sorted(json_text) }}
        when 'array' then 'j:' || {{ json_text }}
    end)
{%- endmacro %}
