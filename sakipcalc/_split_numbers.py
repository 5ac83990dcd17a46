"""Decimal commas inside a flow mapping: ``{achievement: 142,86}``.

Inside ``{ }`` a comma separates entries, so YAML reads ``142,86`` as the value
``142`` followed by a key ``86`` with no value, and the author would otherwise
be told about an "unknown key '86'". This pass finds such splits from the
positions YAML recorded (the key starts right after the comma that ends the
number, with no space), reports one error that names the number as written and
suggests the corrected text, and puts the corrected number in place so that the
rest of the file is checked as the author meant it.
"""

from __future__ import annotations

import re
from typing import Any

from ._source import PathKey, SourceDoc, format_path
from ._types import suggest_number
from .errors import Issue, Severity

__all__ = ["rejoin_split_numbers"]

_WHOLE = re.compile(r"-?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")


def rejoin_split_numbers(doc: SourceDoc) -> list[Issue]:
    """One error per number split at a comma inside a flow mapping; ``doc.data`` is repaired."""
    issues: list[Issue] = []
    _walk(doc, doc.data, (), issues)
    return issues


def _walk(doc: SourceDoc, node: Any, path: PathKey, issues: list[Issue]) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(doc, item, (*path, index), issues)
        return
    if not isinstance(node, dict):
        return
    keys = list(node)
    index = 0
    while index < len(keys):
        key = keys[index]
        value = node[key]
        if isinstance(value, str) and _WHOLE.fullmatch(value) and _may_be_split(node, keys, index):
            parts = _split_after(doc, node, keys, index, path)
            if parts:
                issues.append(_rejoin(doc, node, path, key, parts))
                index += len(parts) + 1
                continue
        _walk(doc, value, (*path, key), issues)
        index += 1


def _may_be_split(node: dict[str, Any], keys: list[str], index: int) -> bool:
    """A valueless digit key follows: only then are positions worth finding.

    Positions are found again from the text, which costs a strict parse of the
    whole file; asking for them only here keeps plain files on the fast path.
    """
    if index + 1 >= len(keys):
        return False
    following = keys[index + 1]
    return node[following] is None and _DIGITS.fullmatch(following) is not None


def _split_after(
    doc: SourceDoc, node: dict[str, Any], keys: list[str], index: int, path: PathKey
) -> list[str]:
    """The valueless digit keys that YAML cut off the number at ``keys[index]``."""
    mark = doc.marks.get((*path, keys[index]))
    if mark is None:
        return []
    line, end = mark.line, mark.column + len(node[keys[index]])
    parts: list[str] = []
    for key in keys[index + 1 :]:
        key_mark = doc.key_marks.get((*path, key))
        adjacent = key_mark is not None and (key_mark.line, key_mark.column) == (line, end + 1)
        if not (adjacent and node[key] is None and _DIGITS.fullmatch(key)):
            break
        parts.append(key)
        end += 1 + len(key)
    return parts


def _rejoin(
    doc: SourceDoc, node: dict[str, Any], parent: PathKey, key: str, parts: list[str]
) -> Issue:
    path, first = (*parent, key), node[key]
    written = ",".join([first, *parts])
    for part in parts:
        del node[part]
    suggestions = suggest_number(written)
    if suggestions:
        node[key] = suggestions[0]  # checked further as the author meant it
    if len(suggestions) == 2:
        hint = (
            f"write {suggestions[0]} if the comma is the decimal separator, or "
            f"{suggestions[1]} if it separates thousands"
        )
    else:
        fixed = suggestions[0] if suggestions else written
        hint = f"write {fixed}: a point as the decimal separator, no thousands separators"
    return Issue(
        Severity.ERROR,
        "decimal-comma",
        f"YAML split {written} at the comma: inside {{ }} a comma separates entries, so it "
        f"read {first} and then {'keys' if len(parts) > 1 else 'a key'} "
        f"{', '.join(repr(p) for p in parts)} with no value",
        doc.locate(path),
        format_path(path),
        hint,
    )
