"""Loading a spec: find files, parse them strictly, validate each item, merge, check.

Each list item is validated on its own, so one broken indicator does not hide
the problems of the others. Ids of items that failed are remembered, so that
references to them do not produce a second, misleading "unknown id" issue.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO, TypeVar

from pydantic import BaseModel, ValidationError

from ._args import require_paths
from ._gcpause import gc_paused
from ._progress import progress
from ._scales import CompiledScale, ScaleBand, band_issues, parse_interval
from ._source import PathKey, SourceDoc, format_path, read_yaml_file
from ._spec import DataSet, DataValue, Grade, Origin, Spec, budget_lines, line_totals
from ._types import IDENT_RE, parse_decimal_text, parse_period, split_period
from .errors import Issue, IssueReport, Location, Severity, SpecError
from .formula import CompiledFormula, FormulaProblem, NameInfo, NameKind, compile_formula
from .models import (
    Agreement,
    Breakdown,
    Budget,
    BudgetLine,
    Domain,
    Goal,
    Indicator,
    Link,
    Objective,
    OrgUnit,
    Reported,
    Scale,
    ScaleKind,
    SpecInfo,
    TargetSpec,
    Variable,
)

MAX_FILES = 500
YAML_SUFFIXES = (".yaml", ".yml")
_PERCENT_UNITS = frozenset({"%", "persen", "percent"})

M = TypeVar("M", bound=BaseModel)

_SECTION_TYPES: dict[str, type[BaseModel]] = {
    "breakdowns": Breakdown,
    "variables": Variable,
    "scales": Scale,
    "org_units": OrgUnit,
    "indicators": Indicator,
    "goals": Goal,
    "objectives": Objective,
    "agreements": Agreement,
    "links": Link,
    "budget": Budget,
    "reported": Reported,
}
_TOP_LEVEL = ("sakipcalc", "imports", "spec", "data", *_SECTION_TYPES)


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


# ------------------------------------------------------------------- files


def _display(path: Path) -> str:
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
                        Location(_display(path)),
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
                    Location(_display(path)),
                )
            )
    return files, issues


@dataclass
class _Raw:
    """One file, parsed and split into validated items."""

    doc: SourceDoc
    items: dict[str, list[tuple[Any, PathKey]]] = field(default_factory=dict)
    spec: tuple[SpecInfo, PathKey] | None = None
    data: dict[str, dict[str, tuple[Any, PathKey]]] = field(default_factory=dict)


@dataclass
class _Context:
    issues: list[Issue] = field(default_factory=list)
    failed_ids: dict[str, set[str]] = field(default_factory=dict)
    library: bool = False  # the files hold only shared scales or breakdowns
    failed_spec: bool = False  # a 'spec:' section was written but did not validate

    def error(
        self,
        code: str,
        message: str,
        location: Location,
        path: PathKey = (),
        hint: str | None = None,
    ) -> None:
        self.issues.append(Issue(Severity.ERROR, code, message, location, format_path(path), hint))

    def warning(
        self,
        code: str,
        message: str,
        location: Location,
        path: PathKey = (),
        hint: str | None = None,
    ) -> None:
        self.issues.append(
            Issue(Severity.WARNING, code, message, location, format_path(path), hint)
        )


def _read_all(
    paths: Sequence[str | os.PathLike[str]], ctx: _Context, progress_stream: TextIO | None = None
) -> list[_Raw]:
    files, issues = discover(paths)
    ctx.issues.extend(issues)
    seen: set[Path] = set()
    queue = list(files)
    raws: list[_Raw] = []

    def pending() -> Iterator[Path]:
        while queue:  # imports append to the queue while it is read
            yield queue.pop(0)

    steps: Iterable[Path] = pending()
    if progress_stream is not None:
        steps = progress(steps, total=None, label="reading spec files", stream=progress_stream)
    for path in steps:
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        if len(seen) > MAX_FILES:
            ctx.error(
                "too-many-files",
                f"a spec may have at most {MAX_FILES} files",
                Location(_display(path)),
            )
            break
        doc, file_issues = read_yaml_file(path, _display(path))
        ctx.issues.extend(file_issues)
        if doc is None:
            continue
        raw = _split_file(doc, ctx)
        raws.append(raw)
        for index, target in _imports(doc, ctx):
            base = path.parent / target
            if base.is_dir():
                found, more = discover([base])
                ctx.issues.extend(more)
                queue.extend(found)
            elif base.is_file():
                queue.append(base)
            else:
                ctx.error(
                    "import-not-found",
                    f"import '{target}' does not exist (looked for {_display(base)})",
                    doc.locate(("imports", index)),
                    ("imports", index),
                )
    return raws


def _imports(doc: SourceDoc, ctx: _Context) -> list[tuple[int, str]]:
    data = doc.data
    if not isinstance(data, dict) or "imports" not in data:
        return []
    entries = data["imports"]
    if not isinstance(entries, list):
        ctx.error(
            "type",
            "imports must be a list of relative paths",
            doc.locate(("imports",)),
            ("imports",),
        )
        return []
    out: list[tuple[int, str]] = []
    for index, entry in enumerate(entries):
        where = doc.locate(("imports", index))
        if not isinstance(entry, str) or not entry:
            ctx.error("type", "each import must be a relative path", where, ("imports", index))
        elif os.path.isabs(entry) or entry.startswith("~"):
            ctx.error(
                "import-absolute",
                f"import '{entry}' is absolute; imports are relative to the importing file",
                where,
                ("imports", index),
                "write a path such as ../standard",
            )
        else:
            out.append((index, entry))
    return out


def _split_file(doc: SourceDoc, ctx: _Context) -> _Raw:
    raw = _Raw(doc)
    data = doc.data
    if data is None:
        return raw
    if not isinstance(data, dict):
        ctx.error(
            "type",
            "a spec file must be a mapping of sections (indicators:, variables:, …)",
            doc.locate(()),
        )
        return raw
    for key, value in data.items():
        path: PathKey = (key,)
        if key not in _TOP_LEVEL:
            ctx.error(
                "unknown-key",
                f"unknown section '{key}'",
                doc.locate(path, prefer_key=True),
                path,
                suggest(key, _TOP_LEVEL) or f"sections are: {', '.join(_TOP_LEVEL)}",
            )
            continue
        if value is None or key == "imports":
            continue
        if key == "sakipcalc":
            if value != "1":
                ctx.error(
                    "unsupported-version",
                    f"spec format version {value!r} is not supported; this sakipcalc reads version 1",
                    doc.locate(path),
                    path,
                )
            continue
        if key == "spec":
            info = _validate_model(SpecInfo, value, doc, path, ctx)
            if info is not None:
                raw.spec = (info, path)
            else:
                ctx.failed_spec = True  # reported already; no "missing spec:" on top
            continue
        if key == "data":
            _split_data(value, doc, raw, ctx)
            continue
        if not isinstance(value, list):
            ctx.error("type", f"section '{key}' must be a list", doc.locate(path), path)
            continue
        model = _SECTION_TYPES[key]
        entries: list[tuple[Any, PathKey]] = []
        for index, item in enumerate(value):
            item_path: PathKey = (key, index)
            parsed = _validate_model(model, item, doc, item_path, ctx)
            if parsed is not None:
                entries.append((parsed, item_path))
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                ctx.failed_ids.setdefault(key, set()).add(item["id"])
        raw.items[key] = entries
    return raw


def _split_data(value: Any, doc: SourceDoc, raw: _Raw, ctx: _Context) -> None:
    if not isinstance(value, dict):
        ctx.error(
            "type",
            "data must map periods to values, e.g. '2022': {...}",
            doc.locate(("data",)),
            ("data",),
        )
        return
    for period, values in value.items():
        path: PathKey = ("data", period)
        try:
            parse_period(period)
        except ValueError as exc:
            ctx.error("invalid-period", str(exc), doc.locate(path, prefer_key=True), path)
            continue
        if values is None:
            continue
        if not isinstance(values, dict):
            ctx.error("type", "each period's data must map names to values", doc.locate(path), path)
            continue
        bucket = raw.data.setdefault(period, {})
        for name, item in values.items():
            bucket[name] = (item, (*path, name))


def _validate_model(
    model: type[M], value: Any, doc: SourceDoc, path: PathKey, ctx: _Context
) -> M | None:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            ctx.issues.append(_issue_from_pydantic(error, model, doc, path))
        return None


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
    written = doc.marks.keys() | doc.key_marks.keys()
    if path[: index + 1] not in written and shorter[:index] in written:
        return shorter
    return path


def _is_internal_loc(part: Any) -> bool:
    # pydantic inserts validator names such as 'function-before[...]' into loc.
    return isinstance(part, str) and ("[" in part and part.endswith("]") and "function" in part)


def _allowed_keys(model: type[BaseModel], loc: PathKey) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return []
        current = _model_in(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


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


# ------------------------------------------------------------------- merge


_NAMESPACES = {
    "indicators": "names",
    "variables": "names",
    "breakdowns": "breakdowns",
    "scales": "scales",
    "org_units": "org_units",
    "goals": "goals",
    "objectives": "objectives",
    "agreements": "agreements",
}


@dataclass
class _Merged:
    info: tuple[SpecInfo, Origin] | None = None
    sections: dict[str, dict[str, tuple[Any, Origin]]] = field(default_factory=dict)
    links: list[tuple[Link, Origin]] = field(default_factory=list)
    budgets: list[tuple[Budget, Origin]] = field(default_factory=list)
    reported: list[tuple[Reported, Origin]] = field(default_factory=list)
    data: dict[str, dict[str, tuple[Any, Origin]]] = field(default_factory=dict)


def _merge(raws: list[_Raw], ctx: _Context) -> _Merged:
    merged = _Merged()
    first_of_namespace: dict[tuple[str, str], tuple[str, Origin]] = {}
    for raw in raws:
        if raw.spec is not None:
            info, path = raw.spec
            origin = Origin(raw.doc, path)
            if merged.info is not None:
                before = merged.info[1].location()
                ctx.error(
                    "duplicate-spec",
                    f"a second 'spec:' section; the first is at {before}",
                    origin.location(),
                    path,
                    "keep exactly one 'spec:' section per spec",
                )
            else:
                merged.info = (info, origin)
        for section, entries in raw.items.items():
            for item, path in entries:
                origin = Origin(raw.doc, path)
                if section == "links":
                    merged.links.append((item, origin))
                    continue
                if section == "budget":
                    merged.budgets.append((item, origin))
                    continue
                if section == "reported":
                    merged.reported.append((item, origin))
                    continue
                namespace = _NAMESPACES[section]
                key = (namespace, item.id)
                if key in first_of_namespace:
                    other_section, other = first_of_namespace[key]
                    ctx.error(
                        "duplicate-id",
                        f"id '{item.id}' is already used by {_singular(other_section)} at "
                        f"{other.location('id')}",
                        origin.location("id"),
                        (*path, "id"),
                        "ids must be unique across all files of a spec"
                        + (
                            " (indicators and variables share one namespace, since formulas "
                            "name both)"
                            if namespace == "names"
                            else ""
                        ),
                    )
                    continue
                first_of_namespace[key] = (section, origin)
                merged.sections.setdefault(section, {})[item.id] = (item, origin)
        for period, values in raw.data.items():
            bucket = merged.data.setdefault(period, {})
            for name, (value, path) in values.items():
                origin = Origin(raw.doc, path)
                if name in bucket:
                    ctx.error(
                        "duplicate-data",
                        f"data for '{name}' in period {period} is already given at "
                        f"{bucket[name][1].location()}",
                        origin.location(prefer_key=True),
                        path,
                    )
                    continue
                bucket[name] = (value, origin)
    return merged


def _singular(section: str) -> str:
    return {
        "indicators": "an indicator",
        "variables": "a variable",
        "breakdowns": "a breakdown",
        "scales": "a scale",
        "org_units": "an org unit",
        "goals": "a goal",
        "objectives": "an objective",
        "agreements": "an agreement",
    }[section]


# ------------------------------------------------------------------- build


def load_issues(
    paths: Sequence[str | os.PathLike[str]], *, progress_stream: TextIO | None = None
) -> tuple[Spec | None, IssueReport]:
    """Load and check; return the spec (None when there are errors) and every issue.

    ``progress_stream`` shows a progress bar there while files are read, when it
    is a terminal.
    """
    require_paths(paths)
    ctx = _Context()
    with gc_paused():
        raws = _read_all(paths, ctx, progress_stream)
        merged = _merge(raws, ctx)
        spec = _build(merged, raws, ctx)
    report = IssueReport.of(ctx.issues)
    if report.has_errors:
        return None, report
    if spec is None and ctx.library:
        return None, report
    return spec, report


def load(*paths: str | os.PathLike[str]) -> Spec:
    """Load a spec from files or directories. Raises :class:`SpecError` with every issue."""
    spec, report = load_issues(paths)
    if spec is None:
        if not report.has_errors:  # a library: valid, but nothing to evaluate
            where = Location(_display(Path(paths[0]))) if paths else Location("<spec>")
            report = IssueReport.of(
                [
                    *report,
                    Issue(
                        Severity.ERROR,
                        "missing-spec",
                        "these files hold only shared scales or breakdowns and no 'spec:' "
                        "section; import them from a spec instead of loading them alone",
                        where,
                    ),
                ]
            )
        raise SpecError(report)
    return spec


def validate(*paths: str | os.PathLike[str]) -> IssueReport:
    """Every issue in a spec, errors and warnings, without raising."""
    return load_issues(paths)[1]


_LIBRARY_SECTIONS = frozenset({"scales", "breakdowns"})


def is_library(merged_sections: Iterable[str], has_other_content: bool) -> bool:
    """Only shared scales or breakdowns, and at least one of them."""
    sections = set(merged_sections)
    return not has_other_content and bool(sections) and sections <= _LIBRARY_SECTIONS


def _build(merged: _Merged, raws: list[_Raw], ctx: _Context) -> Spec | None:
    if merged.info is None:
        other = bool(merged.links or merged.budgets or merged.reported or merged.data)
        if raws and is_library(merged.sections, other):
            # A library of shared scales or breakdowns (like specs/standard) has no
            # 'spec:' of its own; check what it has, and let specs import it.
            library_origins = {
                (name, key): origin
                for name, entries in merged.sections.items()
                for key, (_, origin) in entries.items()
            }
            scale_items = {k: v for k, (v, _) in merged.sections.get("scales", {}).items()}
            breakdown_items = {k: v for k, (v, _) in merged.sections.get("breakdowns", {}).items()}
            _check_scales(scale_items, library_origins, ctx)
            _check_breakdowns(breakdown_items, library_origins, ctx)
            ctx.library = True
            return None
        if (raws or not ctx.issues) and not ctx.failed_spec:
            where = Location(raws[0].doc.file) if raws else Location("<spec>")
            ctx.error(
                "missing-spec",
                "no file of this spec has a 'spec:' section",
                where,
                hint="add 'spec: {id: ..., name: ..., plan: {start: 2019, end: 2023}}' to one file",
            )
        return None
    info, info_origin = merged.info
    s = merged.sections

    def section(name: str) -> dict[str, Any]:
        return {k: v for k, (v, _) in s.get(name, {}).items()}

    origins: dict[tuple[str, str], Origin] = {
        (name, key): origin for name, entries in s.items() for key, (_, origin) in entries.items()
    }
    refs = _Refs(s, ctx)
    scales = _check_scales(section("scales"), origins, ctx)
    _check_info(info, info_origin, scales, refs, ctx)
    _check_breakdowns(section("breakdowns"), origins, ctx)
    _check_variables(section("variables"), section("breakdowns"), scales, origins, refs, ctx)
    _check_org_units(section("org_units"), origins, refs, ctx)
    indicators = section("indicators")
    _check_indicators(indicators, info, scales, origins, refs, ctx)
    _check_structure(section("goals"), section("objectives"), origins, refs, ctx)
    _check_agreements(section("agreements"), indicators, scales, info, origins, refs, ctx)
    _check_links(merged.links, indicators, refs, ctx)
    _check_budgets(merged.budgets, refs, ctx)
    names = _name_infos(section("variables"), indicators, section("breakdowns"), spec_scales=scales)
    formulas = _compile_formulas(indicators, names, origins, ctx)
    order = _formula_order(indicators, formulas, origins, ctx)
    budget_ids = {line.id for budget, _ in merged.budgets for line in budget_lines(budget.programs)}
    _check_reported(merged.reported, names, refs, ctx, budget_ids, section("agreements"))
    data = _parse_data(
        merged.data,
        section("variables"),
        indicators,
        section("breakdowns"),
        scales,
        formulas,
        info,
        ctx,
    )
    frozen = MappingProxyType
    return Spec(
        info=info,
        breakdowns=frozen(section("breakdowns")),
        variables=frozen(section("variables")),
        scales=frozen(section("scales")),
        org_units=frozen(section("org_units")),
        indicators=frozen(indicators),
        goals=frozen(section("goals")),
        objectives=frozen(section("objectives")),
        agreements=frozen(section("agreements")),
        links=tuple(link for link, _ in merged.links),
        budgets=tuple(b for b, _ in merged.budgets),
        reported=tuple(r for r, _ in merged.reported),
        data=data,
        files=tuple(raw.doc.file for raw in raws),
        warnings=IssueReport.of(i for i in ctx.issues if i.severity is Severity.WARNING),
        formulas=frozen(formulas),
        compiled_scales=frozen(scales),
        order=order,
        origins=frozen(origins),
        names=frozen(names),
        link_children=frozen(_group_links(merged.links, by_parent=True)),
        link_parents=frozen(_group_links(merged.links, by_parent=False)),
    )


def _group_links(
    links: list[tuple[Link, Origin]], *, by_parent: bool
) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for link, _ in links:
        key, other = (link.parent, link.child) if by_parent else (link.child, link.parent)
        if other not in grouped.get(key, []):
            grouped.setdefault(key, []).append(other)
    return {key: tuple(values) for key, values in grouped.items()}


class _Refs:
    """Reference checks with "did you mean" and silence for ids whose item failed."""

    def __init__(self, sections: Mapping[str, Mapping[str, Any]], ctx: _Context) -> None:
        self.sections = sections
        self.ctx = ctx

    def check(
        self,
        section: str,
        ref: str | None,
        origin: Origin,
        *sub: str | int,
        what: str | None = None,
    ) -> bool:
        if ref is None:
            return True
        if ref in self.sections.get(section, {}):
            return True
        if ref in self.ctx.failed_ids.get(section, set()):
            return False  # already reported where it was defined
        label = what or _singular(section).split(" ", 1)[1]
        known = self.sections.get(section, {})
        hint = suggest(ref, known) or (
            f"declare it under '{section}:'" if not known else f"known: {_first(known)}"
        )
        self.ctx.error(
            "unknown-reference",
            f"unknown {label} '{ref}'",
            origin.location(*sub),
            (*origin.path, *sub),
            hint,
        )
        return False


def _first(names: Iterable[str], limit: int = 6) -> str:
    items = sorted(names)
    shown = ", ".join(items[:limit])
    return shown + (", …" if len(items) > limit else "")


def _check_scales(
    scales: Mapping[str, Scale], origins: Mapping[tuple[str, str], Origin], ctx: _Context
) -> dict[str, CompiledScale]:
    compiled: dict[str, CompiledScale] = {}
    for scale_id, scale in scales.items():
        origin = origins[("scales", scale_id)]
        bands: list[ScaleBand] = []
        ok = True
        labels: dict[str, int] = {}
        for index, band in enumerate(scale.bands):
            if band.label in labels:
                ctx.error(
                    "duplicate-band",
                    f"label '{band.label}' is used by band {labels[band.label] + 1} already",
                    origin.location("bands", index, "label"),
                    (*origin.path, "bands", index, "label"),
                )
                ok = False
            labels[band.label] = index
            try:
                interval = parse_interval(band.range)
            except ValueError as exc:
                ctx.error(
                    "invalid-band",
                    str(exc),
                    origin.location("bands", index, "range"),
                    (*origin.path, "bands", index, "range"),
                )
                ok = False
                continue
            bands.append(ScaleBand(band, interval, index + 1))
        if not ok:
            continue
        for index, code, problem in band_issues([b.interval for b in bands]):
            ctx.error(
                code,
                f"scale '{scale_id}': {problem}",
                origin.location("bands", index, "range"),
                (*origin.path, "bands", index, "range"),
            )
            ok = False
        if ok:
            compiled[scale_id] = CompiledScale(scale, tuple(bands))
    return compiled


def _check_scale_ref(
    ref: str | None,
    kind: ScaleKind,
    scales: Mapping[str, CompiledScale],
    origin: Origin,
    refs: _Refs,
    ctx: _Context,
    *sub: str | int,
) -> None:
    if ref is None or not refs.check("scales", ref, origin, *sub):
        return
    compiled = scales.get(ref)
    if compiled is not None and compiled.scale.kind is not kind:
        ctx.error(
            "wrong-scale-kind",
            f"scale '{ref}' is a {compiled.scale.kind.value} scale; a {kind.value} scale is needed",
            origin.location(*sub),
            (*origin.path, *sub),
        )


def _check_info(
    info: SpecInfo,
    origin: Origin,
    scales: Mapping[str, CompiledScale],
    refs: _Refs,
    ctx: _Context,
) -> None:
    if info.plan.start > info.plan.end:
        ctx.error(
            "invalid-plan",
            f"plan starts in {info.plan.start}, after it ends in {info.plan.end}",
            origin.location("plan"),
            (*origin.path, "plan"),
        )
    _check_scale_ref(
        info.category_scale, ScaleKind.CATEGORY, scales, origin, refs, ctx, "category_scale"
    )
    if info.efficiency is not None:
        _check_scale_ref(
            info.efficiency.scale,
            ScaleKind.CATEGORY,
            scales,
            origin,
            refs,
            ctx,
            "efficiency",
            "scale",
        )


def _check_breakdowns(
    breakdowns: Mapping[str, Breakdown], origins: Mapping[tuple[str, str], Origin], ctx: _Context
) -> None:
    for breakdown_id, breakdown in breakdowns.items():
        origin = origins[("breakdowns", breakdown_id)]
        seen: set[str] = set()
        for index, category in enumerate(breakdown.categories):
            if category.id in seen:
                ctx.error(
                    "duplicate-category",
                    f"category '{category.id}' is listed twice",
                    origin.location("categories", index),
                    (*origin.path, "categories", index),
                )
            seen.add(category.id)
        for subset, members in breakdown.subsets.items():
            if subset in seen:
                ctx.error(
                    "subset-name-clash",
                    f"subset '{subset}' has the name of a category",
                    origin.location("subsets", subset, prefer_key=True),
                    (*origin.path, "subsets", subset),
                )
            for index, member in enumerate(members):
                if member not in seen:
                    ctx.error(
                        "unknown-category",
                        f"subset '{subset}' names unknown category '{member}'",
                        origin.location("subsets", subset, index),
                        (*origin.path, "subsets", subset, index),
                        suggest(member, seen),
                    )


def _check_variables(
    variables: Mapping[str, Variable],
    breakdowns: Mapping[str, Breakdown],
    scales: Mapping[str, CompiledScale],
    origins: Mapping[tuple[str, str], Origin],
    refs: _Refs,
    ctx: _Context,
) -> None:
    for variable_id, variable in variables.items():
        origin = origins[("variables", variable_id)]
        if variable.domain in (Domain.GRADE,) and variable.scale is None:
            ctx.error(
                "missing-scale",
                f"variable '{variable_id}' has domain grade but names no scale",
                origin.location(),
                origin.path,
                "add 'scale: akip' (or another grade scale)",
            )
        _check_scale_ref(variable.scale, ScaleKind.GRADE, scales, origin, refs, ctx, "scale")
        if variable.categories is not None and variable.breakdown is None:
            ctx.error(
                "categories-without-breakdown",
                f"variable '{variable_id}' lists categories but names no breakdown",
                origin.location("categories"),
                (*origin.path, "categories"),
                "add 'breakdown: <id>'",
            )
        if variable.breakdown is not None and not refs.check(
            "breakdowns", variable.breakdown, origin, "breakdown"
        ):
            # Reported at the breakdown; formulas and data naming it stay quiet.
            ctx.failed_ids.setdefault("variables", set()).add(variable_id)
        elif variable.breakdown is not None:
            known = {c.id for c in breakdowns[variable.breakdown].categories}
            for index, cat in enumerate(variable.categories or ()):
                if cat not in known:
                    ctx.error(
                        "unknown-category",
                        f"'{cat}' is not a category of breakdown '{variable.breakdown}'",
                        origin.location("categories", index),
                        (*origin.path, "categories", index),
                        suggest(cat, known),
                    )


def _check_org_units(
    units: Mapping[str, OrgUnit],
    origins: Mapping[tuple[str, str], Origin],
    refs: _Refs,
    ctx: _Context,
) -> None:
    for unit_id, unit in units.items():
        refs.check("org_units", unit.parent, origins[("org_units", unit_id)], "parent")
    for cycle in _cycles({k: [u.parent] if u.parent else [] for k, u in units.items()}):
        origin = origins[("org_units", cycle[0])]
        ctx.error(
            "cycle",
            "org units are their own parents: " + " → ".join([*cycle, cycle[0]]),
            origin.location("parent"),
            (*origin.path, "parent"),
        )


def _is_percent(indicator: Indicator) -> bool:
    return indicator.unit.strip().lower() in _PERCENT_UNITS


def _unit_key(indicator: Indicator) -> str:
    """Units compared across links: '%', 'persen' and 'percent' are one unit."""
    unit = indicator.unit.strip().lower()
    return "%" if unit in _PERCENT_UNITS else unit


def _check_target(
    target: TargetSpec,
    indicator: Indicator,
    scales: Mapping[str, CompiledScale],
    origin: Origin,
    ctx: _Context,
    *sub: str | int,
) -> None:
    where = origin.location(*sub)
    path = (*origin.path, *sub)
    if target.grade is not None:
        scale = scales.get(indicator.scale) if indicator.scale else None
        if indicator.scale is None:
            ctx.error(
                "grade-without-scale",
                f"target '{target.grade}' is a grade, but indicator '{indicator.id}' names no scale",
                where,
                path,
                "add 'scale: akip' to the indicator, or write a number",
            )
        elif scale is not None and scale.band_by_label(target.grade) is None:
            ctx.error(
                "unknown-grade",
                f"'{target.grade}' is not a grade of scale '{indicator.scale}'",
                where,
                path,
                suggest(target.grade, scale.labels) or f"grades: {', '.join(scale.labels)}",
            )
        return
    numbers = [target.value] if target.value is not None else []
    if target.range is not None:
        numbers = [target.range.min, target.range.max]
        if target.range.min > target.range.max:
            ctx.error("invalid-range", "range target has min above max", where, path)
    if not _is_percent(indicator):
        for number in numbers:
            if number < 0:
                ctx.warning(
                    "negative-target",
                    f"target {number} is negative: ratio rules such as R / T invert below "
                    f"zero, so its achievement will be 'not computable'",
                    where,
                    path,
                    "state the target as a non-negative quantity (e.g. a decrease of 2)",
                )
    if _is_percent(indicator):
        for number in numbers:
            # allow_over_100 lifts the upper bound only: a percentage is never negative.
            if number < 0 or (number > 100 and not indicator.allow_over_100):
                ctx.error(
                    "percentage-out-of-range",
                    f"percentage target {number} is outside 0–100",
                    where,
                    path,
                    "fix the target, or declare 'allow_over_100: true' on the indicator",
                )


def _check_indicators(
    indicators: Mapping[str, Indicator],
    info: SpecInfo,
    scales: Mapping[str, CompiledScale],
    origins: Mapping[tuple[str, str], Origin],
    refs: _Refs,
    ctx: _Context,
) -> None:
    plan = info.plan
    for indicator_id, indicator in indicators.items():
        origin = origins[("indicators", indicator_id)]
        refs.check("org_units", indicator.owner, origin, "owner")
        _check_scale_ref(indicator.scale, ScaleKind.GRADE, scales, origin, refs, ctx, "scale")
        _check_scale_ref(
            indicator.category_scale,
            ScaleKind.CATEGORY,
            scales,
            origin,
            refs,
            ctx,
            "category_scale",
        )
        for period, target in indicator.targets.items():
            year, _ = split_period(period)
            if not plan.start <= year <= plan.end:
                ctx.error(
                    "target-outside-plan",
                    f"target for {period} is outside the plan {plan.start}–{plan.end}",
                    origin.location("targets", period, prefer_key=True),
                    (*origin.path, "targets", period),
                    "remove it, or widen 'plan:' in the spec section",
                )
            _check_target(target, indicator, scales, origin, ctx, "targets", period)
        if indicator.end_target is not None:
            _check_target(indicator.end_target, indicator, scales, origin, ctx, "end_target")
        if indicator.baseline is not None:
            _check_target(
                indicator.baseline.value, indicator, scales, origin, ctx, "baseline", "value"
            )
            year, _ = split_period(indicator.baseline.period)
            if year > plan.start:
                ctx.error(
                    "baseline-inside-plan",
                    f"baseline period {indicator.baseline.period} is after the plan starts "
                    f"({plan.start})",
                    origin.location("baseline", "period"),
                    (*origin.path, "baseline", "period"),
                )
        for index, invariant in enumerate(indicator.invariants):
            named = [
                ("increasing_in", invariant.increasing_in),
                ("decreasing_in", invariant.decreasing_in),
                *[("subset", name) for name in invariant.subset or ()],
            ]
            for key, name in named:
                if name is not None:
                    refs.check("variables", name, origin, "invariants", index, key, what="variable")
        if indicator.scale is not None and indicator.formula is not None:
            ctx.error(
                "grade-with-formula",
                f"indicator '{indicator_id}' has a grade scale and a formula; a formula gives a "
                f"number, which is mapped to a grade only through a score",
                origin.location("formula"),
                (*origin.path, "formula"),
                "remove 'formula', or remove 'scale' and compare numbers",
            )


def _check_structure(
    goals: Mapping[str, Goal],
    objectives: Mapping[str, Objective],
    origins: Mapping[tuple[str, str], Origin],
    refs: _Refs,
    ctx: _Context,
) -> None:
    for goal_id, goal in goals.items():
        origin = origins[("goals", goal_id)]
        for index, ref in enumerate(goal.indicators):
            refs.check("indicators", ref, origin, "indicators", index)
    for objective_id, objective in objectives.items():
        origin = origins[("objectives", objective_id)]
        refs.check("goals", objective.goal, origin, "goal")
        for index, ref in enumerate(objective.indicators):
            refs.check("indicators", ref, origin, "indicators", index)


def _check_agreements(
    agreements: Mapping[str, Agreement],
    indicators: Mapping[str, Indicator],
    scales: Mapping[str, CompiledScale],
    info: SpecInfo,
    origins: Mapping[tuple[str, str], Origin],
    refs: _Refs,
    ctx: _Context,
) -> None:
    for agreement_id, agreement in agreements.items():
        origin = origins[("agreements", agreement_id)]
        refs.check("org_units", agreement.org_unit, origin, "org_unit")
        if not info.plan.start <= agreement.year <= info.plan.end:
            ctx.warning(
                "agreement-outside-plan",
                f"agreement year {agreement.year} is outside the plan {info.plan.start}–{info.plan.end}",
                origin.location("year"),
                (*origin.path, "year"),
            )
        seen: set[str] = set()
        for index, item in enumerate(agreement.items):
            if item.indicator in seen:
                ctx.error(
                    "duplicate-item",
                    f"indicator '{item.indicator}' appears twice in this agreement",
                    origin.location("items", index, "indicator"),
                    (*origin.path, "items", index, "indicator"),
                )
            seen.add(item.indicator)
            refs.check("objectives", item.objective, origin, "items", index, "objective")
            if refs.check("indicators", item.indicator, origin, "items", index, "indicator"):
                _check_target(
                    item.target,
                    indicators[item.indicator],
                    scales,
                    origin,
                    ctx,
                    "items",
                    index,
                    "target",
                )


def _check_links(
    links: list[tuple[Link, Origin]],
    indicators: Mapping[str, Indicator],
    refs: _Refs,
    ctx: _Context,
) -> None:
    graph: dict[str, list[str]] = {}
    link_origin: dict[tuple[str, str], Origin] = {}
    for link, origin in links:
        ok_parent = refs.check("indicators", link.parent, origin, "parent")
        ok_child = refs.check("indicators", link.child, origin, "child")
        if not (ok_parent and ok_child):
            continue
        if (link.parent, link.child) in link_origin:
            ctx.error(
                "duplicate-link",
                f"link {link.parent} ← {link.child} is declared twice "
                f"(first at {link_origin[(link.parent, link.child)].location()})",
                origin.location(),
                origin.path,
            )
            continue
        link_origin[(link.parent, link.child)] = origin
        graph.setdefault(link.parent, []).append(link.child)
        parent, child = indicators[link.parent], indicators[link.child]
        if _unit_key(parent) != _unit_key(child):
            ctx.warning(
                "link-unit-mismatch",
                f"'{link.child}' ({child.unit}) supports '{link.parent}' ({parent.unit}): "
                f"the units differ",
                origin.location(),
                origin.path,
                "check the link; roll-ups across it use achievements, never raw values",
            )
    for cycle in _cycles(graph):
        origin = link_origin[(cycle[0], cycle[1] if len(cycle) > 1 else cycle[0])]
        ctx.error(
            "cycle",
            "cascading links form a cycle: " + " → ".join([*cycle, cycle[0]]),
            origin.location(),
            origin.path,
        )


def _check_budgets(budgets: list[tuple[Budget, Origin]], refs: _Refs, ctx: _Context) -> None:
    seen: dict[tuple[int, str], Location] = {}

    def walk(line: BudgetLine, origin: Origin, path: tuple[str | int, ...], depth: int) -> None:
        where = origin.location(*path)
        if depth > 3:
            ctx.error(
                "budget-too-deep",
                f"budget line '{line.id}' is deeper than program → kegiatan → sub kegiatan",
                where,
                (*origin.path, *path),
            )
        key = (budget.year, line.id)
        if key in seen:
            ctx.error(
                "duplicate-id",
                f"budget line id '{line.id}' is already used at {seen[key]}",
                origin.location(*path, "id"),
                (*origin.path, *path, "id"),
            )
        seen[key] = origin.location(*path, "id")
        for amount_name in ("ceiling", "spent"):
            amount = getattr(line, amount_name)
            if amount is not None and amount < 0:
                ctx.error(
                    "negative-amount",
                    f"{amount_name} {amount} is negative",
                    origin.location(*path, amount_name),
                    (*origin.path, *path, amount_name),
                )
        if not line.children and (line.ceiling is None or line.spent is None):
            ctx.error(
                "missing-amount",
                f"budget line '{line.id}' has no parts, so it needs both ceiling and spent",
                where,
                (*origin.path, *path),
            )
        for index, ref in enumerate(line.indicators):
            refs.check("indicators", ref, origin, *path, "indicators", index)
        for index, child in enumerate(line.children):
            walk(child, origin, (*path, "children", index), depth + 1)

    years: dict[int, Origin] = {}
    for budget, origin in budgets:
        if budget.year in years:
            ctx.error(
                "duplicate-budget-year",
                f"a second budget for {budget.year}; the first is at {years[budget.year].location()}",
                origin.location("year"),
                (*origin.path, "year"),
                "put all of a year's programs in one budget",
            )
        years.setdefault(budget.year, origin)
        for index, program in enumerate(budget.programs):
            walk(program, origin, ("programs", index), 1)
        _check_budget_sums(budget, origin, ctx)


def _check_budget_sums(budget: Budget, origin: Origin, ctx: _Context) -> None:
    """A declared total that is not the sum of its parts is a warning naming both figures."""

    def compare(
        what: str, declared: Decimal | None, computed: Decimal, sub: PathKey, parts: str
    ) -> None:
        if declared is not None and declared != computed:
            ctx.warning(
                "budget-total-mismatch",
                f"{what} is declared as {declared}, but its {parts} sum to {computed}",
                origin.location(*sub),
                (*origin.path, *sub),
                "check the figures; sakipcalc uses the sum of the parts",
            )

    def walk(lines: Sequence[BudgetLine], path: PathKey) -> None:
        for index, line in enumerate(lines):
            sub = (*path, index)
            if line.children:
                ceiling, spent = line_totals(line)
                compare(
                    f"the ceiling of '{line.id}'", line.ceiling, ceiling, (*sub, "ceiling"), "parts"
                )
                compare(f"the spending of '{line.id}'", line.spent, spent, (*sub, "spent"), "parts")
                walk(line.children, (*sub, "children"))

    walk(budget.programs, ("programs",))
    totals = [line_totals(program) for program in budget.programs]
    for what, declared, index in (("ceiling", budget.ceiling, 0), ("spent", budget.spent, 1)):
        computed = sum((t[index] for t in totals), Decimal(0))
        compare(f"the {budget.year} total {what}", declared, computed, (what,), "programs")


def _name_infos(
    variables: Mapping[str, Variable],
    indicators: Mapping[str, Indicator],
    breakdowns: Mapping[str, Breakdown],
    spec_scales: Mapping[str, CompiledScale],
) -> dict[str, NameInfo]:
    names: dict[str, NameInfo] = {}
    for variable_id, variable in variables.items():
        if variable.breakdown is not None and variable.breakdown in breakdowns:
            breakdown = breakdowns[variable.breakdown]
            all_categories = tuple(c.id for c in breakdown.categories)
            own = variable.categories if variable.categories is not None else all_categories
            subsets = {
                name: members
                for name, members in breakdown.subsets.items()
                if all(m in own for m in members)
            }
            names[variable_id] = NameInfo(NameKind.BREAKDOWN, tuple(own), subsets)
        elif variable.breakdown is None:
            names[variable_id] = NameInfo(
                NameKind.SCALAR, numeric=variable.domain is not Domain.GRADE
            )
    for indicator_id, indicator in indicators.items():
        names[indicator_id] = NameInfo(NameKind.INDICATOR, numeric=indicator.scale is None)
    return names


def _compile_formulas(
    indicators: Mapping[str, Indicator],
    names: Mapping[str, NameInfo],
    origins: Mapping[tuple[str, str], Origin],
    ctx: _Context,
) -> dict[str, CompiledFormula]:
    compiled: dict[str, CompiledFormula] = {}
    for indicator_id, indicator in indicators.items():
        if indicator.formula is None:
            continue
        origin = origins[("indicators", indicator_id)]
        result = compile_formula(indicator.formula, names)
        if isinstance(result, FormulaProblem) and _failed_name(result.unknown_name, ctx):
            continue  # the declaration itself failed and was reported where it is
        if isinstance(result, FormulaProblem):
            ctx.issues.append(
                Issue(
                    Severity.ERROR,
                    "formula",
                    result.message,
                    origin.doc.locate_offset((*origin.path, "formula"), result.offset),
                    format_path((*origin.path, "formula")),
                    excerpt=result.excerpt(),
                )
            )
            continue
        compiled[indicator_id] = result
    return compiled


def _failed_name(name: str | None, ctx: _Context) -> bool:
    return name is not None and any(
        name in ctx.failed_ids.get(section, set()) for section in ("variables", "indicators")
    )


def _formula_order(
    indicators: Mapping[str, Indicator],
    formulas: Mapping[str, CompiledFormula],
    origins: Mapping[tuple[str, str], Origin],
    ctx: _Context,
) -> tuple[str, ...]:
    graph = {
        key: sorted(ref for ref in formula.references if ref in indicators)
        for key, formula in formulas.items()
    }
    cycles = _cycles(graph)
    for cycle in cycles:
        origin = origins[("indicators", cycle[0])]
        ctx.error(
            "cycle",
            "indicator formulas use each other: " + " → ".join([*cycle, cycle[0]]),
            origin.location("formula"),
            (*origin.path, "formula"),
        )
    if cycles:
        return tuple(indicators)
    return dependencies_first(tuple(indicators), graph)


def dependencies_first(nodes: Sequence[str], graph: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """``nodes`` ordered so that each comes after everything it depends on (acyclic graph).

    Iterative, so that a chain of thousands of indicators cannot exhaust the stack.
    """
    order: list[str] = []
    done: set[str] = set()
    for start in nodes:
        if start in done:
            continue
        done.add(start)
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, index = stack.pop()
            deps = graph.get(node, ())
            if index < len(deps):
                stack.append((node, index + 1))
                dep = deps[index]
                if dep not in done:
                    done.add(dep)
                    stack.append((dep, 0))
            else:
                order.append(node)
    return tuple(order)


def _cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Every elementary cycle found by depth-first search, each reported once."""
    found: list[list[str]] = []
    seen_sets: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 on stack, 2 done

    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            children = list(graph.get(node, ()))
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if state.get(child) == 1:
                    cycle = path[path.index(child) :]
                    key = frozenset(cycle)
                    if key not in seen_sets:
                        seen_sets.add(key)
                        found.append(cycle)
                elif not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return found


