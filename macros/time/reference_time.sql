{#- The build's reference time as a UTC timestamp: var('reference_time') when set
    (ISO 8601), else $GOALS_REFERENCE_TIME, else the moment the query runs. A value that
    is not ISO 8601 (the grammar of parse_iso8601_utc) stops the build with a clear
    message instead of silently giving null statuses; the value is checked before it
    becomes a SQL string literal, and its quotes are escaped all the same. -#}
{% macro reference_time() -%}
    {%- set configured = (var('reference_time', '') or env_var('GOALS_REFERENCE_TIME', '')) | string | trim -%}
    {%- if configured -%}
        {%- if not modules.re.fullmatch(goals_analytics.iso8601_pattern(), configured) or configured.startswith('0000') -%}
            {{ exceptions.raise_compiler_error(
                "reference_time '" ~ configured ~ "' is not an ISO 8601 timestamp "
                ~ "(e.g. 2026-11-24T09:30:00Z): set the dbt var reference_time or "
                ~ "$GOALS_REFERENCE_TIME to one, or leave both empty for now."
            ) }}
        {%- endif -%}
        {{ goals_analytics.parse_iso8601_utc("'" ~ configured | replace("'", "''") ~ "'") }}
    {%- else -%}
        {{ goals_analytics.current_utc_timestamp() }}
    {%- endif -%}
{%- endmacro %}
