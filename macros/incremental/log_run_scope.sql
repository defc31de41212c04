{#- Post-hook of int_conversations_in_scope, the last model of the run's scope: one log
    line that says what this run recomputes, e.g. "Run 12 scope: events loaded after
    2026-12-04 02:00:00: 81,402; goals changed: acme/purchase; late chat activity for
    310 customers". -#}
{% macro log_run_scope() -%}
    {%- if execute and model.resource_type == 'model' and not flags.EMPTY -%}
        {%- set limits = run_query(
            "select run_id, run_case, cast(events_loaded_after as string),"
            ~ " (select count(*) from " ~ ref('stg_telemetry__events')
            ~ " where loaded_at > limits.events_loaded_after)"
            ~ " from " ~ ref('int_run_limits') ~ " as limits"
        ).rows[0] -%}
        {%- set parts = [] -%}
        {%- if limits[1] == 'full' -%}
            {%- do parts.append('full') -%}
        {%- else -%}
            {%- do parts.append('events loaded after ' ~ limits[2] ~ ': ' ~ '{:,}'.format(limits[3])) -%}
            {%- set goals = run_query(
                "select scope_reason, workspace_id, goal_code from " ~ ref('int_goals_in_scope')
                ~ " order by scope_reason, workspace_id, goal_code"
            ) -%}
            {%- for reason, rows in goals.rows | groupby(0) -%}
                {%- set names = [] -%}
                {%- for row in rows -%}
                    {%- do names.append(row[1] ~ '/' ~ row[2]) -%}
                {%- endfor -%}
                {%- do parts.append('goals ' ~ reason ~ ': ' ~ names | join(', ')) -%}
            {%- endfor -%}
            {%- set customers = run_query(
                "select count(*) from (select distinct workspace_id, customer_id from " ~ this
                ~ " where customer_id is not null) as customers"
            ).rows[0][0] -%}
            {%- do parts.append('late chat activity for ' ~ '{:,}'.format(customers) ~ ' customers') -%}
        {%- endif -%}
        {%- do log('Run ' ~ limits[0] ~ ' scope: ' ~ parts | join('; '), info=true) -%}
    {%- endif -%}
{%- endmacro %}
