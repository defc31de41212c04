{#- The list of the parts of `text` between occurrences of the literal `separator`
    (a Jinja string; empty parts kept). -#}
{% macro split_text(text, separator) -%}
    {{ return(adapter.dispatch('split_text', 'goals_analytics')(text, separator)) }}
{%- endmacro %}

{% macro duckdb__split_text(text, separator) -%}
    string_split({{ text }}, '{{ separator }}')
{%- endmacro %}

{#- Spark splits on a regular expression: the separator is quoted (\Q...\E). -#}
{% macro spark__split_text(text, separator) -%}
    split({{ text }}, r'\Q{{ separator }}\E', -1)
{%- endmacro %}
