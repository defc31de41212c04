{#- The view materialization on DuckDB: dbt's own (create under a temporary name, swap,
    in one transaction), except that a view whose definition cannot have changed is
    left as it is. Creating a view makes DuckDB bind its whole query - the staging and
    intermediate views take 20-90 ms each, every scheduled run, for nothing.

    A view is kept when it exists, this is not a full refresh, and its fingerprint
    (view_fingerprint: its compiled SQL and the columns and types of every relation it
    selects from) equals the one stored in the view's comment when it was created.
    DuckDB resolves a view's query when the view is read and only checks that the
    columns and their types are still those it was created with, so these are all a
    view depends on. -#}
{% materialization view, adapter='duckdb' %}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set fingerprint = goals_analytics.view_fingerprint(sql) -%}
    {%- set unchanged = (
        existing_relation is not none
        and existing_relation.is_view
        and not should_full_refresh()
        and goals_analytics.stored_view_fingerprint(target_relation) == fingerprint
    ) -%}

    {%- if unchanged -%}

        {{ run_hooks(pre_hooks, inside_transaction=False) }}
        {{ run_hooks(pre_hooks, inside_transaction=True) }}
        {%- call noop_statement('main', 'unchanged') -%}
            -- {{ target_relation }} is unchanged ({{ fingerprint }})
        {%- endcall -%}
        {{ run_hooks(post_hooks, inside_transaction=True) }}
        {{ adapter.commit() }}
        {{ run_hooks(post_hooks, inside_transaction=False) }}
        {{ return({'relations': [target_relation]}) }}

    {%- endif -%}

    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
    {%- set backup_relation_type = 'view' if existing_relation is none else existing_relation.type -%}
    {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
    {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
    {%- set grant_config = config.get('grants') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
    {{ drop_relation_if_exists(preexisting_backup_relation) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- call statement('main') -%}
        {{ get_create_view_as_sql(intermediate_relation, sql) }}
    {%- endcall -%}

    {%- if existing_relation is not none -%}
        {%- set existing_relation = load_cached_relation(existing_relation) -%}
        {%- if existing_relation is not none -%}
            {{ adapter.rename_relation(existing_relation, backup_relation) }}
        {%- endif -%}
    {%- endif -%}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}

    {%- call statement('view_fingerprint') -%}
        comment on view {{ target_relation }} is '{{ fingerprint }}'
    {%- endcall -%}

    {%- set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke=should_revoke) -%}
    {%- do persist_docs(target_relation, model) -%}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}
