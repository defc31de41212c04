{#- Stops a build of the stored outcomes from scratch (a first build, or a full refresh
    of that model) when the run's scope, int_run_limits, is not a full one: the model
    would store only what the scope names. Happens when the scope was left out of the
    selection, e.g. `dbt build --full-refresh --select int_goal_outcomes_attributed`. -#}
{% macro assert_full_run() -%}
    {%- if execute and model.resource_type == 'model' and not flags.EMPTY
        and load_relation(ref('int_run_limits')) is not none -%}
        {%- set limits = run_query("select run_case, invocation_id from " ~ ref('int_run_limits')) -%}
        {%- set row = limits.rows[0] if limits.rows | length > 0 else none -%}
        {%- if row is none or row[0] != 'full' or row[1] != invocation_id -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ " is being built from scratch, but this run's scope"
                ~ " (int_run_limits) is not a full one. Build the scope with it:"
                ~ " dbt build --full-refresh --select +" ~ this.identifier
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
