{#- Warns about outcomes whose base value is their display value although the display
    currency differs from the base currency (docs/reference.md#32-value: counted, never hidden). -#}
{% test display_value_in_other_base_currency(model) %}

select
    workspace_id,
    goal_code,
    event_id,
    currency,
    base_currency

from {{ model }}
where base_value_source = 'display'
    and currency <> base_currency

{% endtest %}
