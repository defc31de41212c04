{#- Per workspace and event name: how often it occurred in the 7, 30 and 90 days
    before the reference time, first and last seen, and every top-level property
    key observed with its JSON types and an example value - what an author needs
    to write a goal. Counts scan three narrow columns of every event; the property
    shapes come from int_event_shapes_summarized (incremental), so only the
    distinct shapes are unnested. -#}
with

events as (

    select * from {{ ref('stg_telemetry__events') }}

),

shapes as (

    select * from {{ ref('int_event_shapes_summarized') }}

),

reference as (

    select {{ goals_analytics.reference_time() }} as reference_at

),

counts as (

    select
        events.workspace_id,
        events.event_name,
        count(*) filter (
            where events.occurred_at > reference.reference_at - interval 7 day
                and events.occurred_at <= reference.reference_at
        ) as events_last_7_days,
        count(*) filter (
            where events.occurred_at > reference.reference_at - interval 30 day
                and events.occurred_at <= reference.reference_at
        ) as events_last_30_days,
        count(*) filter (
            where events.occurred_at > reference.reference_at - interval 90 day
                and events.occurred_at <= reference.reference_at
        ) as events_last_90_days,
        count(*) as events_total,
        min(events.occurred_at) as first_seen_at,
        max(events.occurred_at) as last_seen_at

    from events
    cross join reference
    group by events.workspace_id, events.event_name

),

shape_keys as (

    select
        workspace_id,
        event_name,
        example_of,
        {{ goals_analytics.json_object_to_map('shape') }} as shape_map,
        {{ goals_analytics.json_object_to_map('example_properties') }} as example_map,
        {{ goals_analytics.unnest_list("map_keys(" ~ goals_analytics.json_object_to_map('shape') ~ ")") }}
            as property_key

    from shapes

),

key_types as (

    select
        workspace_id,
        event_name,
        property_key,
        example_of,
        case
            when shape_map[property_key] is null then 'null'
            when left(shape_map[property_key], 1) = '{' then 'object'
            when left(shape_map[property_key], 1) = '[' then 'array'
            when shape_map[property_key] = '"VARCHAR"' then 'string'
            when shape_map[property_key] = '"BOOLEAN"' then 'boolean'
            when shape_map[property_key] = '"NULL"' then 'null'
            else 'number'
        end as json_type,
        {{ goals_analytics.map_json_value('example_map', 'property_key') }} as example_value

    from shape_keys

),

keys_summarized as (

    select
        workspace_id,
        event_name,
        property_key,
        list_sort(list_distinct(list(json_type))) as json_types,
        max_by(example_value, example_of) filter (where example_value <> 'null') as example_value

    from key_types
    group by workspace_id, event_name, property_key

),

keys_per_event as (

    select
        workspace_id,
        event_name,
        to_json(list(
            {'key': property_key, 'types': json_types, 'example': json(example_value)}
            order by property_key
        )) as property_keys

    from keys_summarized
    group by workspace_id, event_name

),

final as (

    select
        counts.workspace_id,
        counts.event_name,
        counts.events_last_7_days,
        counts.events_last_30_days,
        counts.events_last_90_days,
        counts.events_total,
        counts.first_seen_at,
        counts.last_seen_at,
        coalesce(keys_per_event.property_keys, json('[]')) as property_keys

    from counts
    left join keys_per_event
        on counts.workspace_id = keys_per_event.workspace_id
        and counts.event_name = keys_per_event.event_name

)

select * from final
