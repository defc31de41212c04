{#- The run's limits (int_run_limits, built earlier in the run), for a model to filter
    on, read before its SQL is rendered: a literal lower limit lets the database skip
    whole row groups of events by their min/max deep below the matching joins, where a
    join with the one-row table does not reach. A dict:
    - `full`: a full run (every event is new);
    - `events_loaded_after`: the lower limit as a timestamp literal (incremental runs);
    - `goals_in_scope`: some goal is recomputed from all its events (incremental runs);
    - `run_id`: this run's number, as a literal.
    In a dbt unit test the limits are fixture rows, and when compiling without a
    warehouse (sqlfluff) there are none: the same conditions then read them with
    subqueries (a full run's missing limit as the smallest timestamp). -#}
{% macro run_scope() -%}
    {%- set limits = ref('int_run_limits') -%}
    {%- set goals_in_scope = ref('int_goals_in_scope') -%}
    {%- if not execute or model.resource_type == 'unit_test' or load_relation(limits) is none -%}
        {{ return({
            'full': false,
            'events_loaded_after': "coalesce((select events_loaded_after from " ~ limits
                ~ "), cast('0001-01-01' as timestamp))",
            'goals_in_scope': true,
            'run_id': "(select run_id from " ~ limits ~ ")",
        }) }}
    {%- endif -%}
    {#- `dbt build --empty` reads every ref as an empty subquery: nothing to scope -#}
    {%- if flags.EMPTY -%}
        {{ return({'full': true, 'events_loaded_after': none, 'goals_in_scope': false, 'run_id': '0'}) }}
    {%- endif -%}
    {%- set row = run_query(
        "select run_id, run_case, cast(events_loaded_after as string),"
        ~ " (select count(*) from " ~ goals_in_scope ~ ")"
        ~ " from " ~ limits
    ).rows[0] -%}
    {%- set full = row[1] == 'full' -%}
    {{ return({
        'full': full,
        'events_loaded_after': none if full else "cast('" ~ row[2] ~ "' as timestamp)",
        'goals_in_scope': not full and row[3] > 0,
        'run_id': row[0] | string,
    }) }}
{%- endmacro %}
