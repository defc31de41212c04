{#- The conversation credited with each outcome, and why (docs/reference.md#33-attribution).

    Incremental (the table is the outcomes' state; see docs/architecture.md):
    a run recomputes only what the events loaded since the last run and the
    configuration changes can affect, and replaces or removes exactly those rows:
    - outcomes of the new events, deduplicated against the stored outcomes they
      compete with (a late event can displace the kept one);
    - every outcome of a goal whose fingerprint (configuration, status history,
      workspace base currency, currency list) changed, or that no longer exists;
    - the credit of stored outcomes whose conversation or whose customer's chat
      activity the new events touch: their own conversation, the conversation of
      their latest chat activity, or (for outcomes without a conversation) any
      conversation now belonging to their customer. -#}
{%- set key_columns = ['workspace_id', 'goal_code', 'event_id'] -%}
{%- set valued_columns = [
    'workspace_id', 'goal_code', 'goal_kind', 'is_primary', 'event_id', 'event_name',
    'event_source', 'occurred_at', 'customer_id', 'conversation_id',
    'attribution_window_hours', 'value', 'currency', 'base_value', 'base_currency',
    'base_value_source', 'value_issue', 'dedupe_signature',
] -%}
{%- set incremental = is_incremental() -%}
{%- set state = none -%}
{%- set watermark = none -%}
{%- set changed_goals = [] -%}
{%- if incremental and execute -%}
    {%- set state = load_relation(goals_analytics.incremental_state_relation()) -%}
    {%- if state is not none -%}
        {%- set watermark = goals_analytics.incremental_watermark('processed_through', state) -%}
        {%- set changed = run_query(
            "select workspace_id, goal_code from " ~ ref('int_goals_fingerprinted') ~ " as goals"
            ~ " where not exists (select 1 from " ~ state ~ " as state"
            ~ " where state.workspace_id = goals.workspace_id"
            ~ " and state.goal_code = goals.goal_code"
            ~ " and state.goal_fingerprint = goals.goal_fingerprint)"
        ) -%}
        {%- for row in changed.rows -%}
            {%- do changed_goals.append(
                "('" ~ (row[0] | replace("'", "''")) ~ "', '" ~ (row[1] | replace("'", "''")) ~ "')"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endif -%}
{#- Without a state (first incremental run after an upgrade) or a watermark (no
    events before), everything is recomputed. -#}
{%- set recompute_all = incremental and (state is none or watermark is none) -%}
{%- set changed_goal_list = changed_goals | join(', ') -%}
{#- The large inputs read more than once are not materialized: each read is a scan of
    its own, filtered (loaded_at, conversation, customer) at the source. -#}
with

events as {{ goals_analytics.not_materialized() }} (

    select * from {{ ref('stg_telemetry__events') }}

),

valued as {{ goals_analytics.not_materialized() }} (

    select * from {{ ref('int_goal_events_valued') }}

),

deduplicated_outcomes as (

    select * from {{ ref('int_goal_outcomes_deduplicated') }}

),

chat_activity as (

    select * from {{ ref('int_chat_activity_resolved') }}

),

conversations as {{ goals_analytics.not_materialized() }} (

    select * from {{ ref('int_conversations_summarized') }}

),

goal_fingerprints as (

    select * from {{ ref('int_goals_fingerprinted') }}

),

{% if incremental %}

stored as {{ goals_analytics.not_materialized() }} (

    select * from {{ this }}

),

{% endif %}

{% if incremental and not recompute_all %}

new_matches as {{ goals_analytics.materialized() }} (

    select {{ valued_columns | join(', ') }}
    from valued
    where loaded_at > {{ watermark }}
    {%- if changed_goals %}
        and (workspace_id, goal_code) not in ({{ changed_goal_list }})
    {%- endif %}

),

stored_as_valued as {{ goals_analytics.not_materialized() }} (

    select
        {%- for column in valued_columns %}
        {{ 'event_conversation_id as conversation_id' if column == 'conversation_id' else column }},
        {%- endfor %}
        last_chat_conversation_id

    from stored

),

rivals as (

    -- stored outcomes that a new match with the same dedupe value may displace
    select {{ valued_columns | join(', ') }}
    from stored_as_valued
    where dedupe_signature is not null
        and exists (
            select 1
            from new_matches
            where new_matches.workspace_id = stored_as_valued.workspace_id
                and new_matches.goal_code = stored_as_valued.goal_code
                and new_matches.dedupe_signature = stored_as_valued.dedupe_signature
        )

),

candidates as {{ goals_analytics.materialized() }} (

    select * from new_matches
    union all
    select * from rivals
    {%- if changed_goals %}
    union all
    select {{ valued_columns | join(', ') }}
    from valued
    where (workspace_id, goal_code) in ({{ changed_goal_list }})
    {%- endif %}

),

deduplicated as (

    select {{ valued_columns | join(', ') }}
    from ({{ goals_analytics.deduplicate_outcomes('candidates') }}) as kept

),

touched_conversations as (

    select distinct
        workspace_id,
        conversation_id

    from events
    where loaded_at > {{ watermark }}
        and conversation_id is not null

),

touched_customers as (

    select distinct
        conversations.workspace_id,
        conversations.customer_id

    from conversations
    inner join touched_conversations
        on conversations.workspace_id = touched_conversations.workspace_id
        and conversations.conversation_id = touched_conversations.conversation_id
    where conversations.customer_id is not null

),

reattributed as (

    -- stored outcomes whose credit the new chat activity may move
    select {{ valued_columns | join(', ') }}
    from stored_as_valued
    where exists (
            select 1
            from goal_fingerprints
            where goal_fingerprints.workspace_id = stored_as_valued.workspace_id
                and goal_fingerprints.goal_code = stored_as_valued.goal_code
        )
        {%- if changed_goals %}
        and (workspace_id, goal_code) not in ({{ changed_goal_list }})
        {%- endif %}
        and not exists (
            select 1
            from candidates
            where candidates.workspace_id = stored_as_valued.workspace_id
                and candidates.goal_code = stored_as_valued.goal_code
                and candidates.event_id = stored_as_valued.event_id
        )
        and (
            -- one equality per exists: an `in (a, b)` here makes a join on the
            -- workspace alone
            exists (
                select 1
                from touched_conversations
                where touched_conversations.workspace_id = stored_as_valued.workspace_id
                    and touched_conversations.conversation_id = stored_as_valued.conversation_id
            )
            or exists (
                select 1
                from touched_conversations
                where touched_conversations.workspace_id = stored_as_valued.workspace_id
                    and touched_conversations.conversation_id
                        = stored_as_valued.last_chat_conversation_id
            )
            or (
                stored_as_valued.conversation_id is null
                and exists (
                    select 1
                    from touched_customers
                    where touched_customers.workspace_id = stored_as_valued.workspace_id
                        and touched_customers.customer_id = stored_as_valued.customer_id
                )
            )
        )

),

outcomes as (

    select * from deduplicated
    union all
    select * from reattributed

),

{% else %}

outcomes as (

    select {{ valued_columns | join(', ') }}
    from deduplicated_outcomes

),

{% endif %}

deferred_events as (

    select distinct
        workspace_id,
        event_id,
        customer_id,
        occurred_at

    from outcomes
    where conversation_id is null
        and customer_id is not null

),

{% if incremental and not recompute_all %}

customer_conversations as (

    -- the conversations of each deferred event's customer with chat activity at or
    -- before the event (int_conversations_summarized keeps each one's span)
    select
        deferred_events.workspace_id,
        deferred_events.event_id,
        deferred_events.occurred_at,
        conversations.conversation_id,
        conversations.last_chat_activity_at

    from deferred_events
    inner join conversations
        on deferred_events.workspace_id = conversations.workspace_id
        and deferred_events.customer_id = conversations.customer_id
    where conversations.first_chat_activity_at <= deferred_events.occurred_at

),

straddled_activity as (

    -- a conversation still active after the event: its chat activity up to the event,
    -- read from the events of these few conversations only
    select
        customer_conversations.workspace_id,
        customer_conversations.event_id,
        events.occurred_at as activity_at,
        events.conversation_id

    from customer_conversations
    inner join events
        on customer_conversations.workspace_id = events.workspace_id
        and customer_conversations.conversation_id = events.conversation_id
    where customer_conversations.last_chat_activity_at > customer_conversations.occurred_at
        and events.event_source = 'widget'
        and events.occurred_at <= customer_conversations.occurred_at

),

activity_before as (

    -- a conversation whose chat activity all precedes the event: its last activity
    select
        workspace_id,
        event_id,
        last_chat_activity_at as activity_at,
        conversation_id

    from customer_conversations
    where last_chat_activity_at <= occurred_at

    union all

    select * from straddled_activity

),

last_chat_before as (

    -- the latest activity; at one instant the greater conversation_id, as in
    -- resolve_chat_activity
    select
        workspace_id,
        event_id,
        max(activity_at) as last_chat_at,
        max_by(conversation_id, (activity_at, conversation_id)) as last_chat_conversation_id

    from activity_before
    group by workspace_id, event_id

),

{% else %}

last_chat_before as (

    select
        deferred_events.workspace_id,
        deferred_events.event_id,
        chat_activity.activity_at as last_chat_at,
        chat_activity.conversation_id as last_chat_conversation_id

    from deferred_events
    {{ goals_analytics.asof_left_join(
        'chat_activity',
        'chat_activity',
        [('deferred_events.workspace_id', 'chat_activity.workspace_id'),
         ('deferred_events.customer_id', 'chat_activity.customer_id')],
        'deferred_events.occurred_at',
        'chat_activity.activity_at'
    ) }}

),

{% endif %}

classified as (

    select
        outcomes.*,
        last_chat_before.last_chat_at,
        case
            when outcomes.conversation_id is not null and outcomes.event_source = 'widget'
                then 'in_chat'
            when outcomes.conversation_id is not null then 'explicit'
            when outcomes.customer_id is null then 'no_customer'
            when last_chat_before.last_chat_at is null then 'no_conversation'
            when last_chat_before.last_chat_at >= {{ goals_analytics.subtract_hours(
                    'outcomes.occurred_at', 'outcomes.attribution_window_hours') }}
                then 'window'
            else 'outside_window'
        end as attribution,
        last_chat_before.last_chat_conversation_id

    from outcomes
    left join last_chat_before
        on outcomes.workspace_id = last_chat_before.workspace_id
        and outcomes.event_id = last_chat_before.event_id

),

credited as (

    select
        classified.*,
        case classified.attribution
            when 'in_chat' then classified.conversation_id
            when 'explicit' then classified.conversation_id
            when 'window' then classified.last_chat_conversation_id
        end as credited_conversation_id

    from classified

),

attributed as (

    select
        credited.workspace_id,
        credited.goal_code,
        credited.goal_kind,
        credited.is_primary,
        credited.event_id,
        credited.event_name,
        credited.event_source,
        credited.occurred_at,
        credited.customer_id,
        credited.credited_conversation_id as conversation_id,
        conversations.flow_id,
        credited.attribution,
        credited.credited_conversation_id is not null as is_chat_driven,
        case
            when credited.attribution in ('window', 'outside_window')
                then {{ goals_analytics.hours_between('credited.last_chat_at', 'credited.occurred_at') }}
        end as hours_since_chat,
        credited.value,
        credited.currency,
        credited.base_value,
        credited.base_currency,
        credited.base_value_source,
        credited.value_issue,
        credited.conversation_id as event_conversation_id,
        credited.attribution_window_hours,
        credited.dedupe_signature,
        credited.last_chat_conversation_id

    from credited
    left join conversations
        on credited.workspace_id = conversations.workspace_id
        and credited.credited_conversation_id = conversations.conversation_id

),

{% if incremental %}

removed as (

    -- stored outcomes that are gone: their goal was recomputed or deleted, or a
    -- late event took their place
    select {{ key_columns | join(', ') }}
    from stored
    where (
        {%- if recompute_all %}
            true
        {%- else %}
            {%- if changed_goals %}
            (workspace_id, goal_code) in ({{ changed_goal_list }}) or
            {%- endif %}
            not exists (
                select 1
                from goal_fingerprints
                where goal_fingerprints.workspace_id = stored.workspace_id
                    and goal_fingerprints.goal_code = stored.goal_code
            )
            or exists (
                select 1
                from candidates
                where candidates.workspace_id = stored.workspace_id
                    and candidates.goal_code = stored.goal_code
                    and candidates.event_id = stored.event_id
            )
        {%- endif %}
        )
        and not exists (
            select 1
            from attributed
            where attributed.workspace_id = stored.workspace_id
                and attributed.goal_code = stored.goal_code
                and attributed.event_id = stored.event_id
        )

),

final as (

    select attributed.*, false as is_removed
    from attributed
    union all by name
    select removed.*, true as is_removed
    from removed

)

{% else %}

final as (

    select * from attributed

)

{% endif %}

select * from final
