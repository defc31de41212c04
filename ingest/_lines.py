"""Reading NDJSON files as chunks of physical lines, without per-line Python.

A chunk is a buffer cut at a newline plus the offsets of its lines: line i spans
`buffer[offsets[i]:offsets[i + 1]]`, terminator included, so an Arrow string array can
point at the buffer without copying. A UTF-8 byte-order mark at the start of the file is
skipped. Lines that are not UTF-8 are found here, their bytes kept aside and overwritten
with `#` in the buffer so that DuckDB only ever sees valid UTF-8.

`Prefetcher` reads, splits and checks the next chunks in a thread while DuckDB works on
the current one (DuckDB releases the GIL while it runs a query).
"""

from __future__ import annotations

import gzip
import hashlib
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ingest import _arrow
from ingest._strict import strip_terminator

DEFAULT_CHUNK_BYTES = 64 << 20
FIRST_CHUNK_BYTES = 4 << 20
ARROW_BATCH_ROWS = 16384
# Lines of a group of small files are numbered file index << FILE_SHIFT | line number
FILE_SHIFT = 40
BOM = b"\xef\xbb\xbf"
_SCAN_BLOCK = 1 << 20  # bytes searched for newlines at a time


class Stopped(Exception):
    """The reader was asked to stop."""


class BufferPool:
    """Reusable read buffers (fresh 64 MB allocations cost page faults every time), at
    most `count`, allocated when first needed: a small file uses one or two."""

    def __init__(self, size: int, count: int, stop: threading.Event | None = None) -> None:
        self.size = size
        self._stop = stop
        self._free: queue.Queue[bytearray] = queue.Queue()
        self._unallocated = count
        self._lock = threading.Lock()

    def get(self) -> bytearray:
        with self._lock:
            try:
                return self._free.get_nowait()
            except queue.Empty:
                if self._unallocated > 0:
                    self._unallocated -= 1
                    return bytearray(self.size)
        while True:
            try:
                return self._free.get(timeout=0.05)
            except queue.Empty:
                if self._stop is not None and self._stop.is_set():
                    raise Stopped from None

    def put(self, buffer: bytearray) -> None:
        if len(buffer) == self.size:
            self._free.put(buffer)
        else:  # a grown buffer (a line longer than the chunk size): give back a normal one
            self._free.put(bytearray(self.size))


@dataclass
class LineChunk:
    """A run of consecutive physical lines of one file."""

    buffer: bytearray
    offsets: npt.NDArray[np.int64]  # len = lines + 1
    first_line: int  # 1-based physical number of the first line
    stream_offset: int  # position of buffer[0] in the (decompressed) file
    bad_utf8: dict[int, bytes] = field(default_factory=dict)  # index -> original bytes
    pool: BufferPool | None = None
    table: pa.Table | None = None
    stored_position: int = 0  # bytes of the file as stored read so far (progress display)
    # A group of small files (group_chunk): each line's number, FILE_SHIFT-encoded
    numbers: npt.NDArray[np.int64] | None = None

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    def number_at(self, index: int) -> int:
        """The number of the line at `index` in this chunk."""
        return self.first_line + index if self.numbers is None else int(self.numbers[index])

    def index_of(self, number: int) -> int:
        """The index in this chunk of the line numbered `number`."""
        if self.numbers is None:
            return number - self.first_line
        return int(np.searchsorted(self.numbers, number))

    def line_bytes(self, index: int) -> bytes:
        """Line `index` as read (bytes not yet UTF-8 checked), with its terminator."""
        original = self.bad_utf8.get(index)
        if original is None:
            original = bytes(self.buffer[self.offsets[index] : self.offsets[index + 1]])
        return original

    def raw_line(self, index: int) -> bytes:
        """Line `index` as read (bytes not yet UTF-8 checked), without its terminator."""
        return strip_terminator(self.line_bytes(index))

    def line_spans(self) -> npt.NDArray[np.int64]:
        """Offsets of the lines in the file (len = lines + 1)."""
        return self.offsets + self.stream_offset

    def arrow_table(self, batch_rows: int = ARROW_BATCH_ROWS) -> pa.Table:
        """(line_number, line) pointing into the buffer; lines keep their terminator.

        Several record batches, so that DuckDB scans them in parallel.
        """
        if self.table is None:
            n = self.size
            lines = pa.LargeStringArray.from_buffers(
                n, pa.py_buffer(self.offsets), pa.py_buffer(self.buffer)
            )
            numbers = (
                np.arange(self.first_line, self.first_line + n, dtype=np.int64)
                if self.numbers is None
                else self.numbers
            )
            table = _arrow.table({"line_number": _arrow.int64s(numbers), "line": lines})
            self.table = pa.Table.from_batches(table.to_batches(max_chunksize=batch_rows))
        return self.table

    def release(self) -> None:
        """Done with this chunk: its buffer may be reused."""
        self.table = None
        if self.pool is not None:
            self.pool.put(self.buffer)
            self.pool = None


