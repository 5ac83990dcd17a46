"""Strict YAML loading with line and column marks.

PyYAML composes the document into nodes, and we walk the nodes ourselves
instead of letting PyYAML construct Python objects. That is what keeps the
input's meaning intact:

* every scalar stays the exact text the author typed, so ``no`` is never
  False, ``010`` never 8, ``1:20`` never 80, and ``2022-01-01`` never a date;
  the models decide what a text means and reject what is ambiguous;
* anchors, aliases and explicit tags are refused while composing, before any
  alias could be expanded, so an alias bomb costs nothing;
* nesting depth is counted while composing, so a deep document is refused
  before Python's recursion limit is anywhere near;
* duplicate keys are reported naming both lines.

The result is plain data (``dict[str, ...]``, ``list``, ``str`` or ``None``)
plus a map from each path in it to where it was written.

Every file is first read the fast way (``_plain_yaml``), which gives the same
data for a file with nothing to refuse; only a file it is unsure of goes
through the strict composer (:mod:`._strict_yaml`). Positions are then
found again from the text when an issue first asks for one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._marks import Mark as Mark
from ._marks import PathKey as PathKey
from ._marks import Positions
from ._marks import format_path as format_path
from ._plain_yaml import MAX_DEPTH as MAX_DEPTH
from ._plain_yaml import UNSURE, plain_data
from ._strict_yaml import MAX_ISSUES_PER_FILE as MAX_ISSUES_PER_FILE
from ._strict_yaml import compose_strictly
from .errors import Issue, Location, Severity

MAX_FILE_BYTES = 1_048_576


@dataclass(slots=True)
class SourceDoc:
    """One loaded file: its data and where each part of it was written.

    A YAML document keeps only its text: positions are needed only for an
    issue, so they are found again, by parsing the text once more, when first
    asked for. Keeping a mark for every value of a large spec cost more memory
    than everything else loaded together.
    """

    file: str
    data: Any
    text: str | None = field(default=None, repr=False)
    found: Positions | None = field(default=None, repr=False)

    @property
    def positions(self) -> Positions:
        if self.found is None:
            self.found = Positions() if self.text is None else _find_positions(self.text)
        return self.found

    @property
    def marks(self) -> dict[PathKey, Mark]:
        return self.positions.marks

    @property
    def key_marks(self) -> dict[PathKey, Mark]:
        return self.positions.key_marks

    @property
    def spans(self) -> dict[PathKey, tuple[tuple[int, int, int], ...]]:
        return self.positions.spans

    def locate_offset(self, path: PathKey, offset: int) -> Location:
        """Where the character at ``offset`` of a scalar's value was written.

        YAML joins the lines of a folded or multi-line scalar with one character,
        so the offset is walked line by line. (Escapes inside a double-quoted
        scalar are not undone: there the column is approximate.)
        """
        base = self.locate(path)
        segments = self.spans.get(path)
        if not segments:
            return Location(base.file, base.line, (base.column or 1) + offset)
        for line, column, length in segments:
            if offset <= length:
                return Location(self.file, line, column + offset)
            offset -= length + 1
        line, column, length = segments[-1]
        return Location(self.file, line, column + length)

    def has_mark(self, path: PathKey) -> bool:
        """Whether ``path`` itself (not only an ancestor) was written in the file."""
        found = self.positions
        return path in found.marks or path in found.key_marks

    def locate(self, path: PathKey, *, prefer_key: bool = False) -> Location:
        """The location of ``path``, or of its nearest written ancestor."""
        found = self.positions
        for end in range(len(path), -1, -1):
            sub = path[:end]
            if prefer_key and sub in found.key_marks:
                mark = found.key_marks[sub]
                return Location(self.file, mark.line, mark.column)
            if sub in found.marks:
                mark = found.marks[sub]
                return Location(self.file, mark.line, mark.column)
        return Location(self.file)


def load_yaml_text(text: str, file: str) -> tuple[SourceDoc | None, list[Issue]]:
    """Parse one YAML text strictly. Returns the document (None if unusable) and its issues.

    Most files are plain: a lean walk over libyaml's events turns them into
    data (``_plain_yaml``). Any file it is unsure of (an anchor, alias or
    tag, a suspicious key, deep nesting, a syntax error) is parsed again by
    the strict composer, which finds and words every problem.
    """
    data = plain_data(text)
    if data is not UNSURE:
        return SourceDoc(file, data, text), []
    return load_yaml_strictly(text, file)


def _find_positions(text: str) -> Positions:
    doc, _ = load_yaml_strictly(text, "")
    return doc.positions if doc is not None else Positions()


def load_yaml_strictly(text: str, file: str) -> tuple[SourceDoc | None, list[Issue]]:
    """The strict composer: every refusal is an issue with its position; marks are recorded."""
    composed, issues = compose_strictly(text, file)
    if composed is None:
        return None, issues
    return SourceDoc(file, composed.data, text, composed.positions), issues


def byte_position(body: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of the byte at ``offset``; columns count characters, as editors do."""
    line_start = body.rfind(b"\n", 0, offset) + 1
    line = body.count(b"\n", 0, offset) + 1
    column = len(body[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def read_yaml_file(path: Path, display: str) -> tuple[SourceDoc | None, list[Issue]]:
    """Read and strictly parse one file, refusing it early if it is too big or not UTF-8."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, [
            Issue(
                Severity.ERROR, "io-error", f"cannot read file: {exc.strerror}", Location(display)
            )
        ]
    if size > MAX_FILE_BYTES:
        return None, [
            Issue(
                Severity.ERROR,
                "file-too-large",
                f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes",
                Location(display),
                hint="split the spec into several files in one directory",
            )
        ]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Issue(
                Severity.ERROR, "io-error", f"cannot read file: {exc.strerror}", Location(display)
            )
        ]
    # Editors do not show a byte-order mark, so positions are counted without it.
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(body, exc.start)
        return None, [
            Issue(
                Severity.ERROR,
                "not-utf8",
                f"byte 0x{body[exc.start]:02x} is not valid UTF-8",
                Location(display, line, column),
                hint="save the file as UTF-8",
            )
        ]
    return load_yaml_text(text, display)
