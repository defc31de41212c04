{#- on-run-start hook: when this run builds a configuration node (a seed or a model
    tagged `configuration`), drop the fingerprint of the configuration's last
    successful build (`intermediate.configuration_fingerprint`, written by the runner
    after a successful build; orchestration/configuration_state.py). Until a build
    succeeds again, scheduled builds then rebuild the configuration instead of leaving
    it out. Renders nothing when the run builds no configuration node or there is no
    fingerprint. -#}
{% macro forget_configuration_fingerprint() -%}
    {%- if execute -%}
        {%- set builds_configuration = namespace(value=false) -%}
        {%- for unique_id in selected_resources -%}
            {%- set node = graph.nodes.get(unique_id) -%}
            {%- if node is not none
                and node.resource_type in ('seed', 'model')
                and 'configuration' in node.tags -%}
                {%- set builds_configuration.value = true -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if builds_configuration.value -%}
            {%- set fingerprint = adapter.get_relation(
                database=target.database,
                schema='intermediate',
                identifier='configuration_fingerprint'
            ) -%}
            {%- if fingerprint is not none -%}
                drop table {{ fingerprint }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
