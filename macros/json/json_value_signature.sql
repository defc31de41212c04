{#- A text that is equal for two JSON values exactly when docs/reference.md#31-matching typed equality
    holds: strings compare exactly, numbers numerically (2 = 2.0), booleans as
    booleans, null only with null, and values of different JSON types never.
    Numbers: integer literals exactly at any size (order ids beyond 2^53 stay
    distinct), integral values as integers (2 = 2.0 = 2e0, -0 = 0), other numbers by
    their double. Objects compare with their top-level keys sorted, arrays by their
    minified text. Null for a missing value. -#}
{% macro json_value_signature(json_text) -%}
    (case {{ goals_analytics.json_kind(json_text) }}
        when 'string' then 's:' || {{ goals_analytics.json_string_value(json_text) }}
        when 'number' then 'n:' || (case
            when {{ goals_analytics.regexp_full_match(json_text, '-?[0-9]+') }}
                then coalesce(
                    cast(try_cast({{ json_text }} as decimal(38, 0)) as string),
                    cast(cast({{ json_text }} as double) as string)
                )
            when {{ goals_analytics.is_whole_number('cast(' ~ json_text ~ ' as double)') }}
                and abs(cast({{ json_text }} as double)) < 9007199254740992
                then cast(cast(cast({{ json_text }} as double) as decimal(38, 0)) as string)
            else cast(cast({{ json_text }} as double) as string)
        end)
        when 'boolean' then 'b:' || {{ json_text }}
        when 'null' then 'null'
        when 'object' then 'o:' || {{ goals_analytics.json_object_sorted(json_text) }}
        when 'array' then 'j:' || {{ json_text }}
    end)
{%- endmacro %}

{#- Whether a double holds a whole number. -#}
{% macro is_whole_number(number) -%}
    {{ return(adapter.dispatch('is_whole_number', 'goals_analytics')(number)) }}
{%- endmacro %}

{% macro duckdb__is_whole_number(number) -%}
    ({{ number }} = trunc({{ number }}))
{%- endmacro %}

{#- Spark's trunc is for dates; round to 0 places gives a double. -#}
{% macro default__is_whole_number(number) -%}
    ({{ number }} = round({{ number }}, 0))
{%- endmacro %}

{#- The typed signature (above) of a JSON document's value at each of `tested_keys`, a
    list of {condition_key, json_path}: a list of {condition_key, condition_signature},
    the signature null where the key is missing. The JSON is read once per key (one
    json_path_extract), then typed: the signature reads its argument many times. -#}
{% macro json_value_signatures(json_text, tested_keys) -%}
    {{ goals_analytics.transform_list(
        goals_analytics.transform_list(
            tested_keys,
            'tested_key',
            goals_analytics.struct_literal([
                ('condition_key', 'tested_key.condition_key'),
                ('property_json', goals_analytics.json_path_extract(json_text, 'tested_key.json_path')),
            ])
        ),
        'tested',
        goals_analytics.struct_literal([
            ('condition_key', 'tested.condition_key'),
            ('condition_signature', goals_analytics.json_value_signature('tested.property_json')),
        ])
    ) }}
{%- endmacro %}
