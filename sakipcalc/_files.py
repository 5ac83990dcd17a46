"""Finding a spec's files and following its ``imports:``.

Each file is read once, however often it is named; each imported directory is
searched once, however often it is imported (``imports: [., ., …]`` used to
search the directory again for every entry).

Every path passes through :mod:`._confine` before it is examined, and nothing
in a spec's directories is skipped without a word: an unreadable directory, a
dangling symlink, a symlink loop or a FIFO is an error naming it, so a spec
never evaluates as if it had no data.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ._confine import (
    PACKAGED_PREFIX,
    STANDARD_IMPORT,
    Refusal,
    Roots,
    confine,
    not_regular,
    package_dir,
    packaged_name,
    real_path,
    special_kind,
)
from ._progress import progress
from ._source import MAX_FILE_BYTES, PathKey, SourceDoc, format_path, read_yaml_file
from .errors import Issue, Location, Severity
from .limits import Limits

# Limits on the work one spec can cause, refused before anything past them is read.
MAX_FILES = 500  # spec files read, imports included
# Their sizes added up (each is at most MAX_FILE_BYTES). Measured on a busy 2-core machine:
# 15 MiB of indicators took 120 s and 0.97 GB to validate; a real spec is about 0.15 MiB.
MAX_TOTAL_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 10_000  # directory entries examined while searching, YAML or not
MAX_DIR_DEPTH = 32  # directories nested inside a searched directory
YAML_SUFFIXES = (".yaml", ".yml")
# Issues after which the spec is not merged or validated: what was read is only part of it.
LIMIT_CODES = frozenset({"too-many-files", "spec-too-large", "too-many-entries"})


def display(path: Path) -> str:
    """A path as shown in messages: normalised, with forward slashes."""
    text = os.path.normpath(str(path))
    return text.replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class _Entry:
    """A spec file to read."""

    path: Path  # as reached (imports are relative to its directory)
    real: Path  # what is opened
    shown: str  # as named in messages
    packaged: bool  # reached through sakipcalc:standard


class _Reader:
    def __init__(self, roots: Roots, limits: Limits) -> None:
        self.roots = roots
        # Read here, not at import, so that the module defaults stay the one source.
        self.max_files = MAX_FILES if limits.max_files is None else limits.max_files
        self.max_bytes = MAX_TOTAL_BYTES if limits.max_spec_bytes is None else limits.max_spec_bytes
        self.issues: list[Issue] = []
        self.searched: set[Path] = set()
        self.entries = 0
        self.counted: set[Path] = set()
        self.total_bytes = 0
        self.over_limit = False

    def error(self, code: str, message: str, shown: str, hint: str | None = None) -> None:
        self.issues.append(Issue(Severity.ERROR, code, message, Location(shown), hint=hint))

    def refuse(self, refusal: Refusal, subject: str, shown: str) -> None:
        self.error(refusal.code, f"{subject} {refusal.message}", shown, refusal.hint)

    def add(self, found: list[_Entry], entry: _Entry, status: os.stat_result) -> None:
        """Keep a spec file found, counting its size against the limit before anything is read."""
        if self.over_limit:
            return
        if entry.real not in self.counted and status.st_size <= MAX_FILE_BYTES:
            # Larger files are refused unread by read_yaml_file, so they cost nothing.
            self.counted.add(entry.real)
            self.total_bytes += status.st_size
        if self.total_bytes > self.max_bytes:
            self.over_limit = True
            self.error(
                "spec-too-large",
                f"the spec's files come to more than {self.max_bytes} bytes, the limit; "
                "this file and the rest were not read",
                entry.shown,
                "keep only the spec's own files in its directory",
            )
            return
        found.append(entry)

    def shown(self, path: Path, real: Path, packaged: bool) -> str:
        return packaged_name(real) if packaged and self.roots.packaged(real) else display(path)

    def search(self, directory: Path, real: Path, packaged: bool) -> list[_Entry]:
        """Every YAML file under a directory (recursively, sorted, hidden parts skipped)."""
        self.searched.add(real)
        found: list[_Entry] = []
        before = len(self.issues)
        self._walk(directory, real, packaged, (real,), found)
        if not found and len(self.issues) == before:
            self.error(
                "no-spec-files",
                "directory holds no .yaml or .yml files",
                self.shown(directory, real, packaged),
            )
        return found

    def _walk(
        self,
        directory: Path,
        real: Path,
        packaged: bool,
        ancestors: tuple[Path, ...],
        found: list[_Entry],
    ) -> None:
        shown = self.shown(directory, real, packaged)
        if len(ancestors) > MAX_DIR_DEPTH:
            self.error(
                "directory-too-deep",
                f"directories nest more than {MAX_DIR_DEPTH} levels deep here; "
                "this one was not searched",
                shown,
            )
            return
        try:
            with os.scandir(real) as listing:
                names = sorted(e.name for e in listing if not e.name.startswith("."))
        except OSError as exc:
            self.error("io-error", f"cannot read directory: {exc.strerror}", shown)
            return
        for name in names:
            if len(found) > self.max_files:
                return  # enough to report too-many-files
            self.entries += 1
            if self.entries > MAX_ENTRIES:
                if self.entries == MAX_ENTRIES + 1:
                    self.error(
                        "too-many-entries",
                        f"the spec's directories hold more than {MAX_ENTRIES} entries; "
                        "the rest were not searched",
                        shown,
                        "keep only the spec's own files in its directory",
                    )
                return
            self._visit(directory / name, real / name, packaged, ancestors, found)

    def _visit(
        self,
        path: Path,
        where: Path,
        packaged: bool,
        ancestors: tuple[Path, ...],
        found: list[_Entry],
    ) -> None:
        """One directory entry: ``where`` is it inside the (real) directory being searched."""
        shown = self.shown(path, where, packaged)
        is_yaml = path.suffix in YAML_SUFFIXES
        try:
            status = os.lstat(where)
        except OSError as exc:
            self.error("io-error", f"this file cannot be read: {exc.strerror}", shown)
            return
        if not stat.S_ISLNK(status.st_mode):
            kind = special_kind(status)
            if stat.S_ISDIR(status.st_mode):
                self._walk(path, where, packaged, (*ancestors, where), found)
            elif is_yaml and kind is not None:
                self.refuse(not_regular(kind), "this file", shown)
            elif is_yaml:
                self.add(found, _Entry(path, where, shown, packaged), status)
            return
        outcome = confine(where, self.roots)
        if isinstance(outcome, Refusal):
            # A link out of the roots matters when it could be a spec file or a
            # directory of them; other files (a PDF, a CSV) are never read anyway.
            if outcome.code != "outside-spec" or is_yaml or os.path.isdir(where):
                self.refuse(outcome, "this symlink", shown)
            return
        real, status = outcome
        kind = special_kind(status)
        if stat.S_ISDIR(status.st_mode):
            if real in ancestors:
                self.error(
                    "symlink-loop",
                    f"this symlink points to {real}, a directory that contains it; "
                    "searching it would never end",
                    shown,
                )
            elif real not in self.searched:
                self.searched.add(real)
                self._walk(path, real, packaged, (*ancestors, real), found)
        elif is_yaml and kind is not None:
            self.refuse(not_regular(kind), "this symlink", shown)
        elif is_yaml:
            self.add(found, _Entry(path, real, self.shown(path, real, packaged), packaged), status)

    def given(self, raw: str | os.PathLike[str]) -> list[_Entry]:
        """A path the caller named: a spec file, or a directory of them."""
        path = Path(raw)
        shown = display(path)
        outcome = confine(path, self.roots)
        if isinstance(outcome, Refusal):
            if outcome.code == "io-error" and not os.path.lexists(path):
                self.error("io-error", "no such file or directory", shown)
            else:
                self.refuse(outcome, "this path", shown)
            return []
        kind = special_kind(outcome[1])
        if kind is not None:
            self.refuse(not_regular(kind), "this path", shown)
            return []
        return self.admit(path, outcome, packaged=False)

    def admit(
        self, path: Path, outcome: tuple[Path, os.stat_result], *, packaged: bool
    ) -> list[_Entry]:
        """A confined regular file or directory: the spec files it holds."""
        real, status = outcome
        if stat.S_ISDIR(status.st_mode):
            if real in self.searched:
                return []  # its files are queued or read already
            return self.search(path, real, packaged)
        found: list[_Entry] = []
        self.add(found, _Entry(path, real, self.shown(path, real, packaged), packaged), status)
        return found


def roots_of(
    paths: Sequence[str | os.PathLike[str]], allow_roots: Sequence[str | os.PathLike[str]]
) -> tuple[Roots, list[Issue]]:
    """The roots: each given path's directory tree, the allowed roots, the standard library."""
    named: list[tuple[Path, str]] = []
    issues: list[Issue] = []
    for raw in paths:
        real = real_path(raw)
        if real.is_dir():
            named.append((real, display(Path(raw))))
        else:
            # A file's directory, as named and, for a symlink, where it really is.
            named.append((real_path(Path(raw).parent), display(Path(raw).parent)))
            named.append((real.parent, display(real.parent)))
    for raw in allow_roots:
        real = real_path(raw)
        if real.is_dir():
            named.append((real, display(Path(raw))))
        else:
            issues.append(
                Issue(
                    Severity.ERROR,
                    "io-error",
                    "an allowed root must be a directory",
                    Location(display(Path(raw))),
                )
            )
    return Roots.of(named), issues


