"""The names of the files created in a folder, recorded by Linux inotify.

The kernel queues one event per file created while the watch is open, even for a file
deleted a moment later (DuckDB removes its spill files when a query ends), so reading
the queue after the fact sees every one of them: no polling, no timing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import sys
from pathlib import Path
from types import TracebackType

IN_CREATE = 0x00000100
IN_Q_OVERFLOW = 0x00004000
IN_NONBLOCK = 0o4000
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len (struct inotify_event)

AVAILABLE = sys.platform.startswith("linux")


class CreatedFiles:
    """``with CreatedFiles(folder) as created: ...; created.names()``."""

    def __init__(self, folder: Path) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        fd = libc.inotify_init1(IN_NONBLOCK)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        if libc.inotify_add_watch(fd, os.fsencode(folder), IN_CREATE) < 0:
            errno = ctypes.get_errno()
            os.close(fd)
            raise OSError(errno, f"inotify_add_watch failed on {folder}")
        self._fd = fd
        self._names: list[str] = []
        #: the kernel's queue overflowed: more files were created than recorded
        self.overflowed = False

    def names(self) -> list[str]:
        """Every file created so far, in order."""
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return list(self._names)
            offset = 0
            while offset < len(data):
                _, mask, _, length = _HEADER.unpack_from(data, offset)
                start = offset + _HEADER.size
                name = data[start : start + length].rstrip(b"\0")
                if mask & IN_Q_OVERFLOW:
                    self.overflowed = True
                elif name:
                    self._names.append(os.fsdecode(name))
                offset = start + length

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> CreatedFiles:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