@dataclass
class GroupRead:
    """Whole small files read one after another into one buffer, as a group is loaded:
    their lines (`chunk`, `group_chunk`); file i's bytes (without a byte-order mark) are
    `chunk.buffer[spans[i][0]:spans[i][1]]`, the spans contiguous; `sizes` and `shas` are
    of the files as stored."""

    paths: list[Path]
    spans: list[tuple[int, int]]  # in chunk.buffer
    sizes: list[int]
    shas: list[str]
    chunk: LineChunk

    def subset(self, keep: Sequence[int]) -> GroupRead:
        """The files at indices `keep` only (in that order), in a buffer of their own."""
        original = bytearray(self.chunk.buffer)  # with the lines that are not UTF-8 as read
        for index, line in self.chunk.bad_utf8.items():
            start = int(self.chunk.offsets[index])
            original[start : start + len(line)] = line
        pieces = [bytes(original[start:stop]) for start, stop in (self.spans[i] for i in keep)]
        buffer = bytearray(b"".join(pieces))
        spans: list[tuple[int, int]] = []
        for piece in pieces:
            start = spans[-1][1] if spans else 0
            spans.append((start, start + len(piece)))
        return GroupRead(
            paths=[self.paths[i] for i in keep],
            spans=spans,
            sizes=[self.sizes[i] for i in keep],
            shas=[self.shas[i] for i in keep],
            chunk=group_chunk(buffer, spans),
        )


def read_group(paths: Sequence[Path]) -> GroupRead:
    """Read, hash and split whole plain NDJSON files (the loader does it for the next group
    in a thread while DuckDB loads the current one: hashing and numpy release the GIL).
    Raises OSError when a file cannot be read or changes size while it is read."""
    sizes = [path.stat().st_size for path in paths]
    buffer = bytearray(sum(sizes))
    spans: list[tuple[int, int]] = []
    shas: list[str] = []
    position = 0  # where the next file's content goes (a byte-order mark is cut out)
    view = memoryview(buffer)
    try:
        for path, size in zip(paths, sizes, strict=True):
            target = view[position : position + size]
            with open(path, "rb", buffering=0) as stream:
                if _readinto_full(stream, target) != size or stream.read(1):
                    raise OSError(f"{path} changed while it was being read")
            shas.append(hashlib.sha256(target).hexdigest())
            start, stop = position, position + size
            if buffer.startswith(BOM, start, stop):
                buffer[start : stop - len(BOM)] = bytes(view[start + len(BOM) : stop])
                stop -= len(BOM)
            spans.append((start, stop))
            position = stop
    finally:
        view.release()
    return GroupRead(
        paths=list(paths),
        spans=spans,
        sizes=sizes,
        shas=shas,
        chunk=group_chunk(buffer, spans),
    )


def group_chunk(buffer: bytearray, spans: Sequence[tuple[int, int]]) -> LineChunk:
    """The lines of several whole files (contiguous `spans` of `buffer`, small ones) as one
    chunk, split as `iter_line_chunks` splits each file. Line k of file i is numbered
    `i << FILE_SHIFT | k`, so that the numbers keep the load order and each line's file."""
    position = spans[0][0] if spans else 0
    offsets: list[npt.NDArray[np.int64]] = [np.full(1, position, dtype=np.int64)]
    numbers: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    for index, (start, stop) in enumerate(spans):
        assert start == position, "the files of a group follow one another in the buffer"
        ends = _line_ends(buffer, start, stop, at_end=True)
        offsets.append(ends)
        numbers.append(np.arange(1, len(ends) + 1, dtype=np.int64) | (index << FILE_SHIFT))
        position = stop
    chunk = LineChunk(
        buffer=buffer,
        offsets=np.concatenate(offsets),
        first_line=1,
        stream_offset=0,
        numbers=np.concatenate(numbers),
    )
    _mark_bad_utf8(chunk)
    return chunk


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, decompressed for `.gz`."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb", buffering=0)


def _stored_position(stream: BinaryIO) -> int:
    """How far into the file as stored a stream has read (compressed bytes for .gz)."""
    raw = stream.fileobj if isinstance(stream, gzip.GzipFile) else stream  # type: ignore[union-attr]
    try:
        return int(raw.tell())  # type: ignore[union-attr]
    except (OSError, ValueError, AttributeError):
        return 0


def _readinto_full(stream: BinaryIO, view: memoryview) -> int:
    filled = 0
    total = len(view)
    while filled < total:
        got = stream.readinto(view[filled:])  # type: ignore[attr-defined]
        if not got:
            break
        filled += got
    return filled


def _mark_bad_utf8(chunk: LineChunk) -> None:
    """Find lines that are not UTF-8, keep their bytes, blank them out for DuckDB."""
    offsets = chunk.offsets
    start, end = int(offsets[0]), int(offsets[-1])
    view = memoryview(chunk.buffer)
    try:
        if np.frombuffer(view, dtype=np.uint8, count=end - start, offset=start).max() < 0x80:
            return  # ASCII
        pos = start
        while pos < end:
            try:
                str(view[pos:end], "utf-8")
                break
            except UnicodeDecodeError as exc:
                at = pos + exc.start
                index = int(np.searchsorted(offsets, at, side="right")) - 1
                first, stop = int(offsets[index]), int(offsets[index + 1])
                chunk.bad_utf8[index] = bytes(view[first:stop])
                content_stop = stop - 1 if view[stop - 1] == 0x0A else stop
                view[first:content_stop] = b"#" * (content_stop - first)
                pos = stop
    finally:
        view.release()


