{#- The column list and constraints of a contracted table's DDL, leaving out every
    constraint declared with `warn_unenforced: false`: the keys the marts declare for BI
    tools (carried into the serving copy's DDL) but that the warehouse does not enforce -
    an index on a large incremental table is costly, and a foreign key would block the
    deletes and the table swaps of every rebuild (docs/decisions.md). -#}
{% macro duckdb__get_table_columns_and_constraints() -%}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set kept = [] -%}
        {%- for constraint in column.get('constraints', []) -%}
            {%- if constraint.get('warn_unenforced', true) -%}
                {%- do kept.append(constraint) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set copied = {} -%}
        {%- do copied.update(column) -%}
        {%- do copied.update({'constraints': kept}) -%}
        {%- do columns.update({name: copied}) -%}
    {%- endfor -%}
    {%- set model_constraints = [] -%}
    {%- for constraint in model.get('constraints', []) -%}
        {%- if constraint.get('warn_unenforced', true) -%}
            {%- do model_constraints.append(constraint) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=columns) -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=model_constraints) -%}
    (
    {% for c in raw_column_constraints -%}
      {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