def read_spec_files(
    paths: Sequence[str | os.PathLike[str]],
    progress_stream: TextIO | None = None,
    allow_roots: Sequence[str | os.PathLike[str]] = (),
    limits: Limits | None = None,
) -> Iterator[tuple[SourceDoc | None, list[Issue]]]:
    """Every file of the spec, parsed, in the order read, with the files they import.

    Yields each file (None when it could not be used) with the issues found on
    the way, so that the caller can take a file apart before the next is read.
    Nothing is read once the spec is known to be over a limit.
    """
    if isinstance(allow_roots, str | os.PathLike):
        allow_roots = [allow_roots]  # one root, not a sequence of characters
    roots, root_issues = roots_of(paths, allow_roots)
    reader = _Reader(roots, limits or Limits())
    reader.issues.extend(root_issues)
    queue: deque[_Entry] = deque()
    for raw in paths:
        queue.extend(reader.given(raw))
    reported = 0

    def fresh() -> list[Issue]:
        nonlocal reported
        new = reader.issues[reported:]
        reported = len(reader.issues)
        return new

    yield None, fresh()
    seen: set[Path] = set()

    def pending() -> Iterator[_Entry]:
        while queue:  # imports append to the queue while it is read
            yield queue.popleft()

    steps: Iterable[_Entry] = pending()
    if progress_stream is not None:
        steps = progress(steps, total=None, label="reading spec files", stream=progress_stream)
    for entry in steps:
        if reader.over_limit:
            break  # nothing more is read once the spec is known to be too large
        if entry.real in seen:
            continue
        seen.add(entry.real)
        if len(seen) > reader.max_files:
            reader.error(
                "too-many-files", f"a spec may have at most {reader.max_files} files", entry.shown
            )
            break
        doc, file_issues = read_yaml_file(entry.real, entry.shown)
        reader.issues.extend(file_issues)
        if doc is not None:
            queue.extend(_follow_imports(reader, entry, doc))
        yield doc, fresh()
    yield None, fresh()


