{#- The side table in which an incremental model keeps what its next run compares
    against (`<model>_state`, beside the model; the current model by default).
    Written by the model's post-hook inside the model's transaction, so it always
    matches the model's rows. -#}
{% macro incremental_state_relation(model_relation=none) -%}
    {%- set model_relation = model_relation if model_relation is not none else this -%}
    {{ return(goals_analytics.side_table(model_relation, 'state')) }}
{%- endmacro %}
