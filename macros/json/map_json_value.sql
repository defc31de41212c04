{#- The JSON text under `key` in a map from json_object_to_map: 'null' for a key
    present with a JSON null, SQL null for a missing key. -#}
{% macro map_json_value(map, key) -%}
    (case
        when {{ goals_analytics.map_has_key(map, key) }}
            then coalesce({{ goals_analytics.map_value(map, key) }}, 'null')
    end)
{%- endmacro %}
