{#- true when `condition` holds; otherwise the query fails with `message`
    (a SQL string expression). The build stops with that message. -#}
{% macro assert_true(condition, message) -%}
    {{ return(adapter.dispatch('assert_true', 'goals_analytics')(condition, message)) }}
{%- endmacro %}

{% macro duckdb__assert_true(condition, message) -%}
    (case when {{ condition }} then true else error({{ message }}) end)
{%- endmacro %}

{% macro default__assert_true(condition, message) -%}
    (assert_true({{ condition }}, {{ message }}) is null)
{%- endmacro %}
