{#- A timestamp `hours` (an integer expression) before `ts`. -#}
{% macro subtract_hours(ts, hours) -%}
    {{ return(adapter.dispatch('subtract_hours', 'goals_analytics')(ts, hours)) }}
{%- endmacro %}

{% macro duckdb__subtract_hours(ts, hours) -%}
    ({{ ts }} - to_hours(cast({{ hours }} as bigint)))
{%- endmacro %}

{% macro default__subtract_hours(ts, hours) -%}
    ({{ ts }} - make_dt_interval(0, {{ hours }}))
{%- endmacro %}
