{#- The JSON text at a dotted property path (`order.grand_total`) of an event,
    reading the properties map parsed once by json_object_to_map; SQL null when
    the path is missing or holds a JSON null. The first segment is a map lookup,
    the rest walks the (small) nested value. -#}
{% macro property_at_path(property_map, path) -%}
    nullif(
        case
            when {{ path }} is null then null
            when strpos({{ path }}, '.') = 0
                then {{ goals_analytics.map_json_value(property_map, path) }}
            else {{ goals_analytics.json_path_extract(
                goals_analytics.map_value(property_map, "split_part(" ~ path ~ ", '.', 1)"),
                "'$.\"' || replace(replace(replace(substr(" ~ path ~ ", strpos(" ~ path ~ ", '.') + 1), '\\', '\\\\'), '\"', '\\\"'), '.', '\".\"') || '\"'"
            ) }}
        end,
        'null'
    )
{%- endmacro %}
