{#- Fails for every combination of `columns` that occurs more than once (the key
    tested `unique` in dbt's terms, also for one column).

    An incremental `dbt build` (a scheduled run) can check only the combinations it
    wrote, each against every row, instead of regrouping the whole table each run
    (a second at 10M events):
    - `loaded_at_column`: the rows loaded after the events the outcomes have
      processed (events_processed_through);
    - `queued_changes_only`: the keys in the model's change queue (changes_relation):
      the rows its replace_or_remove runs wrote since the mart downstream last
      applied them;
    - `changes_applied_from` (a change queue's producer, for its consumer): the rows
      whose keys the model's latest run applied (applied_changes_relation).
    Every row was checked by the build that wrote it: dbt build runs a model's tests
    before anything downstream, and neither the watermark nor the queue moves on
    before that. `dbt test`, a full refresh, or a warehouse without the state or the
    queue check every row. -#}
{% test unique_combination(
    model, columns, loaded_at_column=none, queued_changes_only=false, changes_applied_from=none
) %}
{%- set scoped = flags.WHICH == 'build' and not flags.FULL_REFRESH and execute %}
{%- set checked = none %}
{%- if scoped and loaded_at_column %}
    {%- set watermark = goals_analytics.events_processed_through() %}
    {%- if watermark is not none %}
        {%- set checked = "select distinct " ~ columns | join(', ') ~ " from " ~ model
            ~ " where " ~ loaded_at_column ~ " > " ~ watermark %}
    {%- endif %}
{%- elif scoped and queued_changes_only %}
    {%- set changes = goals_analytics.changes_relation(model) %}
    {%- if goals_analytics.relation_exists(changes) %}
        {%- set checked = "select distinct " ~ columns | join(', ') ~ " from " ~ changes %}
    {%- endif %}
{%- elif scoped and changes_applied_from is not none %}
    {%- set applied = goals_analytics.applied_changes_relation(changes_applied_from) %}
    {%- if goals_analytics.relation_exists(applied) %}
        {%- set keys = adapter.get_columns_in_relation(applied) | map(attribute='name') | list %}
        {%- set checked = "select distinct " ~ columns | join(', ') ~ " from " ~ model
            ~ " as written where " ~ goals_analytics.keys_occur_in(applied, 'written', keys) %}
    {%- endif %}
{%- endif %}

{%- if checked is none %}

-- grouped by a hash of the key first (one 64-bit value instead of the key's strings),
-- then only the rows of repeated hashes by the key itself
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

{%- else %}

with

checked_keys as (

    {{ checked }}

)

select
    {%- for column in columns %}
    checked.{{ column }},
    {%- endfor %}
    count(*) as occurrences

from {{ model }} as checked
inner join checked_keys
    on {% for column in columns -%}
        checked.{{ column }} = checked_keys.{{ column }}{{ " and " if not loop.last }}
    {%- endfor %}
group by {% for column in columns -%}
    checked.{{ column }}{{ ", " if not loop.last }}
{%- endfor %}
having count(*) > 1

{%- endif %}

{% endtest %}
