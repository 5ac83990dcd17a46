"""Pydantic's validation errors, turned into issues that point into the YAML.

Each error becomes one issue with a stable code (``unknown-key``,
``missing-key``, ``invalid-value``), a message in the spec's own words rather
than pydantic's, the path as the author wrote it, and a "did you mean" where
one applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._hints import suggest
from ._source import PathKey, SourceDoc, format_path
from .errors import Issue, Severity

M = TypeVar("M", bound=BaseModel)


def validate_model(
    model: type[M], value: Any, doc: SourceDoc, path: PathKey
) -> tuple[M | None, list[Issue]]:
    """``value`` as a ``model``, or None and an issue for each of pydantic's errors."""
    try:
        return model.model_validate(value), []
    except ValidationError as exc:
        return None, [
            _issue_from_pydantic(e, model, doc, path) for e in exc.errors(include_url=False)
        ]


def _issue_from_pydantic(
    error: Any, model: type[BaseModel], doc: SourceDoc, base: PathKey
) -> Issue:
    loc: PathKey = tuple(part for part in error["loc"] if not _is_internal_loc(part))
    path = _as_written((*base, *loc), doc)
    kind = error["type"]
    message: str = error["msg"]
    hint: str | None = None
    code = "invalid-value"
    if kind == "extra_forbidden":
        code = "unknown-key"
        key = str(loc[-1]) if loc else "?"
        allowed = _allowed_keys(model, loc[:-1])
        message = f"unknown key '{key}'"
        hint = suggest(key, allowed) or (f"allowed keys: {', '.join(allowed)}" if allowed else None)
        location = doc.locate(path, prefer_key=True)
    elif kind == "missing":
        code = "missing-key"
        key = str(loc[-1]) if loc else "?"
        message = f"missing required key '{key}'"
        location = doc.locate(path[:-1])
    else:
        location = doc.locate(path)
        if kind == "value_error":
            message = message.removeprefix("Value error, ")
        elif kind == "enum":
            expected = error.get("ctx", {}).get("expected", "")
            got = error.get("input")
            message = f"invalid value {got!r}; expected {expected}"
            if isinstance(got, str):
                options = [o.strip(" '") for o in str(expected).replace(" or ", ",").split(",")]
                hint = suggest(got, [o for o in options if o])
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            message = "expected a mapping of keys (key: value)"
        elif kind in ("tuple_type", "list_type"):
            message = "expected a list"
        elif kind == "string_type":
            message = "expected text"
        elif kind == "greater_than_equal":
            message = f"must be at least {error.get('ctx', {}).get('ge')}"
        elif kind == "less_than_equal":
            message = f"must be at most {error.get('ctx', {}).get('le')}"
        elif kind in ("too_short", "too_long"):
            pass
        else:
            message = message[0].lower() + message[1:] if message else message
    return Issue(Severity.ERROR, code, message, location, format_path(path), hint)


def _as_written(path: PathKey, doc: SourceDoc) -> PathKey:
    """Drop a 'range' step the author did not write (a bare {min, max} target)."""
    if "range" not in path:
        return path
    index = path.index("range")
    shorter = (*path[:index], *path[index + 1 :])
    if not doc.has_mark(path[: index + 1]) and doc.has_mark(shorter[:index]):
        return shorter
    return path


def _is_internal_loc(part: Any) -> bool:
    # pydantic inserts validator names such as 'function-before[...]' into loc.
    return isinstance(part, str) and ("[" in part and part.endswith("]") and "function" in part)


def _allowed_keys(model: type[BaseModel], loc: PathKey) -> list[str]:
    current: Any = model
    map_key_next = False  # the part after a mapping field is a key (``narrative.2022``)
    for part in loc:
        if isinstance(part, int):
            continue
        if map_key_next:
            map_key_next = False
            continue
        fields = _keys_as_written(current)
        if part not in fields:
            return []
        annotation = fields[part].annotation
        current = _model_in(annotation)
        if current is None:
            return []
        map_key_next = _is_mapping(annotation)
    return sorted(_keys_as_written(current))


def _keys_as_written(model: Any) -> dict[str, Any]:
    """A model's fields by the key a spec writes (``from`` for the field ``source``)."""
    fields = getattr(model, "model_fields", None) or {}
    return {field.alias or name: field for name, field in fields.items()}


def _is_mapping(annotation: Any) -> bool:
    """Whether an annotation such as ``FrozenMap[Period, Narrative] | None`` is a mapping."""
    origin = getattr(annotation, "__origin__", None)
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return True
    if origin is not None and getattr(annotation, "__metadata__", None) is not None:
        return _is_mapping(origin)
    return any(_is_mapping(arg) for arg in getattr(annotation, "__args__", ()) or ())


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside an annotation such as ``tuple[Indicator, ...] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and getattr(annotation, "__metadata__", None) is not None:
        return _model_in(origin)
    return None
