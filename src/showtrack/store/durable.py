"""Durable files: the lock, atomic replacement, and refusing paths that are not files.

Every write of every file of a database happens while holding ``<db>.lock`` (an
flock, released by the kernel if the holder dies): a temp file in the same
folder is written, fsynced, renamed over the old file, and the folder fsynced.
A crash at any moment leaves the old file or the new one, never half of one;
a temp file left behind by a killed writer is removed by the next writer.

``COMMITS`` counts the renames this process has made, so that a message about
an interrupted command can say truthfully whether anything was saved.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from showtrack.errors import DatabaseBusyError, DatabaseError, ShowtrackError

LOCK_TIMEOUT = 10.0  # seconds; read when a lock is taken, so it can be changed at run time

#: Renames onto a database file made by this process (see ``committed``).
COMMITS = [0]


def committed() -> bool:
    """Whether this process has replaced any file of a database (a write landed)."""
    return COMMITS[0] > 0


def real(path: Path) -> Path:
    """The file a path names, symlinks resolved (locks and temp files sit beside it)."""
    return Path(os.path.realpath(path))


def lock_path(path: Path) -> Path:
    return Path(f"{real(path)}.lock")


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the cross-process lock of the database at ``path``.

    ``timeout`` (seconds; None: ``LOCK_TIMEOUT`` as it is now) is how long to wait
    for another writer; 0 gives up at once. The lock is an ``flock`` on
    ``<db>.lock`` (what filelock's Unix lock takes too, so either can hold it out);
    where there is no ``fcntl`` (Windows), filelock does it. On Unix the stdlib call
    is used directly: importing filelock costs more than a whole news check.
    """
    wait = LOCK_TIMEOUT if timeout is None else timeout
    target = lock_path(path)
    if target.is_symlink():
        raise _symlinked(target)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _filelock(path, target, wait):
            yield
        return
    try:
        fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as err:
        if target.is_symlink():
            raise _symlinked(target) from None
        raise DatabaseError(f"Can't lock the database {path}: {err.strerror or err}.") from None
    try:
        _acquire(fd, fcntl, path, wait)
        yield
    finally:
        os.close(fd)  # releases the flock


def _acquire(fd: int, fcntl: Any, path: Path, wait: float) -> None:
    import time

    deadline = time.monotonic() + wait
    pause = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as err:
            raise DatabaseError(f"Can't lock the database {path}: {err.strerror or err}.") from None
        left = deadline - time.monotonic()
        if left <= 0:
            raise _busy(path, wait)
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.1)


def _busy(path: Path, wait: float) -> DatabaseBusyError:
    waited = f"for {wait:.0f} seconds" if wait >= 1 else "right now"
    return DatabaseBusyError(
        f"The database {path} is busy: another showtrack is writing to it ({waited}). "
        "Try again in a moment."
    )


def _symlinked(target: Path) -> DatabaseError:
    return DatabaseError(
        f"The lock file {target} is a symbolic link; showtrack refuses to use it. "
        "Remove it and try again."
    )


