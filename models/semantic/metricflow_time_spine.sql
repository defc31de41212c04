{#- One row per calendar day, 2000-01-01 to 2050-12-31: the time spine MetricFlow needs to
    list days, weeks and months. A table, unlike the rest of the folder (views over the
    marts): its 18,628 rows never change, so queries read them instead of generating them. -#}
{{ config(materialized='table') }}
with

days as (

    select date_day
    from {{ goals_analytics.date_series("date '2000-01-01'", "date '2050-12-31'", 'date_day') }}

),

final as (

    select date_day from days

)

select * from final
