{#- An ISO 8601 text as a UTC timestamp, or null when it does not parse or names an
    impossible instant. Accepted: YYYY-MM-DD, optionally T|t|space and HH:MM[:SS[.f]]
    and Z|z|+HH:MM|+HHMM|+HH. Without an offset the text is UTC, whatever the
    session's or the machine's time zone. -#}
{#- The grammar above as a regular expression (for a full match); also what
    reference_time checks its configured value against. -#}
{% macro iso8601_pattern() -%}
    {{ return('[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?([Zz]|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?') }}
{%- endmacro %}

{% macro parse_iso8601_utc(text) -%}
    {{ return(adapter.dispatch('parse_iso8601_utc', 'goals_analytics')(text)) }}
{%- endmacro %}

{% macro duckdb__parse_iso8601_utc(text) -%}
    (case
        when regexp_full_match(
                {{ text }},
                '{{ goals_analytics.iso8601_pattern() }}'
            )
            and left({{ text }}, 4) <> '0000'
            then timezone('UTC', try_cast(
                case
                    when length({{ text }}) = 10 then {{ text }} || ' 00:00:00+00:00'
                    when regexp_matches({{ text }}, '([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$')
                        then upper({{ text }})
                    else upper({{ text }}) || '+00:00'
                end
                as timestamptz
            ))
    end)
{%- endmacro %}

{#- Spark: the same grammar; the offset is written +HH:MM (Spark's cast reads no
    +HHMM or +HH), a text without one is UTC, and the session's zone is UTC. -#}
{% macro spark__parse_iso8601_utc(text) -%}
    (case
        when {{ goals_analytics.regexp_full_match(text, goals_analytics.iso8601_pattern()) }}
            and left({{ text }}, 4) <> '0000'
            then try_cast(
                case
                    when length({{ text }}) = 10 then {{ text }} || 'T00:00:00Z'
                    when regexp_like({{ text }}, r'[Zz]\z') then upper({{ text }})
                    when regexp_like({{ text }}, r'[+-][0-9]{2}:[0-9]{2}\z') then upper({{ text }})
                    when regexp_like({{ text }}, r'[+-][0-9]{4}\z')
                        then regexp_replace(upper({{ text }}), r'([0-9]{2})([0-9]{2})\z', '$1:$2')
                    when regexp_like({{ text }}, r'[+-][0-9]{2}\z') then upper({{ text }}) || ':00'
                    else upper({{ text }}) || 'Z'
                end
                as timestamp
            )
    end)
{%- endmacro %}
