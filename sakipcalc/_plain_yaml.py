"""The fast way to read a plain YAML file: libyaml's events, turned straight into data.

Used by ``_source`` for every file first. Every scalar stays the exact text
the author typed (no implicit types are resolved). The walk refuses nothing
itself: anything it is unsure of (an anchor, alias or explicit tag, a
suspicious or repeated key, deep nesting, a second document, any YAML error)
returns :data:`UNSURE`, and ``_source`` reads the file again with its strict
composer, which finds and words every problem with its position.
"""

from __future__ import annotations

from sys import intern
from typing import Any

import yaml
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

_CParser: Any
try:
    import yaml._yaml as _libyaml

    _CParser = _libyaml.CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

MAX_DEPTH = 32

# Plain (unquoted) scalars that mean "nothing here". Quoted, they are text.
NULL_TEXTS = frozenset({"", "~", "null", "Null", "NULL"})
# YAML 1.1 booleans: as mapping keys they are almost always the Norway
# problem (a country code ``no:`` becoming False), so they are refused as keys.
BOOL_TEXTS = frozenset(
    {
        "yes", "Yes", "YES", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    }
)  # fmt: skip

UNSURE: Any = object()


class _Unsure(Exception):
    """Internal: the lean walk leaves this document to the strict composer."""


_NO_KEY: Any = object()


def plain_data(text: str) -> Any:
    """The document's data from libyaml's events, or ``UNSURE``.

    No node tree is built: a tree of a large file lives long enough for the
    garbage collector to promote it and then run full collections over the
    whole heap, which took more time than parsing.
    """
    if _CParser is None:
        return UNSURE
    parser = _CParser(text)
    try:
        return _from_events(parser.get_event)
    except (yaml.YAMLError, _Unsure):
        return UNSURE
    finally:
        parser.dispose()


def _from_events(get_event: Any) -> Any:
    get_event()  # the stream's start
    event = get_event()
    if type(event) is StreamEndEvent:
        return None
    # Each open collection: [the collection, the key awaiting its value (mappings only)].
    stack: list[list[Any]] = []
    root: Any = _NO_KEY
    while root is _NO_KEY:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Unsure
            text: str = event.value
            value: Any = None if not event.style and text in NULL_TEXTS else text
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Unsure
            if len(stack) >= MAX_DEPTH or (stack and stack[-1][1] is None):
                raise _Unsure  # too deep, or a collection as a mapping key
            stack.append(
                [
                    {} if kind is MappingStartEvent else [],
                    None if kind is MappingStartEvent else _NO_KEY,
                ]
            )
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        else:  # an alias
            raise _Unsure
        if not stack:
            root = value
            break
        top = stack[-1]
        container = top[0]
        if top[1] is _NO_KEY:
            container.append(value)
        elif top[1] is None:  # this scalar is a key
            if kind is not ScalarEvent:
                raise _Unsure
            key = intern(event.value)
            if key in container or (not event.style and (key in NULL_TEXTS or key in BOOL_TEXTS)):
                raise _Unsure
            top[1] = key
        else:
            container[top[1]] = value
            top[1] = None
    get_event()  # the document's end
    if type(get_event()) is not StreamEndEvent:
        raise _Unsure  # a second document
    return root
