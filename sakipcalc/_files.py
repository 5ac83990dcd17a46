"""Finding a spec's files and following its ``imports:``.

Each file is read once, however often it is named; each imported directory is
searched once, however often it is imported (``imports: [., ., …]`` used to
search the directory again for every entry).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ._progress import progress
from ._source import PathKey, SourceDoc, format_path, read_yaml_file
from .errors import Issue, Location, Severity

MAX_FILES = 500
YAML_SUFFIXES = (".yaml", ".yml")


def display(path: Path) -> str:
    """A path as shown in messages: normalised, with forward slashes."""
    text = os.path.normpath(str(path))
    return text.replace(os.sep, "/")


def discover(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[Issue]]:
    """Every YAML file under ``paths`` (directories are searched recursively, sorted)."""
    files: list[Path] = []
    issues: list[Issue] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in YAML_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "no-spec-files",
                        "directory holds no .yaml or .yml files",
                        Location(display(path)),
                    )
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            issues.append(
                Issue(
                    Severity.ERROR,
                    "io-error",
                    "no such file or directory",
                    Location(display(path)),
                )
            )
    return files, issues


def read_spec_files(
    paths: Sequence[str | os.PathLike[str]], progress_stream: TextIO | None = None
) -> Iterator[tuple[SourceDoc | None, list[Issue]]]:
    """Every file of the spec, parsed, in the order read, with the files they import.

    Yields each file (None when it could not be used) with the issues found on
    the way, so that the caller can take a file apart before the next is read.
    """
    files, found = discover(paths)
    yield None, found
    seen: set[Path] = set()
    searched: set[Path] = set()
    queue = deque(files)

    def pending() -> Iterator[Path]:
        while queue:  # imports append to the queue while it is read
            yield queue.popleft()

    steps: Iterable[Path] = pending()
    if progress_stream is not None:
        steps = progress(steps, total=None, label="reading spec files", stream=progress_stream)
    for path in steps:
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        if len(seen) > MAX_FILES:
            too_many = Issue(
                Severity.ERROR,
                "too-many-files",
                f"a spec may have at most {MAX_FILES} files",
                Location(display(path)),
            )
            yield None, [too_many]
            break
        doc, issues = read_yaml_file(path, display(path))
        if doc is None:
            yield None, issues
            continue
        entries, entry_issues = import_entries(doc)
        issues.extend(entry_issues)
        for index, target in entries:
            base = path.parent / target
            if base.is_dir():
                where = base.resolve()
                if where in searched:
                    continue  # its files are queued or read already
                searched.add(where)
                imported, more = discover([base])
                issues.extend(more)
                queue.extend(imported)
            elif base.is_file():
                queue.append(base)
            else:
                path_key: PathKey = ("imports", index)
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "import-not-found",
                        f"import '{target}' does not exist (looked for {display(base)})",
                        doc.locate(path_key),
                        format_path(path_key),
                    )
                )
        yield doc, issues


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