_FIGURES_BY_SUBJECT = {
    "indicator": ("target", "realisation", "achievement"),
    "expr": ("value",),
    "budget": ("ceiling", "spent", "absorption"),
}


def _check_reported_fields(
    item: Reported, origin: Origin, ctx: _Context, agreements: Mapping[str, Any]
) -> None:
    """A printed figure that does not fit its subject would never be compared: refuse it."""
    if item.indicator is not None:
        subject = "indicator"
    elif item.expr is not None:
        subject = "expr"
    elif item.budget_line or item.budget_lines or item.budget_year is not None:
        subject = "budget"
    else:
        return
    allowed = _FIGURES_BY_SUBJECT[subject]
    for figures in _FIGURES_BY_SUBJECT.values():
        for name in figures:
            if name not in allowed and getattr(item, name) is not None:
                ctx.error(
                    "reported-field",
                    f"'{name}' does not apply to a reported {subject} figure, so it would never "
                    f"be checked; such a figure takes {', '.join(allowed)}",
                    origin.location(name, prefer_key=True),
                    (*origin.path, name),
                )
    if item.realisation is not None and item.realisation.range is not None:
        ctx.error(
            "reported-field",
            "a printed realisation is a number or a grade, not a range",
            origin.location("realisation"),
            (*origin.path, "realisation"),
        )
    if item.agreement is not None and subject != "indicator":
        ctx.error(
            "reported-field",
            "'agreement' applies only to a reported indicator figure",
            origin.location("agreement", prefer_key=True),
            (*origin.path, "agreement"),
        )
    agreement = agreements.get(item.agreement or "")
    if agreement is not None and item.indicator is not None:
        if all(i.indicator != item.indicator for i in agreement.items):
            ctx.error(
                "reported-field",
                f"agreement '{agreement.id}' has no item for indicator '{item.indicator}'",
                origin.location("agreement"),
                (*origin.path, "agreement"),
            )
        if item.period is not None and item.period[:4] != str(agreement.year):
            ctx.error(
                "reported-field",
                f"agreement '{agreement.id}' is for {agreement.year}, but this figure is for "
                f"{item.period}",
                origin.location("agreement"),
                (*origin.path, "agreement"),
            )


