{#- The wall-clock time in an IANA time zone of a UTC timestamp (a timestamp without
    zone). -#}
{% macro to_local_timestamp(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'goals_analytics')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__to_local_timestamp(utc_timestamp, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro default__to_local_timestamp(utc_timestamp, time_zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ time_zone }})
{%- endmacro %}

{#- The calendar date of a UTC timestamp in an IANA time zone. -#}
{% macro to_local_date(utc_timestamp, time_zone) -%}
    cast({{ goals_analytics.to_local_timestamp(utc_timestamp, time_zone) }} as date)
{%- endmacro %}