def _follow_imports(reader: _Reader, entry: _Entry, doc: SourceDoc) -> list[_Entry]:
    imported: list[_Entry] = []
    entries, entry_issues = import_entries(doc)
    reader.issues.extend(entry_issues)
    for index, target in entries:
        path_key: PathKey = ("imports", index)
        named_packaged = target.startswith(PACKAGED_PREFIX)
        if named_packaged:
            base = package_dir() / target.removeprefix(PACKAGED_PREFIX)
        else:
            base = entry.path.parent / target
        packaged = entry.packaged or named_packaged
        outcome = confine(base, reader.roots)
        if named_packaged and not reader.roots.packaged(real_path(base)):
            looked = display(Path(os.path.abspath(base)))
            outcome = Refusal(
                "import-not-found",
                f"is not in the standard library (looked for {looked})",
                f"write {STANDARD_IMPORT}, or {STANDARD_IMPORT}/akip.yaml for one file",
            )
        elif isinstance(outcome, Refusal):
            if outcome.code == "io-error" and not os.path.lexists(base):
                looked = display(Path(os.path.abspath(base)))
                hint = None
                if Path(target).name == "standard" and target != STANDARD_IMPORT:
                    hint = f"the scales shipped with sakipcalc are imported as {STANDARD_IMPORT}"
                outcome = Refusal("import-not-found", f"does not exist (looked for {looked})", hint)
        elif (kind := special_kind(outcome[1])) is not None:
            outcome = not_regular(kind)
        if isinstance(outcome, Refusal):
            reader.issues.append(
                Issue(
                    Severity.ERROR,
                    outcome.code,
                    f"import '{target}' {outcome.message}",
                    doc.locate(path_key),
                    format_path(path_key),
                    outcome.hint,
                )
            )
            continue
        imported.extend(reader.admit(base, outcome, packaged=packaged))
    return imported


def import_entries(doc: SourceDoc) -> tuple[list[tuple[int, str]], list[Issue]]:
    """The usable ``imports:`` of a file, as (index, relative path), and issues for the rest."""
    data = doc.data
    if not isinstance(data, dict) or "imports" not in data:
        return [], []
    entries = data["imports"]
    if not isinstance(entries, list):
        return [], [
            Issue(
                Severity.ERROR,
                "type",
                "imports must be a list of relative paths",
                doc.locate(("imports",)),
                "imports",
            )
        ]
    out: list[tuple[int, str]] = []
    issues: list[Issue] = []
    for index, entry in enumerate(entries):
        path: PathKey = ("imports", index)
        where = doc.locate(path)
        if not isinstance(entry, str) or not entry:
            issues.append(
                Issue(
                    Severity.ERROR,
                    "type",
                    "each import must be a relative path",
                    where,
                    format_path(path),
                )
            )
        elif entry.startswith(PACKAGED_PREFIX):
            out.append((index, entry))
        elif os.path.isabs(entry) or entry.startswith("~"):
            issues.append(
                Issue(
                    Severity.ERROR,
                    "import-absolute",
                    f"import '{entry}' is absolute; imports are relative to the importing file",
                    where,
                    format_path(path),
                    "write a path such as ../standard",
                )
            )
        else:
            out.append((index, entry))
    return out, issues
