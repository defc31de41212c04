{#- Whether a text names a time zone the engine knows (IANA names). -#}
{% macro is_time_zone(text) -%}
    {{ return(adapter.dispatch('is_time_zone', 'goals_analytics')(text)) }}
{%- endmacro %}

{% macro duckdb__is_time_zone(text) -%}
    ({{ text }} in (select name from pg_timezone_names()))
{%- endmacro %}

{% macro default__is_time_zone(text) -%}
    (from_utc_timestamp(timestamp '2000-01-01', {{ text }}) is not null)
{%- endmacro %}

{#- Spark has no list of its zones, and from_utc_timestamp fails on an unknown one: the
    IANA names that dbt's pytz knows. -#}
{% macro spark__is_time_zone(text) -%}
    ({{ text }} in (
        {%- for zone in modules.pytz.all_timezones %}
        '{{ zone }}'{{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
