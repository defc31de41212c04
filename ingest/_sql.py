"""The field rules of reference §2.1, written once, in SQL, run vectorized by DuckDB.

`validation_sql()` reads a relation of (line_number, line[, raw_text][, props_bad]) and
yields one row per line with a status:

- 0 `slow`: DuckDB cannot vouch that the line is strict JSON (not JSON by DuckDB's
  lenient reading, not starting with `{`, maybe NaN/Infinity or a trailing comma,
  duplicate keys). Python decides those (`ingest._strict`) and sends the strictly valid
  ones back through the same SQL in `checked` mode.
- 1 `ok`: an event, columns filled.
- 2 `reject`: `reason` and `raw_text` filled.
"""

from __future__ import annotations

from typing import Literal

STATUS_SLOW = 0
STATUS_OK = 1
STATUS_REJECT = 2

ROWS_TABLE = "__goals_ingest_rows"
DUPS_TABLE = "__goals_ingest_dups"

ROWS_DDL = f"""
create or replace temp table {ROWS_TABLE} (
    line_number     bigint not null,
    status          utinyint not null,
    reason          varchar,
    raw_text        varchar,
    workspace_id    varchar,
    event_id        varchar,
    name            varchar,
    occurred_at     timestamp,
    source          varchar,
    conversation_id varchar,
    customer_id     varchar,
    flow_id         varchar,
    properties      json
)
"""

FIELDS = (
    "event_id",
    "workspace_id",
    "name",
    "occurred_at",
    "source",
    "conversation_id",
    "customer_id",
    "flow_id",
    "properties",
)
_PATHS = "[" + ", ".join(f"'$.{f}'" for f in FIELDS) + "]"

# DuckDB accepts NaN, Infinity (any case, signed) and trailing commas; such lines (and
# strings that merely look like them) go to the strict slow path. SUSPECT adds numbers
# written with an exponent: the only values DuckDB may write back longer than they were
# (see _exact_length). Each pattern is split by its first character so that RE2 can
# skip ahead to it with memchr: one class-first pattern costs 2.5x as much.
_ODD_VALUE = r"-?(?i:nan|inf)"
_ODD_OR_EXPONENT = r"-?(?:(?i:nan|inf)|\d+(?:\.\d+)?[eE])"
STRICT_PATTERNS = (rf",\s*(?:{_ODD_VALUE}|[}}\]])", rf":\s*{_ODD_VALUE}", rf"\[\s*{_ODD_VALUE}")
SUSPECT_PATTERNS = (
    rf",\s*(?:{_ODD_OR_EXPONENT}|[}}\]])",
    rf":\s*{_ODD_OR_EXPONENT}",
    rf"\[\s*{_ODD_OR_EXPONENT}",
)


def _matches_any(column: str, patterns: tuple[str, ...]) -> str:
    return "(" + " or ".join(f"regexp_matches({column}, '{p}')" for p in patterns) + ")"


# The accepted ISO 8601 forms. Date; optional time with optional seconds and 1-9 digit
# fraction; optional zone (Z, +HH:MM, +HHMM, +HH) only after a time.
TIMESTAMP_RE = (
    r"^(\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ]((?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?)"
    r"([Zz]|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?$"
)


def _json_type(piece: str) -> str:
    return (
        f"(case left({piece}, 1) when '\"' then 'string' when '{{' then 'object' "
        f"when '[' then 'array' when 't' then 'boolean' when 'f' then 'boolean' "
        f"when 'n' then 'null' else 'number' end)"
    )


def _quoted(piece: str) -> str:
    """A JSON value for a message, cut short when long."""
    return f"(case when length({piece}) > 80 then left({piece}, 77) || '...' else {piece} end)"


def _required(i: int) -> str:
    f, p, s = FIELDS[i], f"p{i}", f"s{i}"
    return (
        f"case when {p} is null then 'missing required field {f}' "
        f"when {p} = 'null' then 'required field {f} is null' "
        f"when not starts_with({p}, '\"') then '{f} must be a string, got ' || {_json_type(p)} "
        f"when {s} = '' then 'required field {f} is empty' end"
    )


