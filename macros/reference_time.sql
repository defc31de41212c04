{#- The build's reference time as a UTC timestamp: var('reference_time') when set
    (ISO 8601), else the moment the query runs. -#}
{% macro reference_time() -%}
    {%- set configured = var('reference_time', '') -%}
    {%- if configured -%}
        {{ goals_analytics.parse_iso8601_utc("'" ~ configured ~ "'") }}
    {%- else -%}
        {{ goals_analytics.current_utc_timestamp() }}
    {%- endif -%}
{%- endmacro %}
