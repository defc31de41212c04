{#- Fails for every combination of `columns` that occurs more than once (the key
    tested `unique` in dbt's terms, also for one column). Grouped by a hash of the key
    first (one 64-bit value instead of the key's strings), then only the rows of
    repeated hashes by the key itself. -#}
{% test unique_combination(model, columns) %}

with

repeated_hashes as (

    select {{ goals_analytics.key_hash(columns) }} as key_hash
    from {{ model }}
    group by {{ goals_analytics.key_hash(columns) }}
    having count(*) > 1

)

select
    {{ columns | join(', ') }},
    count(*) as occurrences

from {{ model }}
where {{ goals_analytics.key_hash(columns) }} in (select key_hash from repeated_hashes)
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