def _optional(i: int) -> str:
    f, p = FIELDS[i], f"p{i}"
    return (
        f"case when {p} is not null and {p} <> 'null' and not starts_with({p}, '\"') "
        f"then '{f} must be a string, got ' || {_json_type(p)} end"
    )


def _unique(keys: str) -> str:
    """No key twice. Quadratic, but on short key lists far cheaper than list_distinct."""
    return (
        f"(case when len({keys}) <= 1 then true when len({keys}) <= 64 "
        f"then len(list_filter({keys}, lambda x, i: list_position({keys}, x) <> i)) = 0 "
        f"else len(list_distinct({keys})) = len({keys}) end)"
    )


def _exact_length(n_fields: int) -> str:
    """True when the line is exactly `{` + the known `"key":value` pairs + `}`.

    Used only on lines without NaN/Infinity, trailing commas or exponent numbers
    (SUSPECT_PATTERNS). DuckDB re-serializes what json_extract returns; strings never get
    longer (escapes are decoded) and numbers only when written with an exponent. So
    when every known field is a string or null and `properties` an object or null, a
    line exactly that long holds nothing else: no unknown or repeated key, no
    whitespace. Minified producer output passes; other lines get json_keys.
    """
    plain = " and ".join(
        f"(p{i} is null or starts_with(p{i}, '\"') or p{i} = 'null')" for i in range(n_fields - 1)
    )
    last = n_fields - 1
    props = f"(p{last} is null or p{last} = 'null' or starts_with(p{last}, '{{'))"
    sizes = " + ".join(f"coalesce(strlen(p{i}) + {len(FIELDS[i]) + 4}, 0)" for i in range(n_fields))
    present = " + ".join(f"(p{i} is not null)::int" for i in range(n_fields))
    terminator = (
        "(case when suffix(line, chr(13) || chr(10)) then 2 "
        "when suffix(line, chr(10)) then 1 else 0 end)"
    )
    length = (
        f"strlen(line) - {terminator} = 1 + {sizes} + (case when {present} = 0 then 1 else 0 end)"
    )
    return f"({plain} and {props} and {length})"


