"""Landing-file bookkeeping of the sensor: content hashes (cached by size and mtime in the
sensor cursor), which contents are new, and when a file has settled."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path


def file_sha256(path: Path | str, *, chunk_size: int = 1 << 20) -> str:
    """sha256 of a file's bytes as stored (the ledger's identity of a file)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


#: One landing file as the sensor saw it: path -> (size, mtime_ns, sha256).
HashCache = dict[str, tuple[int, int, str]]


def decode_cursor(cursor: str | None) -> HashCache:
    """The sensor cursor (a JSON hash cache) back to a dict; anything unreadable is empty."""
    if not cursor:
        return {}
    try:
        raw = json.loads(cursor)
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    cache: HashCache = {}
    for path, entry in raw.items():
        if (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], int)
            and isinstance(entry[1], int)
            and isinstance(entry[2], str)
        ):
            cache[str(path)] = (entry[0], entry[1], entry[2])
    return cache


def encode_cursor(cache: Mapping[str, tuple[int, int, str]]) -> str:
    return json.dumps({path: list(entry) for path, entry in sorted(cache.items())})


def hash_files(
    paths: Iterable[Path], cache: Mapping[str, tuple[int, int, str]]
) -> tuple[list[tuple[Path, str]], HashCache]:
    """(path, sha256) of every file, re-hashing only files whose size or mtime changed since
    the cache was written; returns the new cache (entries of vanished files dropped). A file
    that cannot be read (gone, no permission, an I/O error) is left out: tried next time."""
    hashed: list[tuple[Path, str]] = []
    new_cache: HashCache = {}
    for path in paths:
        key = str(path)
        try:
            stat = path.stat()
            cached = cache.get(key)
            if cached is not None and cached[:2] == (stat.st_size, stat.st_mtime_ns):
                sha = cached[2]
            else:
                sha = file_sha256(path)
        except OSError:
            continue
        new_cache[key] = (stat.st_size, stat.st_mtime_ns, sha)
        hashed.append((path, sha))
    return hashed, new_cache


def new_file_contents(
    files: Sequence[tuple[Path, str]], loaded_sha256: set[str] | frozenset[str]
) -> list[tuple[Path, str]]:
    """The files whose content is not in the ledger, one per content (the first path in the
    given, lexicographic, order): a renamed copy of a loaded or listed file asks for nothing."""
    seen: set[str] = set(loaded_sha256)
    todo: list[tuple[Path, str]] = []
    for path, sha in files:
        if sha in seen:
            continue
        seen.add(sha)
        todo.append((path, sha))
    return todo


def is_settled(mtime: float, now: float, settle_seconds: float) -> bool:
    """A landing file is picked up once it has not changed for `settle_seconds` (a writer
    still appending to it would otherwise have half a file loaded)."""
    return now - mtime >= settle_seconds
