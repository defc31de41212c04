{#- A text holding a plain decimal (optional minus, digits, optional fraction) as an
    exact decimal; null for any other text. -#}
{% macro plain_decimal_value(text) -%}
    (case
        when {{ goals_analytics.regexp_full_match(text, '-?[0-9]+(\\.[0-9]+)?') }}
            then try_cast({{ text }} as {{ goals_analytics.money_type() }})
    end)
{%- endmacro %}
