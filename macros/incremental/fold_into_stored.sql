{#- What the models that fold new events into their own rows share
    (int_conversations_summarized, int_event_counts_daily, int_event_shapes_summarized,
    docs/architecture.md#incremental-builds): their state is their own rows, and the
    latest loaded_through they hold is their watermark. -#}

{#- SQL condition on an event: it was loaded after the model's watermark, i.e. the
    model has not folded it yet (`true` on a full build, or when nothing is stored). -#}
{% macro loaded_after_watermark() -%}
    {%- set watermark = (
        goals_analytics.incremental_watermark('loaded_through') if is_incremental() else none
    ) -%}
    {{ 'true' if watermark is none else 'loaded_at > ' ~ watermark }}
{%- endmacro %}

{#- The model's rows after this run: on an incremental run, the new summaries
    (`summarized`, one row per `keys`) and the stored rows of the same keys, folded per
    key by `folds`, a list of (column, aggregate of that column over both); on a full
    build, `summarized` as it is. `summarized` has the key and fold columns. -#}
{% macro fold_into_stored(summarized, keys, folds) -%}
    {%- set columns = keys + folds | map('first') | list -%}
    {%- if is_incremental() %}
    select
        {{ keys | join(', ') }},
        {%- for column, aggregate in folds %}
        {{ aggregate }} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from (
        select {{ columns | join(', ') }}
        from {{ summarized }}
        union all
        select {{ columns | join(', ') }}
        from {{ this }} as stored
        where {{ goals_analytics.keys_occur_in(summarized, 'stored', keys) }}
    ) as both_summaries
    group by {{ keys | join(', ') }}
    {%- else %}
    select * from {{ summarized }}
    {%- endif %}
{%- endmacro %}