def _check_reported(
    reported: list[tuple[Reported, Origin]],
    names: Mapping[str, NameInfo],
    refs: _Refs,
    ctx: _Context,
    budget_ids: set[str],
    agreements: Mapping[str, Any],
) -> None:
    for item, origin in reported:
        refs.check("indicators", item.indicator, origin, "indicator")
        refs.check("agreements", item.agreement, origin, "agreement")
        named: list[tuple[str, PathKey]] = []
        if item.budget_line is not None:
            named.append((item.budget_line, ("budget_line",)))
        for index, line_id in enumerate(item.budget_lines or ()):
            named.append((line_id, ("budget_lines", index)))
        for line_id, sub in named:
            if line_id not in budget_ids:
                ctx.error(
                    "unknown-reference",
                    f"unknown budget line '{line_id}'",
                    origin.location(*sub),
                    (*origin.path, *sub),
                    suggest(line_id, budget_ids),
                )
        if item.expr is not None:
            result = compile_formula(item.expr, names)
            if isinstance(result, FormulaProblem):
                base = origin.location("expr")
                ctx.issues.append(
                    Issue(
                        Severity.ERROR,
                        "formula",
                        result.message,
                        Location(base.file, base.line, (base.column or 1) + result.offset),
                        format_path((*origin.path, "expr")),
                        excerpt=result.excerpt(),
                    )
                )
            if item.value is None:
                ctx.error(
                    "missing-key",
                    "a reported 'expr' needs the printed 'value'",
                    origin.location(),
                    origin.path,
                )
        _check_reported_fields(item, origin, ctx, agreements)
        subjects = (
            item.indicator,
            item.expr,
            item.budget_line,
            item.budget_lines,
            item.budget_year,
        )
        if sum(x is not None for x in subjects) != 1:
            ctx.error(
                "reported-subject",
                "a reported figure names exactly one of: indicator, expr, budget_line, budget_lines, "
                "budget_year",
                origin.location(),
                origin.path,
            )
        if (item.indicator is not None or item.expr is not None) and item.period is None:
            ctx.error(
                "missing-key",
                "a reported figure needs its 'period'",
                origin.location(),
                origin.path,
            )


