{#- Fails for every combination of `columns` that occurs more than once (the key
    tested `unique` in dbt's terms, also for one column). Grouped by a hash of the key
    first (one 64-bit value instead of the key's strings), then only the rows of
    repeated hashes by the key itself.

    `changed_keys` (a query of the keys this run wrote) or `changed_rows` (a condition on
    the model's rows naming them, short for the query of those rows): in an incremental
    `dbt build`, only those keys are checked, each against every row. A scheduled run's
    key tests otherwise regroup every key of the largest tables (docs/benchmarks.md,
    *Dropped for clarity*). Every row is checked by the run that writes it; `dbt test`
    and a full refresh check them all.

    `bounded_by`: a column whose value the key determines (an outcome's occurred_at is
    its event's). A row that repeats a changed key then has that key's value, so the
    check reads only the rows from the changed keys' earliest value on, and the database
    skips the row groups that end before it. The changed keys' query must return it. -#}
{% test unique_combination(model, columns, changed_rows=none, changed_keys=none, bounded_by=none) %}
{%- if changed_keys is none and changed_rows is not none -%}
    {%- set changed_keys = 'select * from ' ~ model ~ ' where ' ~ changed_rows -%}
{%- endif -%}
{%- set scoped = changed_keys is not none and execute
    and flags.WHICH == 'build' and not flags.FULL_REFRESH
    and goals_analytics.model_relation('int_run_limits') is not none %}

with

{% if scoped %}

{#- read twice when bounded: computed once #}
changed_keys as {{ goals_analytics.materialized() if bounded_by is not none }} (

    select {{ (columns + ([bounded_by] if bounded_by is not none else [])) | join(', ') }}
    from ({{ changed_keys }}) as written

),

checked_keys as (

    select distinct {{ columns | join(', ') }}
    from changed_keys

),

checked as (

    select {% for column in columns %}checked_rows.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ model }} as checked_rows
    inner join checked_keys
        on {% for column in columns -%}
            checked_rows.{{ column }} = checked_keys.{{ column }}{{ ' and ' if not loop.last }}
        {%- endfor %}
    {%- if bounded_by is not none %}
    where checked_rows.{{ bounded_by }} >= (select min({{ bounded_by }}) from changed_keys)
    {%- endif %}

),

{% else %}

checked as (

    select * from {{ model }}

),

{% endif %}

repeated_hashes as (

    select {{ goals_analytics.key_hash(columns) }} as key_hash
    from checked
    group by {{ goals_analytics.key_hash(columns) }}
    having count(*) > 1

)

select
    {{ columns | join(', ') }},
    count(*) as occurrences

from checked
where {{ goals_analytics.key_hash(columns) }} in (select key_hash from repeated_hashes)
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
