{#- Goals with their configuration typed, once int_config_validated has passed. -#}
-- depends_on: {{ ref('int_config_validated') }}
{#- The default attribution window is a dbt var: checked to be a whole number before it
    becomes SQL (never pasted in as is). -#}
{%- set default_window_hours = var('default_attribution_window_hours') | string | trim %}
{%- if not modules.re.fullmatch('[0-9]+', default_window_hours) %}
    {{ exceptions.raise_compiler_error(
        "dbt var default_attribution_window_hours must be a whole number, got '"
        ~ default_window_hours ~ "'."
    ) }}
{%- endif %}
with

goals as (

    select * from {{ ref('stg_seeds__goals') }}

),

typed as (

    select
        workspace_id,
        goal_code,
        goal_name,
        goal_description,
        goal_kind,
        coalesce(lower(is_primary) = 'true', false) as is_primary,
        trigger_event,
        match_conditions,
        value_mode,
        case
            when value_mode = 'fixed' then {{ goals_analytics.plain_decimal_value('fixed_value') }}
        end as fixed_value,
        value_property,
        upper(currency) as currency,
        currency_property,
        base_value_property,
        base_currency_property,
        coalesce(
            cast(attribution_window_hours as integer),
            {{ default_window_hours | int }}
        ) as attribution_window_hours,
        dedupe_property

    from goals

)

select * from typed
