{#- One row that exists only when the configuration is valid: building it fails the
    build with every problem of int_config_problems_listed in the message. Models
    that read the configuration depend on it, so nothing is built from a bad one. -#}
with

problems as (

    select * from {{ ref('int_config_problems_listed') }}

),

summarized as (

    select
        count(distinct problem_message) as problem_count,
        string_agg(distinct problem_message, '; ' order by problem_message) as problem_list

    from problems

),

final as (

    select
        problem_count,
        {{ goals_analytics.assert_true(
            'problem_count = 0',
            "'Invalid goals configuration (' || problem_count || ' problem(s)) - ' || problem_list"
        ) }} as is_valid

    from summarized

)

select * from final
