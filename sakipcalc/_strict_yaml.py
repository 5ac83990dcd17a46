"""The strict YAML composer: anchors, aliases, tags and deep nesting refused, with positions.

PyYAML composes the document into nodes from libyaml's events (or its own
pure-Python parser's), refusing what the spec format forbids as it goes; the
nodes are then walked into plain data, recording where each part was written
and reporting keys YAML 1.1 would misread and keys written twice.
:mod:`sakipcalc._source` wraps the result in a :class:`~sakipcalc._source.SourceDoc`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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

from ._marks import Mark, PathKey, Positions, format_path
from ._plain_yaml import BOOL_TEXTS, LIBYAML_PARSER, MAX_DEPTH, NULL_TEXTS
from .errors import Issue, Location, Severity

__all__ = ["MAX_ISSUES_PER_FILE", "Composed", "compose_strictly"]

MAX_ISSUES_PER_FILE = 50


@dataclass(frozen=True, slots=True)
class Composed:
    """A document the strict composer could read: its data and where each part was written."""

    data: Any
    positions: Positions


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
if LIBYAML_PARSER is not None:

    class _CStrictComposer(LIBYAML_PARSER, _RefusingComposer, BaseResolver):  # type: ignore[misc]
        def __init__(self, text: str, report: Callable[[_Refusal], None]) -> None:
            LIBYAML_PARSER.__init__(self, text)
            Composer.__init__(self)
            BaseResolver.__init__(self)
            self._report = report
            self._depth = 0

    _StrictComposer = _CStrictComposer


def _mark(m: yaml.Mark) -> Mark:
    return Mark(m.line + 1, m.column + 1)


def compose_strictly(text: str, file: str) -> tuple[Composed | None, list[Issue]]:
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
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        if "maximum nesting depth" in problem:  # libyaml's own limit, met before ours
            code, message = "yaml-too-deep", f"nesting is deeper than {MAX_DEPTH} levels"
            hint = "flatten the document; no sakipcalc spec needs this depth"
        else:
            code, message = "yaml-syntax", f"YAML syntax error: {problem}"
            hint = "check indentation and quoting around this position"
        issues.append(Issue(Severity.ERROR, code, message, where, hint=hint))
        return None, issues
    except yaml.reader.ReaderError as exc:
        position = exc.position
        if LIBYAML_PARSER is not None and isinstance(loader, LIBYAML_PARSER):
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

    found = Positions()
    if root is None:
        return Composed(None, found), issues
    data = _convert(root, (), found, file, issues, text.splitlines())
    return Composed(data, found), issues


def _convert(
    node: Node,
    path: PathKey,
    found: Positions,
    file: str,
    issues: list[Issue],
    lines: list[str],
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
    found.marks[path] = mark
    if isinstance(node, ScalarNode) and node.end_mark.line > node.start_mark.line:
        found.spans[path] = _spans(node, mark, lines)
    if isinstance(node, ScalarNode):
        text: str = node.value
        if not node.style and text in NULL_TEXTS:
            return None
        return text
    if isinstance(node, SequenceNode):
        return [
            _convert(item, (*path, i), found, file, issues, lines)
            for i, item in enumerate(node.value)
        ]
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
                        Location(file, key_mark.line, key_mark.column),
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
                        Location(file, key_mark.line, key_mark.column),
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
                        Location(file, key_mark.line, key_mark.column),
                        format_path(path),
                        "keep one of them; YAML would silently keep only the last",
                    )
                )
                continue
            first_seen[key] = key_mark
            found.key_marks[(*path, key)] = key_mark
            out[key] = _convert(value_node, (*path, key), found, file, issues, lines)
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
