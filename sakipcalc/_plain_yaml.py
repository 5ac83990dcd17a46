"""The fast way to read a plain YAML file: libyaml composes, a lean walk makes the data.

Used by ``_source`` for every file first. libyaml composes the node tree with
a resolver that resolves no implicit types, so every scalar stays the exact
text the author typed. The walk refuses nothing itself: anything it is unsure
of (a possible anchor, alias or tag, a suspicious or repeated key, deep
nesting, any YAML error) returns :data:`UNSURE`, and ``_source`` reads the
file again with its strict composer, which words every problem.
"""

from __future__ import annotations

from sys import intern
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

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

_PlainComposer: Any = None
if _CParser is not None:
    _DEFAULT_TAGS = {
        ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
        SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
        MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
    }

    class _CPlainComposer(_CParser):  # type: ignore[misc]
        """libyaml's own composer, resolving no implicit types: every scalar stays its text."""

        def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
            return _DEFAULT_TAGS[kind]

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass  # no path resolvers

        def ascend_resolver(self) -> None:
            pass

    _PlainComposer = _CPlainComposer


class _Unsure(Exception):
    """Internal: the lean walk leaves this document to the strict composer."""


def plain_data(text: str) -> Any:
    """The document's data through libyaml, or ``UNSURE``.

    Without ``&`` there is no anchor, so no alias can resolve (libyaml refuses
    an undefined one), and without ``!`` there is no tag: the composed tree is
    then a tree, and only keys and depth are left to check.
    """
    if _PlainComposer is None or "&" in text or "!" in text:
        return UNSURE
    composer = _PlainComposer(text)
    try:
        root = composer.get_single_node()
        return None if root is None else _plain(root, 0)
    except (yaml.YAMLError, _Unsure, RecursionError):
        return UNSURE
    finally:
        composer.dispose()


def _plain(node: Any, depth: int) -> Any:
    kind = type(node)
    if kind is ScalarNode:
        text: str = node.value
        return None if not node.style and text in NULL_TEXTS else text
    depth += 1
    if depth > MAX_DEPTH:
        raise _Unsure
    if kind is SequenceNode:
        return [_plain(item, depth) for item in node.value]
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if type(key_node) is not ScalarNode:
            raise _Unsure
        # Keys repeat across a spec (every category of every data row): one copy each.
        key: str = intern(key_node.value)
        if key in out or (not key_node.style and (key in NULL_TEXTS or key in BOOL_TEXTS)):
            raise _Unsure
        out[key] = _plain(value_node, depth)
    return out
