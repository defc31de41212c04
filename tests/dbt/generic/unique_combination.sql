{#- Fails for every combination of `columns` that occurs more than once.

    With `loaded_at_column`, an incremental `dbt build` (a scheduled run) checks only
    the combinations of the rows loaded after the events the outcomes have processed
    (events_processed_through), each against every row: the history was checked by
    the builds that loaded it, and regrouping all of it each run costs a second at
    10M events. `dbt test`, a full refresh, or a warehouse without outcomes state
    check every row. -#}
{% test unique_combination(model, columns, loaded_at_column=none) %}
{%- set scoped = loaded_at_column and flags.WHICH == 'build' %}
{%- set watermark = goals_analytics.events_processed_through() if scoped else none %}

{%- if watermark is none %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences

from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{%- else %}

with

newly_loaded as (

    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where {{ loaded_at_column }} > {{ watermark }}

)

select
    {%- for column in columns %}
    checked.{{ column }},
    {%- endfor %}
    count(*) as occurrences

from {{ model }} as checked
inner join newly_loaded
    on {% for column in columns -%}
        checked.{{ column }} = newly_loaded.{{ column }}{{ " and " if not loop.last }}
    {%- endfor %}
group by {% for column in columns -%}
    checked.{{ column }}{{ ", " if not loop.last }}
{%- endfor %}
having count(*) > 1

{%- endif %}

{% endtest %}
