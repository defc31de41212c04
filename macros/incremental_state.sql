{#- The side table in which an incremental model keeps what its next run compares
    against (`<model>_state`, beside the model). Written by the model's post-hook
    inside the model's transaction, so it always matches the model's rows. -#}
{% macro incremental_state_relation() -%}
    {{ return(api.Relation.create(
        database=this.database,
        schema=this.schema,
        identifier=this.identifier ~ '_state',
        type='table'
    )) }}
{%- endmacro %}
