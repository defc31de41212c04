{#- One row per day from `start_date` to `end_date` (dates, both included), in a
    column named `column_name`: a relation for a FROM clause. -#}
{% macro date_series(start_date, end_date, column_name) -%}
    {{ return(adapter.dispatch('date_series', 'goals_analytics')(start_date, end_date, column_name)) }}
{%- endmacro %}

{% macro duckdb__date_series(start_date, end_date, column_name) -%}
    (
        select cast(range as date) as {{ column_name }}
        from range({{ start_date }}, {{ end_date }} + interval 1 day, interval 1 day)
    ) as days
{%- endmacro %}

{% macro spark__date_series(start_date, end_date, column_name) -%}
    (
        select explode(sequence({{ start_date }}, {{ end_date }}, interval 1 day)) as {{ column_name }}
    ) as days
{%- endmacro %}
