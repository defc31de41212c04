{#- A list of the comma-separated SQL expressions of the call block:
    {% call goals_analytics.list_literal() %} a, b {% endcall %}. -#}
{% macro list_literal() -%}
    {{ return(adapter.dispatch('list_literal', 'goals_analytics')(caller())) }}
{%- endmacro %}

{% macro duckdb__list_literal(elements) -%}
    [{{ elements }}]
{%- endmacro %}

{% macro spark__list_literal(elements) -%}
    array({{ elements }})
{%- endmacro %}

{#- A list of the SQL expressions in `expressions` (a Jinja list). -#}
{% macro list_of(expressions) -%}
    {%- call goals_analytics.list_literal() -%}
        {{ expressions | join(', ') }}
    {%- endcall -%}
{%- endmacro %}
