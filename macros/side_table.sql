{#- A table beside `relation` (same database and schema) named
    `<relation>_<suffix>`: where an incremental model keeps its state, its change
    queue and the record of the changes its consumer applied. -#}
{% macro side_table(relation, suffix) -%}
    {{ return(api.Relation.create(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier ~ '_' ~ suffix,
        type='table'
    )) }}
{%- endmacro %}