# ------------------------------------------------------------------- data


def _parse_data(
    data: Mapping[str, Mapping[str, tuple[Any, Origin]]],
    variables: Mapping[str, Variable],
    indicators: Mapping[str, Indicator],
    breakdowns: Mapping[str, Breakdown],
    scales: Mapping[str, CompiledScale],
    formulas: Mapping[str, CompiledFormula],
    info: SpecInfo,
    ctx: _Context,
) -> DataSet:
    values: dict[str, dict[str, DataValue]] = {}
    origins: dict[tuple[str, str], Origin] = {}
    known = [*variables, *indicators]
    for period, entries in data.items():
        bucket = values.setdefault(period, {})
        for name, (raw, origin) in entries.items():
            origins[(period, name)] = origin
            where = origin.location(prefer_key=True)
            if not IDENT_RE.fullmatch(name):
                ctx.error("invalid-id", f"'{name}' is not a valid id", where, origin.path)
                continue
            if name in variables:
                parsed = _parse_variable_value(
                    raw, variables[name], breakdowns, scales, origin, ctx
                )
            elif name in indicators:
                indicator = indicators[name]
                parsed = _parse_indicator_value(raw, indicator, scales, origin, ctx)
            elif _failed_name(name, ctx):
                continue  # its declaration failed and was reported there
            else:
                ctx.error(
                    "unknown-name",
                    f"data for unknown variable or indicator '{name}'",
                    where,
                    origin.path,
                    suggest(name, known),
                )
                continue
            if parsed is not _INVALID:
                bucket[name] = parsed  # type: ignore[assignment]
    return DataSet(
        MappingProxyType({period: MappingProxyType(bucket) for period, bucket in values.items()}),
        MappingProxyType(origins),
    )


