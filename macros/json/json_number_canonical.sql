{#- One text per numeric value of a JSON number: integer literals exactly at any
    size (order ids beyond 2^53 stay distinct), integral values as integers
    (2 = 2.0 = 2e0, -0 = 0), other numbers by their double. -#}
{% macro json_number_canonical(json_text) -%}
    (case
        when regexp_full_match({{ json_text }}, '-?[0-9]+')
            then coalesce(
                cast(try_cast({{ json_text }} as decimal(38, 0)) as varchar),
                cast(cast({{ json_text }} as double) as varchar)
            )
        when cast({{ json_text }} as double) = trunc(cast({{ json_text }} as double))
            and abs(cast({{ json_text }} as double)) < 9007199254740992
            then cast(cast(cast({{ json_text }} as double) as decimal(38, 0)) as varchar)
        else cast(cast({{ json_text }} as double) as varchar)
    end)
{%- endmacro %}
