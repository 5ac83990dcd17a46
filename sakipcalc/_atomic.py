"""Writing an output file so that nothing is lost: all of it, or none of it.

:func:`write_atomically` has the content written to a temporary file beside
the destination (same directory, so same file system), flushes it to disk,
and only then renames it over the destination with :func:`os.replace`. A write
that fails half-way (a full disk, a quota, a file-size limit) leaves the
previous file exactly as it was and removes the temporary file: a report is
never replaced by a truncated one.

A destination that exists and is not a regular file (``/dev/stdout``, a named
pipe, ``/dev/full``) cannot be renamed over: there the content is produced
in a private temporary directory first and then copied in, so a renderer's
own failure still writes nothing. A symlink is followed, so that the file it
points to is replaced and the link kept.

Every failure is an :class:`~sakipcalc.errors.OutputError` naming the path.
"""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ._terminal import printable
from .errors import OutputError

__all__ = ["write_atomically", "write_bytes_atomically"]

_COPY_CHUNK = 1 << 20


def write_bytes_atomically(destination: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``destination`` all at once or not at all."""
    write_atomically(destination, lambda path: path.write_bytes(data))


def write_atomically(
    destination: str | os.PathLike[str], produce: Callable[[Path], object]
) -> None:
    """Have ``produce(path)`` write a fresh file at ``path``, then put it at ``destination``.

    ``path`` has the destination's suffix (writers choose their format by it).
    Raises :class:`OutputError` naming the destination when anything fails.
    """
    target = Path(destination)
    if target.is_symlink():
        with contextlib.suppress(OSError, RuntimeError):
            target = target.resolve(strict=True)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _failure(target, exc) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {_shown(target)}: it is a directory")
    if mode is not None and not stat.S_ISREG(mode):
        _write_special(target, produce)
        return
    _replace(target, produce, None if mode is None else stat.S_IMODE(mode))


def _replace(target: Path, produce: Callable[[Path], object], mode: int | None) -> None:
    directory = target.parent
    try:
        handle, name = tempfile.mkstemp(
            dir=directory, prefix=f".{target.name}.", suffix=f".tmp{target.suffix}"
        )
    except OSError as exc:
        raise _failure(target, exc) from None
    os.close(handle)
    temporary = Path(name)
    try:
        _produce(produce, temporary)
        _fsync_file(temporary)
        os.chmod(temporary, _default_mode() if mode is None else mode)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise _failure(target, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _fsync_directory(directory)


def _write_special(target: Path, produce: Callable[[Path], object]) -> None:
    """A device or pipe: produce the whole file privately, then copy it in."""
    with tempfile.TemporaryDirectory(prefix="sakipcalc-") as private:
        staged = Path(private) / f"output{target.suffix}"
        try:
            _produce(produce, staged)
        except OSError as exc:
            raise _failure(target, exc) from None
        try:
            with staged.open("rb") as source, open(target, "wb") as sink:
                while chunk := source.read(_COPY_CHUNK):
                    sink.write(chunk)
        except OSError as exc:
            raise _failure(target, exc) from None


def _produce(produce: Callable[[Path], object], path: Path) -> None:
    """``produce(path)``; on failure, let half-written objects die now, without a traceback.

    A ZIP writer (openpyxl's XLSX) that failed mid-write tries again to write
    when it is garbage collected, and Python prints that second failure as
    "Exception ignored in: …" with a traceback. The first failure is the one
    reported; the echo of it is not. (A plain function, not a context manager:
    contextlib would put the traceback, and the objects it holds, back.)
    """
    try:
        produce(path)
    except BaseException as exc:
        hook = sys.unraisablehook
        sys.unraisablehook = _ignore_unraisable
        try:
            link: BaseException | None = exc
            while link is not None:
                link.__traceback__ = None  # its frames hold the half-written objects alive
                link = link.__context__
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise


def _ignore_unraisable(unraisable: object) -> None:
    return None


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every system can open a directory, so best effort."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _default_mode() -> int:
    """The mode ``open()`` would have given a new file: 0o666 less the umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _shown(path: Path) -> str:
    return printable(str(path))


def _failure(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return OutputError(f"cannot write {_shown(target)}: {printable(reason)}")
