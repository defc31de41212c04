{#- The parts of the daily figures of a group of outcomes, as select columns: counts of
    outcomes and of chat-driven ones, and per money column in `sums` its sum, its count
    of values and its chat-driven sum. They add up across groups: the day's figures of
    parts summed per hour or per date (agg_goal_outcomes_daily). -#}
{% macro outcome_partial_sums(sums) -%}
    count(*) as outcomes,
    count(*) filter (where is_chat_driven) as chat_driven_outcomes,
    {%- for column in sums %}
    sum({{ column }}) as {{ column }}_sum,
    count({{ column }}) as {{ column }}_count,
    sum({{ column }}) filter (where is_chat_driven) as chat_driven_{{ column }}_sum
    {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
