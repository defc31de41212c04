{#- Whether the whole of `text` matches the regular expression `pattern` (a Jinja
    string, written as the body of a SQL string literal). -#}
{% macro regexp_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'goals_analytics')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_full_match(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern }}')
{%- endmacro %}

{#- A raw literal, so a backslash reaches Java's regex as written; `\z` is the very end
    (`$` would also match before a final line break). -#}
{% macro spark__regexp_full_match(text, pattern) -%}
    regexp_like({{ text }}, r'^(?:{{ pattern }})\z')
{%- endmacro %}
