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
through the strict composer here. Positions are then found again from the
text when an issue first asks for one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    ScalarEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ._plain_yaml import BOOL_TEXTS, MAX_DEPTH, NULL_TEXTS, UNSURE, plain_data
from .errors import Issue, Location, Severity

_CParser: Any
try:
    import yaml._yaml as _libyaml

    _CParser = _libyaml.CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

MAX_FILE_BYTES = 1_048_576
MAX_ISSUES_PER_FILE = 50

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    line: int
    column: int


@dataclass(slots=True)
class Positions:
    """Where each part of a document was written."""

    marks: dict[PathKey, Mark] = field(default_factory=dict)
    key_marks: dict[PathKey, Mark] = field(default_factory=dict)
    # For scalars written over several lines: (line, column, length) of each line's text.
    spans: dict[PathKey, tuple[tuple[int, int, int], ...]] = field(default_factory=dict)


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


def format_path(path: PathKey) -> str:
    """``('indicators', 3, 'targets', '2022')`` -> ``indicators[3].targets.2022``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class _Refusal(Exception):
    """Internal: a construct the strict loader refuses outright."""

    def __init__(self, code: str, message: str, mark: Any, hint: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark
        self.hint = hint


class _RefusingComposer(Composer):
    """A composer that refuses anchors, aliases, explicit tags and excessive depth.

    It composes from whichever event parser it is mixed with: libyaml's C
    parser when PyYAML was built with it (about ten times faster), else
    PyYAML's pure-Python one. Both yield the same events with marks.
    """

    _report: Callable[[_Refusal], None]
    _depth: int

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        parser: Any = self  # the event methods come from the parser mixed in
        event: Any = parser.peek_event()
        if isinstance(event, AliasEvent):
            parser.get_event()
            self._report(
                _Refusal(
                    "yaml-alias",
                    f"alias '*{event.anchor}' is not allowed",
                    event.start_mark,
                    "write the value out in full; anchors and aliases are refused so that "
                    "a spec cannot expand into an alias bomb",
                )
            )
            placeholder_mark: Any = event.start_mark
            return ScalarNode(
                "tag:yaml.org,2002:null", "", placeholder_mark, placeholder_mark, style="'"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._report(
                _Refusal(
                    "yaml-anchor",
                    f"anchor '&{anchor}' is not allowed",
                    event.start_mark,
                    "remove the anchor and write each value out in full",
                )
            )
            event.anchor = None
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            self._report(
                _Refusal(
                    "yaml-tag",
                    f"tag '{tag}' is not allowed",
                    event.start_mark,
                    "remove the tag; sakipcalc reads every value as plain text and "
                    "decides its type from the spec format",
                )
            )
            if isinstance(event, ScalarEvent):
                event.implicit = (True, True)
            event.tag = None
        if isinstance(event, CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refusal(
                    "yaml-too-deep",
                    f"nesting is deeper than {MAX_DEPTH} levels",
                    event.start_mark,
                    "flatten the document; no sakipcalc spec needs this depth",
                )
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def _line_col(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


class _PureStrictComposer(Reader, Scanner, Parser, _RefusingComposer, BaseResolver):
    def __init__(self, text: str, report: Callable[[_Refusal], None]) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)
        self._report = report
        self._depth = 0


_StrictComposer: Any = _PureStrictComposer
if _CParser is not None:

    class _CStrictComposer(_CParser, _RefusingComposer, BaseResolver):  # type: ignore[misc]
        def __init__(self, text: str, report: Callable[[_Refusal], None]) -> None:
            _CParser.__init__(self, text)
            Composer.__init__(self)
            BaseResolver.__init__(self)
            self._report = report
            self._depth = 0

    _StrictComposer = _CStrictComposer


def _mark(m: yaml.Mark) -> Mark:
    return Mark(m.line + 1, m.column + 1)


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
    issues: list[Issue] = []

    def refuse(r: _Refusal) -> None:
        if len(issues) < MAX_ISSUES_PER_FILE:
            issues.append(
                Issue(
                    Severity.ERROR,
                    r.code,
                    r.message,
                    Location(file, r.mark.line + 1, r.mark.column + 1),
                    hint=r.hint,
                )
            )

    loader: Any = None
    try:
        loader = _StrictComposer(text, refuse)
        loader.get_event()  # StreamStart
        root: Node | None = None
        if not loader.check_event(StreamEndEvent):
            root = loader.compose_document()
        if not loader.check_event(StreamEndEvent):
            event = loader.peek_event()
            refuse(
                _Refusal(
                    "yaml-multiple-documents",
                    "a file may hold only one YAML document",
                    event.start_mark,
                    "remove the '---' separator, or split the documents into separate files",
                )
            )
            return None, issues
    except _Refusal as r:
        refuse(r)
        return None, issues
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        if "maximum nesting depth" in problem:  # libyaml's own limit, met before ours
            issues.append(
                Issue(
                    Severity.ERROR,
                    "yaml-too-deep",
                    f"nesting is deeper than {MAX_DEPTH} levels",
                    Location(file, mark.line + 1, mark.column + 1) if mark else Location(file),
                    hint="flatten the document; no sakipcalc spec needs this depth",
                )
            )
            return None, issues
        issues.append(
            Issue(
                Severity.ERROR,
                "yaml-syntax",
                f"YAML syntax error: {problem}",
                Location(file, mark.line + 1, mark.column + 1) if mark else Location(file),
                hint="check indentation and quoting around this position",
            )
        )
        return None, issues
    except yaml.reader.ReaderError as exc:
        position = exc.position
        if _CParser is not None and isinstance(loader, _CParser):
            # libyaml reports a byte offset into the UTF-8 text, not a character index.
            position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
        line, column = _line_col(text, position)
        issues.append(
            Issue(
                Severity.ERROR,
                "yaml-bad-character",
                f"character #x{exc.character:04x} is not allowed in YAML",
                Location(file, line, column),
                hint="remove control characters; save the file as plain UTF-8 text",
            )
        )
        return None, issues
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error above has a mark
        issues.append(Issue(Severity.ERROR, "yaml-syntax", f"YAML error: {exc}", Location(file)))
        return None, issues
    finally:
        if loader is not None:
            loader.dispose()

    doc = SourceDoc(file, None, text, Positions())
    if root is None:
        return doc, issues
    doc.data = _convert(root, (), doc, issues, text.splitlines())
    return doc, issues


def _convert(
    node: Node, path: PathKey, doc: SourceDoc, issues: list[Issue], lines: list[str]
) -> Any:
    mark = _mark(node.start_mark)
    # Point at the text itself, not at a quote or a block indicator, so that
    # formula carets land on the character.
    # (A refused alias leaves a zero-width placeholder, whose start and end mark
    # are one object: it has no quote to skip.)
    if (
        isinstance(node, ScalarNode)
        and node.style in ("'", '"')
        and node.start_mark is not node.end_mark
    ):
        mark = Mark(mark.line, mark.column + 1)
    elif isinstance(node, ScalarNode) and node.style in ("|", ">"):
        for index in range(mark.line, min(len(lines), mark.line + 100)):
            content = lines[index]
            if content.strip():
                mark = Mark(index + 1, len(content) - len(content.lstrip(" ")) + 1)
                break
    doc.marks[path] = mark
    if isinstance(node, ScalarNode) and node.end_mark.line > node.start_mark.line:
        doc.spans[path] = _spans(node, mark, lines)
    if isinstance(node, ScalarNode):
        text: str = node.value
        if not node.style and text in NULL_TEXTS:
            return None
        return text
    if isinstance(node, SequenceNode):
        return [_convert(item, (*path, i), doc, issues, lines) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        first_seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key_mark = _mark(key_node.start_mark)
            if not isinstance(key_node, ScalarNode):
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "yaml-non-string-key",
                        "mapping keys must be plain text, not a list or mapping",
                        Location(doc.file, key_mark.line, key_mark.column),
                        format_path(path),
                        "write the key as a single word such as 'name'",
                    )
                )
                continue
            key: str = key_node.value
            if not key_node.style and (key in NULL_TEXTS or key in BOOL_TEXTS):
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "yaml-non-string-key",
                        f"key {key!r} would be read by YAML 1.1 as "
                        f"{'null' if key in NULL_TEXTS else 'a boolean'}, not as text",
                        Location(doc.file, key_mark.line, key_mark.column),
                        format_path(path),
                        f"quote it ('{key}') if you mean the text",
                    )
                )
                continue
            if key in first_seen:
                before = first_seen[key]
                issues.append(
                    Issue(
                        Severity.ERROR,
                        "yaml-duplicate-key",
                        f"duplicate key {key!r}: first written on line {before.line}, "
                        f"again on line {key_mark.line}",
                        Location(doc.file, key_mark.line, key_mark.column),
                        format_path(path),
                        "keep one of them; YAML would silently keep only the last",
                    )
                )
                continue
            first_seen[key] = key_mark
            doc.key_marks[(*path, key)] = key_mark
            out[key] = _convert(value_node, (*path, key), doc, issues, lines)
        return out
    raise TypeError(f"unexpected YAML node {type(node).__name__}")  # pragma: no cover


def _spans(node: ScalarNode, start: Mark, lines: list[str]) -> tuple[tuple[int, int, int], ...]:
    """(line, column, length) of the text on each source line of a multi-line scalar."""
    out: list[tuple[int, int, int]] = []
    last = min(node.end_mark.line + 1, len(lines))
    for number in range(start.line, last + 1):
        text = lines[number - 1] if number - 1 < len(lines) else ""
        column = start.column if number == start.line else len(text) - len(text.lstrip(" ")) + 1
        content = text[column - 1 :].rstrip()
        if number == last and node.style in ("'", '"'):
            content = content[: max(node.end_mark.column - column, 0)]
        if content:
            out.append((number, column, len(content)))
    return tuple(out)


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
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        line = body.count(b"\n", 0, exc.start) + 1
        # Columns count characters, as editors do, not bytes.
        column = len(body[line_start : exc.start].decode("utf-8", errors="replace")) + 1
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
