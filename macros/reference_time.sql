{#- The build's reference time as a UTC timestamp: var('reference_time') when set
    (ISO 8601), else $GOALS_REFERENCE_TIME, else the moment the query runs. -#}
{% macro reference_time() -%}
    {%- set configured = var('reference_time', '') or env_var('GOALS_REFERENCE_TIME', '') -%}
    {%- if configured -%}
        {{ goals_analytics.parse_iso8601_utc("'" ~ configured ~ "'") }}
    {%- else -%}
        {{ goals_analytics.current_utc_timestamp() }}
    {%- endif -%}
{%- endmacro %}
