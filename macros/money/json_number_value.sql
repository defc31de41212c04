{#- The amount held by a JSON value as an exact decimal: a JSON number, or a string
    holding a plain decimal ("49.90", "-3"; not "1e3", "12,50", "NaN"). Null for
    anything else, including a missing value. -#}
{% macro json_number_value(json_text) -%}
    (case {{ goals_analytics.json_kind(json_text) }}
        when 'number' then coalesce(
            try_cast({{ json_text }} as {{ goals_analytics.money_type() }}),
            try_cast(try_cast({{ json_text }} as double) as {{ goals_analytics.money_type() }})
        )
        when 'string' then {{ goals_analytics.plain_decimal_value(goals_analytics.json_string_value(json_text)) }}
    end)
{%- endmacro %}
