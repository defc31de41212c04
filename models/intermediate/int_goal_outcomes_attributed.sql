{#- The stored outcomes, with the conversation credited with each and why
    (docs/reference.md#33-attribution), recomputed through one path: what the run's
    scope names (a full run names everything). Each row carries the run that wrote it;
    an outcome that is gone stays as a row flagged is_removed, for fct_goal_outcomes to
    delete (docs/architecture.md#incremental-builds). -#}
{{
    config(
        materialized=goals_analytics.stateful_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['workspace_id', 'goal_code', 'event_id'],
        on_schema_change='fail',
    )
}}
{%- set valued_columns = goals_analytics.valued_columns() -%}
{%- set goal_keys = ['workspace_id', 'goal_code'] -%}
{%- set outcome_keys = goal_keys + ['event_id'] -%}
{#- The CTEs the stored outcomes feed (the candidates, which include their rivals, and
    the stored outcomes the run touches) are computed once on a scheduled run, where
    more than one CTE reads them. On a full run nothing is stored: inline, DuckDB sees
    that the stored part is empty and drops the joins it feeds, and the candidates are
    the new matches read again rather than copied (materialized, the removals' test
    hashed every new outcome for nothing). -#}
{%- if not is_incremental() -%}
    {{ goals_analytics.assert_full_run() }}
{%- endif %}
{%- set scope = goals_analytics.run_scope() %}
with

goals_in_scope as (

    select * from {{ ref('int_goals_in_scope') }}

),

conversations_in_scope as (

    select * from {{ ref('int_conversations_in_scope') }}

),

{#- The large inputs are read more than once; each read is a scan of its own,
    filtered (loaded_at, goal, conversation, customer) at the source. #}

valued as {{ goals_analytics.not_materialized() }} (

    select * from {{ ref('int_goal_events_valued') }}

),

conversations as {{ goals_analytics.not_materialized() }} (

    select * from {{ ref('int_conversations_summarized') }}

),

events as {{ goals_analytics.not_materialized() }} (

    select * from {{ ref('stg_telemetry__events') }}

),

stored as {{ goals_analytics.not_materialized() }} (

    {{ goals_analytics.stored_outcomes(valued_columns, 'valued') }}

),

scoped_matches as {{ goals_analytics.materialized() }} (

    -- the matches of the events loaded in this run (on a full run, of every event)
    -- and every earlier match of a goal in scope
    {{ goals_analytics.matches_in_scope('valued', 'goals_in_scope', valued_columns) }}

),

rivals as (

    -- stored outcomes that a new match with the same dedupe value competes with
    select {{ valued_columns | join(', ') }}
    from stored
    where dedupe_signature is not null
        and {{ goals_analytics.keys_occur_in(
            'scoped_matches', 'stored', goal_keys + ['dedupe_signature']
        ) }}
        and not {{ goals_analytics.keys_occur_in('scoped_matches', 'stored', outcome_keys) }}
        and not {{ goals_analytics.keys_occur_in('goals_in_scope', 'stored', goal_keys) }}

),

candidates as {{ goals_analytics.materialized_when_incremental() }} (

    select * from scoped_matches
    union all
    select * from rivals

),

deduplicated as (

    select {{ valued_columns | join(', ') }}
    from ({{ goals_analytics.deduplicate_outcomes('candidates') }}) as kept

),

{#- A stored outcome the run replaces: its goal is in scope, or a candidate has its key. #}
{%- set is_replaced -%}
    ({{ goals_analytics.keys_occur_in('goals_in_scope', 'outcome', goal_keys) }}
    or {{ goals_analytics.keys_occur_in('candidates', 'outcome', outcome_keys) }})
{%- endset %}

{#- The earliest occurred_at of a stored outcome the run may change. One it replaces
    has the key, so the event and occurred_at, of a new match (unless its goal is in
    scope: then any outcome); a rival older than every new match wins its dedupe (the
    earliest event does) and is kept as it is. One whose credit new chat activity may
    move is no older than the start of a conversation in scope (its own, the one of its
    latest chat, or one of its customer's that starts at or before it). The scan of the
    stored outcomes skips the row groups that end before it. (On a full run nothing is
    stored.) #}
{%- if is_incremental() %}
touched_since as {{ goals_analytics.materialized() }} (

    select
        case
            when (select count(*) from goals_in_scope) > 0
                then cast('0001-01-01' as timestamp)
            else least(
                (select min(occurred_at) from scoped_matches),
                (select min(started_at) from conversations_in_scope)
            )
        end as occurred_at

),
{%- endif %}

touched as {{ goals_analytics.materialized_when_incremental() }} (

    -- the stored outcomes this run may change, found in one scan of those since
    -- touched_since: those it replaces and those whose credit new chat activity may move
    select {{ valued_columns | join(', ') }}
    from stored as outcome
    where
        {% if is_incremental() -%}
        outcome.occurred_at >= (select occurred_at from touched_since)
        and
        {% endif -%}
        (
            {{ is_replaced }}
            or {{ goals_analytics.credit_may_move('outcome', 'conversations_in_scope') }}
        )

),

reattributed as (

    -- stored outcomes whose credit may move and that nothing replaces
    select {{ valued_columns | join(', ') }}
    from touched as outcome
    where not {{ is_replaced }}

),

kept as (

    select * from deduplicated
    union all
    select * from reattributed

),

removed as (

    -- stored outcomes that are gone: their goal is in scope, or a late event with the
    -- same dedupe value took their place
    select {{ valued_columns | join(', ') }}
    from touched as outcome
    where
        {{ is_replaced }}
        and not {{ goals_analytics.keys_occur_in('kept', 'outcome', outcome_keys) }}

),

outcomes as (

    select
        kept.*,
        false as is_removed
    from kept
    union all
    select
        removed.*,
        true as is_removed
    from removed

),

attributed as (

    {{ goals_analytics.attribute_outcomes('outcomes', 'conversations', 'events') }}

),

final as (

    select
        {%- for column in valued_columns if column not in ('conversation_id', 'dedupe_signature') %}
            attributed.{{ column }},
        {%- endfor %}
        attributed.credited_conversation_id as conversation_id,
        attributed.flow_id,
        attributed.attribution,
        attributed.is_chat_driven,
        attributed.hours_since_chat,
        attributed.conversation_id as event_conversation_id,
        attributed.dedupe_signature,
        attributed.last_chat_conversation_id,
        {{ scope.run_id }} as run_id,
        attributed.is_removed

    from attributed

)

select * from final
