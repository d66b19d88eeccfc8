"""Sorting more than memory should hold: an external merge sort.

Used by ``export``, which writes the news grouped by show while the store keeps it
in commit order. Items are sorted in runs of ``run`` items; when there is more
than one run, each is pickled to an anonymous temporary file (gone when closed,
or when the process dies) and the runs are merged with ``heapq.merge``, so memory
holds one run plus one item per run. The temporary files are our own, written and
read back by this process, which is what makes ``pickle`` safe here.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeVar

T = TypeVar("T")

RUN = 20_000  # items per run: a few tens of MB for exported announcements


def sorted_spilling(pairs: Iterable[tuple[Any, T]], *, run: int | None = None) -> Iterator[T]:
    """The values of ``(key, value)`` pairs in key order (stable), as an iterator that
    holds at most about ``run`` pairs at a time. Every pair is read before the first
    value is given out, so a failure while reading them comes before any output."""
    run = run or RUN
    runs: list[IO[bytes]] = []
    batch: list[tuple[Any, int, T]] = []
    serial = 0
    try:
        for key, item in pairs:
            batch.append((key, serial, item))  # the unique serial: stable, values never compared
            serial += 1
            if len(batch) >= run:
                runs.append(_spill(batch))
                batch = []
        batch.sort()
        if not runs:
            yield from (item for _, _, item in batch)
            return
        if batch:
            runs.append(_spill(batch))
            batch = []
        for _, _, item in heapq.merge(*(_read(handle) for handle in runs)):
            yield item
    finally:
        for handle in runs:
            handle.close()


def _spill(batch: list[tuple[Any, int, T]]) -> IO[bytes]:
    batch.sort()
    handle = tempfile.TemporaryFile(prefix="showtrack-sort-")
    for entry in batch:  # each entry pickled alone, so reading one holds only it
        pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
    handle.seek(0)
    return handle


def _read(handle: IO[bytes]) -> Iterator[tuple[Any, int, Any]]:
    while True:
        try:
            yield pickle.load(handle)
        except EOFError:
            return