_INVALID = object()


def _parse_number(raw: Any, origin: Origin, ctx: _Context, *sub: str) -> Decimal | object:
    try:
        return parse_decimal_text(raw)
    except ValueError as exc:
        ctx.error("invalid-number", str(exc), origin.location(*sub), (*origin.path, *sub))
        return _INVALID


def _check_domain(
    value: Decimal,
    domain: Domain,
    label: str,
    origin: Origin,
    ctx: _Context,
    *sub: str,
    scale: CompiledScale | None = None,
) -> bool:
    problem = None
    if domain is Domain.COUNT and (value < 0 or value != value.to_integral_value()):
        problem = f"{label} is a count, so it must be a whole number ≥ 0, not {value}"
    elif domain is Domain.PERCENTAGE and not 0 <= value <= 100:
        problem = f"{label} is a percentage, so it must lie in 0–100, not {value}"
    elif domain is Domain.RUPIAH and (value < 0 or value.as_tuple().exponent < -2):  # type: ignore[operator]
        problem = f"{label} is an amount in Rupiah: ≥ 0 with at most 2 decimals, not {value}"
    elif domain is Domain.SCORE and value < 0:
        problem = f"{label} is a score, so it must be ≥ 0, not {value}"
    elif domain is Domain.SCORE and scale is not None and scale.band_for(value) is None:
        problem = f"{label} is a score on scale '{scale.scale.id}', but {value} falls in none of its bands"
    if problem:
        ctx.error("out-of-domain", problem, origin.location(*sub), (*origin.path, *sub))
        return False
    return True