@contextlib.contextmanager
def _filelock(path: Path, target: Path, wait: float) -> Iterator[None]:  # pragma: no cover
    from filelock import FileLock, Timeout

    lock = FileLock(str(target), timeout=wait, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(path, wait) from None
    except OSError as err:
        raise DatabaseError(f"Can't lock the database {path}: {err.strerror or err}.") from None
    try:
        yield
    finally:
        lock.release()


def temp_prefix(path: Path) -> str:
    return f".{path.name}."


def is_temp_of(name: str, path: Path) -> bool:
    """Whether a file name is one of the temp files written for ``path``."""
    return name.startswith(temp_prefix(path)) and name.endswith(".tmp")


def remove_stale_temps(path: Path) -> None:
    """Temp files left by a writer killed mid-write. Writers make them only while
    holding the lock, so under the lock every one of them is stale."""
    target = real(path)
    with contextlib.suppress(OSError):
        for name in os.listdir(target.parent):
            if name.startswith(f".{target.name}") and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(target.parent / name)


def fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _blocking_interrupts() -> contextlib.AbstractContextManager[None]:
    """Hold Ctrl-C back while a rename lands and is counted, so that an interrupted
    command never says 'nothing was saved' after a write that landed."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def held() -> Iterator[None]:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    return held()


def atomic_write(
    path: Path, pieces: Iterable[bytes | memoryview], *, mode: int = 0o600, keep: bool = True
) -> None:
    """Replace ``path`` with ``pieces`` written one after the other: all or nothing,
    durable. A new file gets ``mode``; an existing one keeps its own (``keep``) or
    gets ``mode`` too."""
    import tempfile

    folder = path.parent
    fd, temp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temp, os.stat(path).st_mode & 0o777 if keep and path.exists() else mode)
        with _blocking_interrupts():
            os.replace(temp, path)
            COMMITS[0] += 1
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_folder(folder)


def read_small_json(
    path: Path, what: str, limit: int, damaged: Callable[[Path, str], ShowtrackError]
) -> Any:
    """A small JSON file of a database (its reading state, its targets), or None when
    there is none; ``damaged(path, problem)`` is raised for one too large or not JSON."""
    try:
        fd = open_regular(path, what)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as err:
            raise DatabaseError(f"Can't read {path}: {err.strerror or err}.") from None
    if len(data) > limit:
        raise damaged(path, "it is far too large")
    import json

    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise damaged(path, "it is not valid JSON") from None


def write_new(path: Path, data: bytes) -> None:
    """Write a file that nothing names yet: a temp file beside it, fsynced, renamed
    to ``path`` (the caller fsyncs the folder once for all of them)."""
    import tempfile

    fd, temp = tempfile.mkstemp(prefix=".new.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with _blocking_interrupts():
            os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# --- paths that must be regular files ---------------------------------------------------


def describe_kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path, what: str = "the database") -> int:
    """Open ``path`` for reading without ever blocking on a FIFO, and refuse anything
    that is not a regular file (a FIFO would hang, /dev/zero would never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise DatabaseError(f"{path} is a folder, not {what} file.") from None
    except FileNotFoundError:
        raise
    except OSError as err:
        raise DatabaseError(f"Can't read {what} {path}: {err.strerror or err}.") from None
    kind = describe_kind(os.fstat(fd).st_mode)
    if kind is not None:
        os.close(fd)
        raise DatabaseError(f"{path} is {kind}, not {what} file; it was left as it is.")
    return fd


def check_database_path(path: Path) -> bool:
    """Whether a database file exists at ``path``; refuses a path that names a folder,
    a FIFO, a device or a dangling symlink, before anything reads or creates it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise DatabaseError(
                f"{path} is a symbolic link to a file that does not exist; showtrack "
                "will not create a database through it."
            ) from None
        return False
    except OSError as err:
        raise DatabaseError(f"Can't read the database {path}: {err.strerror or err}.") from None
    kind = describe_kind(info.st_mode)
    if kind is not None:
        raise DatabaseError(f"{path} is {kind}, not a showtrack database file.")
    return True


def check_output(output: Path, database: Path, owned: Sequence[Path]) -> None:
    """Refuse to write an export or calendar over a file of the database (``owned``:
    the database file, its lock, its reading state), over one of its temp files, or
    over anything that is not a regular file (a FIFO, a device, a symlink)."""
    target = real(output)
    home = real(database)
    if any(target == real(path) or target.parent == real(path) for path in owned) or (
        target.parent == home.parent and target.name.startswith(f".{home.name}")
    ):
        raise ShowtrackError(
            f"{output} is part of the database {database}; showtrack will not write over it. "
            "Choose another file."
        )
    try:
        info = os.lstat(output)
    except FileNotFoundError:
        return
    except OSError as err:
        raise ShowtrackError(f"Can't write {output}: {err.strerror or err}.") from None
    if stat.S_ISLNK(info.st_mode):
        raise ShowtrackError(
            f"{output} is a symbolic link; showtrack writes only to a regular file. "
            "Choose another file, or '-o -' for standard output."
        )
    kind = describe_kind(info.st_mode)
    if kind is not None:
        raise ShowtrackError(
            f"{output} is {kind}, not a regular file; showtrack will not replace it. "
            "Use '-o -' to write to standard output."
        )
