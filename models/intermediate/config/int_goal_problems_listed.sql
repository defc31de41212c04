{#- Every problem of goals.csv, one row per goal and problem (several per goal when
    several checks fail): the workspace and currency it names exist, its code,
    kind, match conditions, value settings, attribution window and property paths
    are well-formed. int_config_problems_listed words them with the problems of
    the other seeds. A view: read once, by that table. -#}
{{ config(materialized='view') }}
{%- set property_path_columns = [
    'value_property',
    'currency_property',
    'base_value_property',
    'base_currency_property',
    'dedupe_property',
] %}
with

goals as (

    select * from {{ ref('stg_seeds__goals') }}

),

workspaces as (

    select * from {{ ref('stg_seeds__workspaces') }}

),

currencies as (

    select * from {{ ref('stg_seeds__currencies') }}

),

goals_checked as (

    select
        goals.*,
        count(*) over (partition by goals.workspace_id, goals.goal_code) as code_count,
        workspaces.workspace_id is not null as has_workspace,
        currencies.currency_code is not null as has_known_currency,
        {{ goals_analytics.flat_json_object_problem('goals.match_conditions') }}
            as match_conditions_problem

    from goals
    left join workspaces
        on goals.workspace_id = workspaces.workspace_id
    left join currencies
        on upper(goals.currency) = currencies.currency_code

),

goal_problem_lists as (

    select
        workspace_id,
        goal_code,
        -- the list's brackets come from a macro, which sqlfluff cannot indent by
        -- noqa: disable=LT02
        {% call goals_analytics.list_literal() %}
            case when workspace_id is null then 'workspace_id is empty' end,
            case
                when workspace_id is not null and not has_workspace
                    then 'workspace is not listed in workspaces.csv'
            end,
            case when goal_code is null then 'code is empty' end,
            case
                when not {{ goals_analytics.regexp_full_match('goal_code', '[a-z0-9_]+') }}
                    then 'code ''' || goal_code
                        || ''' may hold only lowercase letters, digits and _'
            end,
            case
                when code_count > 1
                    then 'code ''' || goal_code || ''' is used by ' || code_count
                        || ' goals of this workspace'
            end,
            {{ goals_analytics.not_one_of_problem(
                'kind', 'goal_kind', ['conversion', 'engagement', 'custom']) }},
            case
                when lower(is_primary) not in ('true', 'false')
                    then 'is_primary ''' || is_primary || ''' is not true or false'
            end,
            case when trigger_event is null then 'trigger_event is empty' end,
            case
                when match_conditions_problem is not null
                    then 'match_conditions ' || match_conditions_problem
            end,
            {{ goals_analytics.not_one_of_problem(
                'value_mode', 'value_mode', ['none', 'fixed', 'from_property']) }},
            case
                when value_mode = 'fixed' and fixed_value is null
                    then 'value_mode fixed needs a fixed_value'
            end,
            case
                when fixed_value is not null
                    and {{ goals_analytics.plain_decimal_value('fixed_value') }} is null
                    then 'fixed_value ''' || fixed_value || ''' is not a decimal number'
            end,
            case
                when value_mode = 'from_property' and value_property is null
                    then 'value_mode from_property needs a value_property'
            end,
            case
                when currency is not null and not has_known_currency
                    then 'currency ''' || currency || ''' is not an ISO 4217 code'
            end,
            case
                when attribution_window_hours is not null
                    and not (
                        {{ goals_analytics.regexp_full_match('attribution_window_hours', '[0-9]{1,9}') }}
                        and cast(attribution_window_hours as bigint) > 0
                    )
                    then 'attribution_window_hours ''' || attribution_window_hours
                        || ''' is not a positive whole number of hours'
            end,
            {%- for path_column in property_path_columns %}
                case
                    when {{ path_column }} is not null
                        and {{ goals_analytics.list_has(goals_analytics.split_text(path_column, '.'), "''") }}
                        then '{{ path_column }} ''' || {{ path_column }}
                            || ''' is not a property path (empty segment)'
                end{{ ',' if not loop.last }}
            {%- endfor %}
        {% endcall %} as problems
        -- noqa: enable=LT02

    from goals_checked

),

goal_problems as (

    select
        workspace_id,
        goal_code,
        {{ goals_analytics.unnest_list('problems') }} as problem

    from goal_problem_lists

),

final as (

    -- a check that passes leaves a null in the list
    select * from goal_problems
    where problem is not null

)

select * from final