def _parse_variable_value(
    raw: Any,
    variable: Variable,
    breakdowns: Mapping[str, Breakdown],
    scales: Mapping[str, CompiledScale],
    origin: Origin,
    ctx: _Context,
) -> DataValue | object:
    if raw is None:
        return None
    if variable.breakdown is not None:
        if not isinstance(raw, dict):
            ctx.error(
                "expected-breakdown",
                f"'{variable.id}' is broken down by '{variable.breakdown}'; give a mapping "
                f"of category: value",
                origin.location(),
                origin.path,
            )
            return _INVALID
        allowed = (
            variable.categories
            if variable.categories is not None
            else tuple(c.id for c in breakdowns[variable.breakdown].categories)
            if variable.breakdown in breakdowns
            else ()
        )
        out: dict[str, Decimal | None] = {}
        ok = True
        for category, cell in raw.items():
            if category not in allowed:
                ctx.error(
                    "unknown-category",
                    f"'{category}' is not a category of '{variable.id}'",
                    origin.location(category, prefer_key=True),
                    (*origin.path, category),
                    suggest(category, allowed),
                )
                ok = False
                continue
            if cell is None:
                out[category] = None
                continue
            number = _parse_number(cell, origin, ctx, category)
            if not isinstance(number, Decimal) or not _check_domain(
                number,
                variable.domain,
                f"'{variable.id}.{category}'",
                origin,
                ctx,
                category,
                scale=scales.get(variable.scale) if variable.scale else None,
            ):
                ok = False
                continue
            out[category] = number
        return MappingProxyType(out) if ok else _INVALID
    if isinstance(raw, dict):
        ctx.error(
            "expected-number",
            f"'{variable.id}' has no categories; give a single value",
            origin.location(),
            origin.path,
        )
        return _INVALID
    if variable.domain is Domain.GRADE:
        scale = scales.get(variable.scale or "")
        if scale is not None and scale.band_by_label(str(raw)) is None:
            ctx.error(
                "unknown-grade",
                f"'{raw}' is not a grade of scale '{variable.scale}'",
                origin.location(),
                origin.path,
                suggest(str(raw), scale.labels),
            )
            return _INVALID
        return Grade(str(raw))
    number = _parse_number(raw, origin, ctx)
    if not isinstance(number, Decimal):
        return _INVALID
    scale = scales.get(variable.scale) if variable.scale else None
    if not _check_domain(number, variable.domain, f"'{variable.id}'", origin, ctx, scale=scale):
        return _INVALID
    return number


def _parse_indicator_value(
    raw: Any,
    indicator: Indicator,
    scales: Mapping[str, CompiledScale],
    origin: Origin,
    ctx: _Context,
) -> DataValue | object:
    if raw is None:
        return None
    if isinstance(raw, dict):
        ctx.error(
            "expected-number",
            f"indicator '{indicator.id}' takes a single value",
            origin.location(),
            origin.path,
        )
        return _INVALID
    if indicator.scale is not None:
        scale = scales.get(indicator.scale)
        try:
            return parse_decimal_text(raw)  # a score, mapped to a grade by the scale
        except ValueError:
            pass
        if scale is not None and scale.band_by_label(str(raw)) is None:
            ctx.error(
                "unknown-grade",
                f"'{raw}' is not a grade of scale '{indicator.scale}'",
                origin.location(),
                origin.path,
                suggest(str(raw), scale.labels),
            )
            return _INVALID
        return Grade(str(raw))
    number = _parse_number(raw, origin, ctx)
    return number