def validation_sql(
    source: str,
    *,
    mode: Literal["fast", "checked"],
    has_raw_text: bool = False,
    has_props_bad: bool = False,
    parse_once: bool = True,
) -> str:
    """A SELECT producing ROWS_TABLE's columns for every row of `source`.

    `fast`: raw lines; the ones DuckDB cannot vouch for get status slow.
    `checked`: lines the strict Python path already vetted (strictness, keys).
    `parse_once`: parse each line once, under try(); for lines where malformed JSON is
    rare (see below). Otherwise `json_valid` checks each line before it is parsed.
    """
    raw_text = "raw_text" if has_raw_text else r"regexp_replace(line, '\r?\n?$', '')"
    extra = ", raw_text" if has_raw_text else ""
    extra += ", props_bad" if has_props_bad else ""
    if mode == "fast":
        if parse_once:
            # json_extract under try() yields NULL for a line DuckDB cannot read. One
            # such line sends its whole vector (2,048 lines) through try()'s row-by-row
            # retry: only lines shaped like one object ({ first, } last) are parsed, the
            # rest (truncated writes) go to the strict path unparsed, and the loader
            # turns parse_once off where slow lines are not rare (`_FileLoad._validate`).
            shape = (
                "starts_with(line, '{') and (suffix(line, '}' || chr(10)) "
                "or suffix(line, '}') or suffix(line, '}' || chr(13) || chr(10)))"
            )
            extract = f"try(json_extract(line, {_PATHS}))"
        else:
            shape = (
                "json_valid(line) and (starts_with(line, '{') "
                "or regexp_matches(line, '^[ \\t\\r]+\\{'))"
            )
            extract = f"json_extract(line, {_PATHS})"
        if has_props_bad:
            shape = f"not props_bad and {shape}"
        fast = (
            f"(case when not gate then false "
            f"when not suspect and {_exact_length(len(FIELDS))} then true "
            f"when suspect and {_matches_any('line', STRICT_PATTERNS)} then false "
            f"else {_unique('json_keys(line)')} end) "
            f"and (kp is null or {_unique('kp')})"
        )
        props_keys = "case when gate and starts_with(p8, '{') then json_keys(j8) end"
        suspect = f"gate and {_matches_any('line', SUSPECT_PATTERNS)}"
        status = (
            f"case when not fast then {STATUS_SLOW} "
            f"when reason is null then {STATUS_OK} else {STATUS_REJECT} end"
        )
    else:
        shape = "true"
        extract = f"try(json_extract(line, {_PATHS}))"
        fast = "gate"
        props_keys = "null::varchar[]"
        suspect = "false"
        status = f"case when reason is null then {STATUS_OK} else {STATUS_REJECT} end"

    pieces = ", ".join(f"v[{i + 1}]::varchar as p{i}" for i in range(len(FIELDS)))
    # A string without escapes is its JSON text less the quotes: substring, not the [2:-2]
    # slice, which took a sixth of the query's CPU in DuckDB 2.0 (docs/benchmarks-history.md,
    # workload matrix).
    strings = ", ".join(
        f"case when not starts_with(p{i}, '\"') then null "
        f"when contains(p{i}, '\\') then p{i} ->> '$' "
        f"else substring(p{i}, 2, length(p{i}) - 2) end as s{i}"
        for i in range(8)
    )
    reason = ", ".join(
        [
            _required(0),
            _required(1),
            _required(2),
            _required(3),
            "case when ts is null then "
            f"'occurred_at ' || {_quoted('p3')} || ' is not a valid ISO 8601 timestamp' end",
            "case when p4 is not null and p4 <> 'null' and not starts_with(p4, '\"') "
            f"then 'source must be a string, got ' || {_json_type('p4')} "
            "when s4 not in ('', 'widget', 'server') "
            f'then \'source must be "widget" or "server", got \' || {_quoted("p4")} end',
            _optional(5),
            _optional(6),
            _optional(7),
            "case when p8 is not null and p8 <> 'null' and not starts_with(p8, '{') "
            f"then 'properties must be an object, got ' || {_json_type('p8')} end",
        ]
    )
    return f"""
select line_number, {status} as status, reason,
    case when {status} = {STATUS_REJECT} then {raw_text} end as raw_text,
    s1 as workspace_id, s0 as event_id, s2 as name, ts as occurred_at,
    case when s4 = 'server' then 'server' else 'widget' end as source,
    nullif(s5, '') as conversation_id, nullif(s6, '') as customer_id,
    nullif(s7, '') as flow_id,
    case when starts_with(p8, '{{') then j8 else '{{}}'::json end as properties
from (
    select *, case
        when not gate then 'not valid JSON: the warehouse JSON reader rejected the line'
        when fast then coalesce({reason}) end as reason
    from (
        select * exclude (m), case when m.d <> '' and m.d[1:4] <> '0000' then
            make_timestamp(epoch_us(try_cast(
                m.d || ' ' || (case when m.t = '' then '00:00:00' else m.t end)
                || (case when m.z in ('', 'Z', 'z') then '+00:00' else m.z end)
            as timestamptz))) end as ts
        from (
            select *, case when fast and s3 <> '' then
                regexp_extract(s3, '{TIMESTAMP_RE}', ['d', 't', 'z']) end as m
            from (
                select *, {strings}
                from (
                    select * exclude (kp, suspect), {fast} as fast
                    from (
                        select *, {props_keys} as kp
                        from (
                            select *, {suspect} as suspect
                            from (
                                select line_number, line, v is not null as gate{extra},
                                    {pieces}, v[9] as j8
                                from (
                                    select line_number, line{extra}, case when {shape}
                                        then {extract} end as v
                                    from {source}
                                )
                            )
                        )
                    )
                )
            )
        )
    )
)
"""
