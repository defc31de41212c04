"""Arrow arrays built from their buffers, for the tables the loader hands to DuckDB.

`pyarrow.array()` and `pyarrow.table()` of Python or numpy values import pandas on their
first call (to check whether the values are pandas objects): a quarter of a second of
every load's critical path, before the first chunk reaches DuckDB. Arrays built from
buffers never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa


def int64s(values: npt.ArrayLike) -> pa.Array:
    """A bigint column."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def strings(values: Sequence[str]) -> pa.Array:
    """A varchar column (no nulls)."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(item) for item in encoded], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.large_string(),
        len(encoded),
        [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))],
    )


def timestamps(values: Sequence[datetime]) -> pa.Array:
    """A timestamp column (microseconds, naive: the values are UTC)."""
    epoch = datetime(1970, 1, 1)
    micros = [(value - epoch) // timedelta(microseconds=1) for value in values]
    data = np.asarray(micros, dtype=np.int64)
    return pa.Array.from_buffers(pa.timestamp("us"), len(data), [None, pa.py_buffer(data)])


def table(columns: dict[str, pa.Array]) -> pa.Table:
    """A table of equally long columns."""
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))