def _line_ends(buffer: bytearray, start: int, stop: int, *, at_end: bool) -> np.ndarray:
    """The offset just past each line of buffer[start:stop]: after each newline and, when
    `stop` is the end of the file (`at_end`), at `stop` after a last line without one.
    Vectorized: a Python loop over a million lines holds the GIL that the loader's SQL
    thread needs. Block by block, so that the comparison's mask stays in the CPU cache
    instead of being a fresh allocation the size of the buffer."""
    view = np.frombuffer(buffer, dtype=np.uint8, count=stop - start, offset=start)
    blocks = [
        np.flatnonzero(view[at : at + _SCAN_BLOCK] == 0x0A) + (start + at + 1)
        for at in range(0, len(view), _SCAN_BLOCK)
    ]
    ends = np.concatenate(blocks).astype(np.int64) if blocks else np.zeros(0, dtype=np.int64)
    if at_end and stop > (int(ends[-1]) if len(ends) else start):
        ends = np.append(ends, stop)  # a last line without a newline is a line
    return ends


def iter_line_chunks(
    stream: BinaryIO,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    pool: BufferPool | None = None,
    *,
    first_chunk_bytes: int | None = None,
) -> Iterator[LineChunk]:
    """Chunks of whole lines from a binary stream.

    Each chunk holds a buffer from `pool` until `chunk.release()`; without a pool, the
    one buffer is reused and a chunk is valid until the next one is requested. With
    `first_chunk_bytes`, the first reads are smaller (growing 4x up to `chunk_bytes`) so
    that work on the first lines starts early.
    """
    own_pool = pool is None
    pool = pool or BufferPool(chunk_bytes, 1)
    buffer: bytearray | None = None
    tail = b""  # an unfinished line, carried into the next buffer
    consumed = 0  # bytes of the stream before the start of `buffer`
    next_line = 1
    first = True
    eof = False
    limit = min(first_chunk_bytes or chunk_bytes, chunk_bytes)
    while not eof:
        if buffer is None:
            buffer = pool.get()
        if len(tail) >= len(buffer):  # one line longer than the buffer: grow it
            buffer = bytearray(len(tail) * 2)  # released as a normal-size one
        buffer[: len(tail)] = tail
        # a grown buffer is filled whole; otherwise the first reads are smaller
        cap = len(buffer) if len(buffer) > chunk_bytes else min(len(buffer), limit)
        wanted = cap - len(tail)
        limit = min(limit * 4, chunk_bytes)
        view = memoryview(buffer)
        try:
            got = _readinto_full(stream, view[len(tail) : len(tail) + wanted])
        finally:
            view.release()
        filled = len(tail) + got
        eof = got < wanted
        start = len(BOM) if first and buffer[: len(BOM)] == BOM else 0
        ends = _line_ends(buffer, start, filled, at_end=eof)
        if not eof and not len(ends):
            tail = bytes(buffer[:filled])
            continue
        first = False
        offsets = np.empty(len(ends) + 1, dtype=np.int64)
        offsets[0] = start
        offsets[1:] = ends
        cut = int(offsets[-1])
        tail = bytes(buffer[cut:filled])
        chunk = LineChunk(
            buffer=buffer,
            offsets=offsets,
            first_line=next_line,
            stream_offset=consumed,
            pool=None if own_pool else pool,
        )
        consumed += cut
        next_line += chunk.size
        if chunk.size:
            _mark_bad_utf8(chunk)
            yield chunk
        elif not own_pool:
            chunk.release()
        if not own_pool:
            buffer = None  # the chunk holds it: take another one


class Prefetcher:
    """Chunks of a file, read, split and checked one step ahead in a thread."""

    def __init__(self, path: Path, chunk_bytes: int, *, depth: int = 1) -> None:
        self.path = path
        self._stop = threading.Event()
        self._pool = BufferPool(chunk_bytes, depth + 2, self._stop)
        self._chunk_bytes = chunk_bytes
        self._queue: queue.Queue[LineChunk | BaseException | None] = queue.Queue(depth)
        self._thread = threading.Thread(target=self._run, name="goals-ingest-reader", daemon=True)
        self._thread.start()

    def _put(self, item: LineChunk | BaseException | None) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            with open_binary(self.path) as stream:
                chunks = iter_line_chunks(
                    stream, self._chunk_bytes, self._pool, first_chunk_bytes=FIRST_CHUNK_BYTES
                )
                for chunk in chunks:
                    chunk.arrow_table()
                    chunk.stored_position = _stored_position(stream)
                    if not self._put(chunk):
                        chunk.release()
                        return
            self._put(None)
        except Stopped:
            return
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)

    def __iter__(self) -> Iterator[LineChunk]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop reading (also when the consumer stopped early) and free the buffers."""
        self._stop.set()
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, LineChunk):
                item.release()
        self._thread.join()

    def __enter__(self) -> Prefetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
