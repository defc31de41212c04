{#- Per workspace and event name: every top-level property key observed, with its JSON
    types and an example value (the latest event's by (occurred_at, event_id)), as a
    JSON list for event_catalog. Read from the distinct property shapes
    (int_event_shapes_summarized, incremental), so only those are unnested. Examples are
    for reading, not for copying values: a longer string is cut (ending with '…'), a
    longer object or array left out. -#}
{%- set example_max_chars = 200 %}
{%- set example_max_container_chars = 1000 %}
{%- set shape_type = goals_analytics.map_value('shape_map', 'property_key') %}
with

shapes as (

    select * from {{ ref('int_event_shapes_summarized') }}

),

shape_keys as (

    select
        workspace_id,
        event_name,
        example_of,
        {{ goals_analytics.json_object_to_map('shape') }} as shape_map,
        {{ goals_analytics.json_object_to_map('example_properties') }} as example_map,
        {{ goals_analytics.unnest_list(
            "map_keys(" ~ goals_analytics.json_object_to_map('shape') ~ ")"
        ) }} as property_key

    from shapes

),

key_types as (

    select
        workspace_id,
        event_name,
        property_key,
        example_of,
        case
            when {{ shape_type }} is null then 'null'
            when left({{ shape_type }}, 1) = '{' then 'object'
            when left({{ shape_type }}, 1) = '[' then 'array'
            when {{ shape_type }} = '"VARCHAR"' then 'string'
            when {{ shape_type }} = '"BOOLEAN"' then 'boolean'
            when {{ shape_type }} = '"NULL"' then 'null'
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
        {{ goals_analytics.sorted_distinct_list_agg('json_type') }} as json_types,
        max_by(example_value, example_of) filter (where example_value <> 'null') as example_value

    from key_types
    group by workspace_id, event_name, property_key

),

final as (

    select
        workspace_id,
        event_name,
        {{ goals_analytics.property_keys_json(
            'property_key',
            'json_types',
            goals_analytics.bounded_json_example(
                'example_value', example_max_chars, example_max_container_chars
            ),
        ) }} as property_keys

    from keys_summarized
    group by workspace_id, event_name

)

select * from final
