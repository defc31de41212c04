{#- Hours (fractional, microsecond precision) from `start_at` to `end_at`. -#}
{% macro hours_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('hours_between', 'goals_analytics')(start_at, end_at)) }}
{%- endmacro %}

{% macro duckdb__hours_between(start_at, end_at) -%}
    (epoch_us({{ end_at }} - {{ start_at }}) / 3600000000.0)
{%- endmacro %}

{% macro default__hours_between(start_at, end_at) -%}
    (cast(unix_micros({{ end_at }}) - unix_micros({{ start_at }}) as double) / 3600000000.0)
{%- endmacro %}
