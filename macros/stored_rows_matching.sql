{#- The rows of this incremental model's table whose unique key occurs in `batch` (the
    summary of the newly loaded events), as a select to fold the batch into. Written
    as an EXISTS so that DuckDB hashes the small batch: as an inner join it estimated
    the filtered new events larger than the stored table and hashed the whole table
    (0.2 s at 10M events, even with nothing new). -#}
{% macro stored_rows_matching(batch, keys) -%}
    select stored.*
    from {{ this }} as stored
    where exists (
        select 1
        from {{ batch }}
        where {% for key in keys -%}
            {{ batch }}.{{ key }} = stored.{{ key }}{{ " and " if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}
