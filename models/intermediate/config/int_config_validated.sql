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
        -- one problem per line, so a failing build lists them legibly
        {{ goals_analytics.string_agg_ordered(
            'problem_message', "chr(10) || '  - '", distinct=true
        ) }} as problem_list

    from problems

),

final as (

    select
        problem_count,
        {{ goals_analytics.assert_true(
            'problem_count = 0',
            "'Invalid goals configuration (' || problem_count || ' problem(s)):' || chr(10) || '  - ' || problem_list || chr(10) || '`goals validate` lists each with its CSV line.'"
        ) }} as is_valid

    from summarized

)

select * from final
