"""Where a spec may read: its own directory tree, the standard library, and allowed roots.

A spec may come from another agency or an upload, so reading it must not read
anything else on the machine. Every path is resolved to its real path first
(symlinks followed, ``..`` removed) and checked against the roots; only then
is it examined, and only a regular file inside the roots is ever opened. A
``../`` chain out of the spec, a symlink pointing out, a device or a file
under ``/proc`` is refused with a message naming it, without being read.

The roots are the directory of each path being loaded (a file's directory),
the packaged standard library (``sakipcalc:standard``), and any directory the
caller allows (``allow_roots=`` in Python, ``--allow-root DIR`` on the command
line), for example a province's shared scales beside its kabupaten specs.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ._paths import kind_of_mode

# ``imports: ["sakipcalc:standard"]`` names the standard library shipped inside
# the package, wherever sakipcalc is installed.
PACKAGED_PREFIX = "sakipcalc:"
STANDARD_IMPORT = "sakipcalc:standard"
# Pseudo-filesystems: their files look regular but hold the machine's state
# (/proc/self/environ), so no root ever reaches into them.
SYSTEM_DIRS = (Path("/proc"), Path("/sys"), Path("/dev"))


def package_dir() -> Path:
    """The real directory of the installed ``sakipcalc`` package."""
    # files() is a pathlib.Path for every ordinary install (wheel, editable, source tree).
    return Path(os.path.realpath(str(resources.files("sakipcalc"))))


def standard_library() -> Path:
    """The real directory of the packaged standard library of scales."""
    return package_dir() / "standard"


def real_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with every symlink and ``..`` resolved, without requiring it to exist."""
    return Path(os.path.realpath(path))


def system_dir(real: Path) -> Path | None:
    """The pseudo-filesystem ``real`` lies in, if any (POSIX only)."""
    if os.name != "posix":  # pragma: no cover - Windows has no /proc
        return None
    return next((d for d in SYSTEM_DIRS if real.is_relative_to(d)), None)


@dataclass(frozen=True, slots=True)
class Roots:
    """The real directories a spec may read from, and how messages name them."""

    dirs: tuple[Path, ...]
    names: tuple[str, ...]  # as the caller wrote them, for messages
    standard: Path

    @classmethod
    def of(cls, named: Iterable[tuple[Path, str]]) -> Roots:
        unique: dict[Path, str] = {}
        for directory, name in named:
            unique.setdefault(directory, name)  # the first name given for each directory
        return cls(tuple(unique), tuple(unique.values()), standard_library())

    def allows(self, real: Path) -> bool:
        if system_dir(real) is not None:
            return False
        return any(real.is_relative_to(d) for d in (*self.dirs, self.standard))

    def packaged(self, real: Path) -> bool:
        return real.is_relative_to(self.standard)

    def describe(self) -> str:
        """The roots as listed in messages: the spec's own first, the standard library last."""
        return ", ".join((*self.names, STANDARD_IMPORT))


def packaged_name(real: Path) -> str:
    """How a file of the standard library is shown: ``sakipcalc:standard/akip.yaml``."""
    return PACKAGED_PREFIX + real.relative_to(package_dir()).as_posix()


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a path is not read: a stable code and a verb phrase about the path.

    The caller supplies the subject: ``this symlink points to …`` for a file
    found in a directory, ``import '../x' points to …`` for an import.
    """

    code: str
    message: str
    hint: str | None = None


OUTSIDE_HINT = (
    "keep shared files inside the spec's directory, import the shipped scales as "
    "sakipcalc:standard, or allow a directory with --allow-root DIR or allow_roots="
)


def confine(path: Path, roots: Roots) -> tuple[Path, os.stat_result] | Refusal:
    """The real path and status of ``path`` when it may be read, else why not.

    Nothing is opened here: the path is resolved and checked against the roots
    before its status is even asked for.
    """
    real = real_path(path)
    system = system_dir(real)
    if system is not None:
        return Refusal(
            "outside-spec",
            f"resolves to {real}, in {system}; system files are never read as a spec",
        )
    if not roots.allows(real):
        return Refusal(
            "outside-spec",
            f"leads outside the directories this spec may read ({roots.describe()}); "
            "it was not read",
            OUTSIDE_HINT,
        )
    try:
        status = os.stat(real)
    except OSError as exc:
        return _stat_refusal(path, exc)
    return real, status


def _stat_refusal(path: Path, exc: OSError) -> Refusal:
    if exc.errno == errno.ELOOP:
        return Refusal("symlink-loop", "loops: following it never reaches a file")
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return Refusal(
                "dangling-symlink",
                f"points to {os.readlink(path)}, which does not exist",
            )
        return Refusal("io-error", "does not exist")
    return Refusal("io-error", f"cannot be read: {exc.strerror}")


def special_kind(status: os.stat_result) -> str | None:
    """What a non-regular, non-directory file is, for messages; None for files and directories."""
    return kind_of_mode(status.st_mode)


def not_regular(kind: str) -> Refusal:
    return Refusal("not-regular-file", f"is {kind}, not a regular file; it was not read")
