{#- The calendar date of a UTC timestamp in an IANA time zone. -#}
{% macro to_local_date(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('to_local_date', 'goals_analytics')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__to_local_date(utc_timestamp, time_zone) -%}
    cast(timezone({{ time_zone }}, timezone('UTC', {{ utc_timestamp }})) as date)
{%- endmacro %}

{% macro default__to_local_date(utc_timestamp, time_zone) -%}
    to_date(from_utc_timestamp({{ utc_timestamp }}, {{ time_zone }}))
{%- endmacro %}
