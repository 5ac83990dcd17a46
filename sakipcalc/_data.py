"""Realisation data: from YAML's ``data:`` text to checked Decimal, Grade and breakdown values.

The spec loader and the data importer (``_import``) both call this:
:func:`split_data` cuts a ``data:`` section into one raw value per period and
name, and :func:`parse_data` checks each value against what the spec declares
(:class:`DataSchema`). :func:`check_dataset` does the same for a
:class:`DataSet` built through the Python API, before it is evaluated.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._exact import own_context
from ._hints import suggest
from ._scales import CompiledScale
from ._source import SourceDoc
from ._spec import DataSet, DataValue, Grade, Origin, Spec
from ._spec import error as _error
from ._types import IDENT_RE, MAX_NUMBER_DIGITS, parse_decimal_text, parse_period
from .errors import Issue, IssueReport, SpecError
from .limits import MAX_NAME_LENGTH
from .models import Breakdown, Domain, Indicator, Variable

# period -> name -> (the value as YAML gave it, where it was written)
RawData = dict[str, dict[str, tuple[Any, Origin]]]


@dataclass(frozen=True, slots=True)
class DataSchema:
    """What data may name, and how each name's values are checked."""

    variables: Mapping[str, Variable]
    indicators: Mapping[str, Indicator]
    breakdowns: Mapping[str, Breakdown]
    scales: Mapping[str, CompiledScale]
    # Names whose declaration failed and was reported there: their data stays quiet.
    failed_names: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of_spec(cls, spec: Spec) -> DataSchema:
        return cls(spec.variables, spec.indicators, spec.breakdowns, spec.compiled_scales)


def split_data(value: Any, doc: SourceDoc) -> tuple[RawData, list[Issue]]:
    """A ``data:`` section as period -> name -> (raw value, origin); periods are checked."""
    if not isinstance(value, dict):
        return {}, [
            _error(
                "type",
                "data must map periods to values, e.g. '2022': {...}",
                Origin(doc, ("data",)),
            )
        ]
    out: RawData = {}
    issues: list[Issue] = []
    for period, values in value.items():
        origin = Origin(doc, ("data", period))
        try:
            parse_period(period)
        except ValueError as exc:
            issues.append(_error("invalid-period", str(exc), origin, prefer_key=True))
            continue
        if values is None:
            continue
        if not isinstance(values, Mapping):
            issues.append(_error("type", "each period's data must map names to values", origin))
            continue
        bucket = out.setdefault(parse_period(period), {})
        for name, item in values.items():
            bucket[name] = (item, Origin(doc, ("data", period, name)))
    return out, issues


@own_context  # domain checks compare and round in sakipcalc's context, not the caller's
def parse_data(
    data: Mapping[str, Mapping[str, tuple[Any, Origin]]], schema: DataSchema
) -> tuple[DataSet, list[Issue]]:
    """Every value checked against its variable or indicator; invalid values are left out."""
    parser = _Parser(schema)
    values: dict[str, dict[str, DataValue]] = {}
    origins: dict[tuple[str, str], Origin] = {}
    for period, entries in data.items():
        bucket = values.setdefault(period, {})
        for name, (raw, origin) in entries.items():
            origins[(period, name)] = origin
            parsed = parser.value(name, raw, origin)
            if parsed is not _INVALID:
                bucket[name] = parsed  # type: ignore[assignment]
    dataset = DataSet(
        MappingProxyType({period: MappingProxyType(bucket) for period, bucket in values.items()}),
        DataOrigins.of(origins),
        checked_against=(schema.variables, schema.indicators, schema.breakdowns, schema.scales),
    )
    return dataset, parser.issues


# Where an issue in a DataSet built through the Python API is reported.
API_DATA_FILE = "<DataSet>"


def check_dataset(spec: Spec, data: DataSet) -> DataSet:
    """``data`` built by hand, checked as loaded data is; raises :class:`SpecError`.

    The same rules and messages as a spec's ``data:`` section: finite numbers of
    at most 40 digits, counts whole and ≥ 0, known names and categories, grades
    of their scale. Returns the data as the loader would hold it (numbers given
    as ``int`` or text become Decimal; a year given as an ``int`` becomes text).
    """
    declarations = declarations_of(spec)
    against = data.checked_against
    if against is not None and all(a is b for a, b in zip(against, declarations, strict=True)):
        return data
    remembered = _remembered(data, declarations)
    if remembered is not None:
        return remembered
    values = data.values
    doc = SourceDoc(API_DATA_FILE, values)
    if not isinstance(values, Mapping):
        raw: RawData = {}
        issues = [_error("type", "data must map periods to values", Origin(doc, ("data",)))]
    else:
        raw, issues = split_data(dict(values), doc)
    checked, more = parse_data(raw, DataSchema.of_spec(spec))
    report = IssueReport.of([*issues, *more])
    if report.has_errors:
        raise SpecError(report)
    # Origins the caller gave (say, copied from loaded data) still say where each value is from.
    origins = data.origins if data.origins else checked.origins
    result = dataclasses.replace(checked, origins=origins, checked_against=declarations)
    _remember(data, declarations, result)
    return result


# Hand-built data checked once per DataSet object, not once per evaluate() call: the
# same checked object also lets evaluations of the same data share earlier periods.
# Keyed by identity (a DataSet is not hashable) and dropped when the DataSet goes.
_CHECKED: dict[int, tuple[weakref.ref[DataSet], tuple[object, ...], DataSet]] = {}
_CHECKED_LOCK = threading.Lock()


def _remembered(data: DataSet, declarations: tuple[object, ...]) -> DataSet | None:
    with _CHECKED_LOCK:
        entry = _CHECKED.get(id(data))
    if entry is None or entry[0]() is not data:
        return None
    if not all(a is b for a, b in zip(entry[1], declarations, strict=True)):
        return None
    return entry[2]


def _remember(data: DataSet, declarations: tuple[object, ...], checked: DataSet) -> None:
    key = id(data)

    def forget(_: object) -> None:
        with _CHECKED_LOCK:
            _CHECKED.pop(key, None)

    with _CHECKED_LOCK:
        _CHECKED[key] = (weakref.ref(data, forget), declarations, checked)


def declarations_of(spec: Spec) -> tuple[object, ...]:
    """What data is checked against, compared by identity: a spec and its copies share them."""
    return (spec.variables, spec.indicators, spec.breakdowns, spec.compiled_scales)


_INVALID = object()


class DataOrigins(Mapping[tuple[str, str], Origin]):
    """(period, name) -> where the value was written, kept as one document per value.

    Values written under ``data: {period: {name: …}}`` all have the path
    ``data.period.name``, so only the document is stored, and the
    :class:`Origin` is made when asked for: a large spec has hundreds of
    thousands of values, and locations are needed only for issues.
    """

    __slots__ = ("_docs", "_others")

    def __init__(
        self,
        docs: Mapping[str, Mapping[str, SourceDoc]],
        others: Mapping[tuple[str, str], Origin],
    ) -> None:
        self._docs = docs
        self._others = others  # origins written at any other path

    @classmethod
    def of(cls, origins: Mapping[tuple[str, str], Origin]) -> DataOrigins:
        docs: dict[str, dict[str, SourceDoc]] = {}
        others: dict[tuple[str, str], Origin] = {}
        for (period, name), origin in origins.items():
            if origin.path == ("data", period, name):
                docs.setdefault(period, {})[name] = origin.doc
            else:
                others[(period, name)] = origin
        return cls(docs, others)

    def __getitem__(self, key: tuple[str, str]) -> Origin:
        period, name = key
        doc = self._docs.get(period, {}).get(name)
        if doc is None:
            return self._others[key]
        return Origin(doc, ("data", period, name))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for period, names in self._docs.items():
            for name in names:
                yield period, name
        yield from self._others

    def __len__(self) -> int:
        return sum(len(names) for names in self._docs.values()) + len(self._others)


class _Parser:
    """Parses values one by one, collecting the issues found on the way."""

    def __init__(self, schema: DataSchema) -> None:
        self.schema = schema
        self.issues: list[Issue] = []
        self._categories: dict[str, frozenset[str]] = {}
        # Data repeats its numbers (0, 100, …): one Decimal for each text, not one per cell.
        self._numbers: dict[str, Decimal] = {}

    def value(self, name: str, raw: Any, origin: Origin) -> DataValue | object:
        schema = self.schema
        if not isinstance(name, str) or not IDENT_RE.fullmatch(name):
            self.issues.append(
                _error("invalid-id", f"'{_shown(name)}' is not a valid id", origin, prefer_key=True)
            )
            return _INVALID
        if name in schema.variables:
            return self.variable_value(raw, schema.variables[name], origin)
        if name in schema.indicators:
            return self.indicator_value(raw, schema.indicators[name], origin)
        if name in schema.failed_names:
            return _INVALID  # its declaration failed and was reported there
        self.issues.append(
            _error(
                "unknown-name",
                f"data for unknown variable or indicator '{_shown(name)}'",
                origin,
                hint=suggest(name, [*schema.variables, *schema.indicators])
                if len(name) <= MAX_NAME_LENGTH
                else None,
                prefer_key=True,
            )
        )
        return _INVALID

    def number(self, raw: Any, origin: Origin, *sub: str) -> Decimal | object:
        if isinstance(raw, str) and raw in self._numbers:
            return self._numbers[raw]
        if isinstance(raw, str) and len(raw) > MAX_NAME_LENGTH:
            # parse_decimal_text would repeat the whole text in its message
            message = f"expected a number, got text of {len(raw):,} characters"
            self.issues.append(_error("invalid-number", message, origin, *sub))
            return _INVALID
        try:
            if isinstance(raw, Decimal):
                return _given_decimal(raw)
            number = parse_decimal_text(raw)
            if isinstance(raw, str):
                self._numbers[raw] = number
            return number
        except ValueError as exc:
            self.issues.append(_error("invalid-number", str(exc), origin, *sub))
            return _INVALID

    def in_domain(
        self,
        value: Decimal,
        domain: Domain,
        label: str,
        origin: Origin,
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
            self.issues.append(_error("out-of-domain", problem, origin, *sub))
            return False
        return True

    def categories_of(self, variable: Variable) -> frozenset[str]:
        """The categories a variable's data may give, as a set: breakdowns can be large."""
        if variable.categories is not None:
            return frozenset(variable.categories)
        breakdown = variable.breakdown or ""
        if breakdown not in self._categories:
            found = self.schema.breakdowns.get(breakdown)
            self._categories[breakdown] = frozenset(
                c.id for c in (found.categories if found is not None else ())
            )
        return self._categories[breakdown]

    def variable_value(self, raw: Any, variable: Variable, origin: Origin) -> DataValue | object:
        scales = self.schema.scales
        if raw is None:
            return None
        if variable.breakdown is not None:
            if not isinstance(raw, Mapping):
                self.issues.append(
                    _error(
                        "expected-breakdown",
                        f"'{variable.id}' is broken down by '{variable.breakdown}'; give a mapping "
                        f"of category: value",
                        origin,
                    )
                )
                return _INVALID
            allowed = self.categories_of(variable)
            out: dict[str, Decimal | None] = {}
            ok = True
            for category, cell in raw.items():
                if not isinstance(category, str) or category not in allowed:
                    # (a DataSet built by hand may use any key; a file's keys are text)
                    self.issues.append(
                        _error(
                            "unknown-category",
                            f"'{_shown(category)}' is not a category of '{variable.id}'",
                            origin,
                            category,
                            hint=suggest(category, allowed)
                            if isinstance(category, str) and len(category) <= MAX_NAME_LENGTH
                            else None,
                            prefer_key=True,
                        )
                    )
                    ok = False
                    continue
                if cell is None:
                    out[category] = None
                    continue
                number = self.number(cell, origin, category)
                if not isinstance(number, Decimal) or not self.in_domain(
                    number,
                    variable.domain,
                    f"'{variable.id}.{category}'",
                    origin,
                    category,
                    scale=scales.get(variable.scale) if variable.scale else None,
                ):
                    ok = False
                    continue
                out[category] = number
            return MappingProxyType(out) if ok else _INVALID
        if isinstance(raw, Mapping):
            self.issues.append(
                _error(
                    "expected-number",
                    f"'{variable.id}' has no categories; give a single value",
                    origin,
                )
            )
            return _INVALID
        if variable.domain is Domain.GRADE:
            grade_scale = scales.get(variable.scale or "")
            if grade_scale is not None and grade_scale.band_by_label(str(raw)) is None:
                self.issues.append(
                    _error(
                        "unknown-grade",
                        f"'{_shown(raw)}' is not a grade of scale '{variable.scale}'",
                        origin,
                        hint=suggest(str(raw)[:MAX_NAME_LENGTH], grade_scale.labels),
                    )
                )
                return _INVALID
            return Grade(str(raw))
        number = self.number(raw, origin)
        if not isinstance(number, Decimal):
            return _INVALID
        scale = scales.get(variable.scale) if variable.scale else None
        if not self.in_domain(number, variable.domain, f"'{variable.id}'", origin, scale=scale):
            return _INVALID
        return number

    def indicator_value(self, raw: Any, indicator: Indicator, origin: Origin) -> DataValue | object:
        if raw is None:
            return None
        if isinstance(raw, Mapping):
            self.issues.append(
                _error(
                    "expected-number",
                    f"indicator '{indicator.id}' takes a single value",
                    origin,
                )
            )
            return _INVALID
        if indicator.scale is not None:
            scale = self.schema.scales.get(indicator.scale)
            if not isinstance(raw, Grade):
                try:
                    return parse_decimal_text(raw)  # a score, mapped to a grade by the scale
                except ValueError:
                    pass
            if scale is not None and scale.band_by_label(str(raw)) is None:
                self.issues.append(
                    _error(
                        "unknown-grade",
                        f"'{_shown(raw)}' is not a grade of scale '{indicator.scale}'",
                        origin,
                        hint=suggest(str(raw)[:MAX_NAME_LENGTH], scale.labels),
                    )
                )
                return _INVALID
            return Grade(str(raw))
        number = self.number(raw, origin)
        if isinstance(number, Decimal) and not self.given_fits(number, indicator, origin):
            return _INVALID
        return number

    def given_fits(self, value: Decimal, indicator: Indicator, origin: Origin) -> bool:
        """A given realisation obeys the rule its indicator's targets obey: a percentage
        lies in 0–100 (above 100 only with ``allow_over_100``, never below 0)."""
        if not indicator.is_percent or (value >= 0 and (value <= 100 or indicator.allow_over_100)):
            return True
        self.issues.append(
            _error(
                "percentage-out-of-range",
                f"percentage realisation {value} of '{indicator.id}' is outside 0–100",
                origin,
                hint="fix the value"
                + ("" if value < 0 else ", or declare 'allow_over_100: true' on the indicator"),
            )
        )
        return False


def _shown(value: object) -> str:
    """User text in a message, cut short: a key or cell may be megabytes long."""
    text = str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


_SHOWN = 80


def _given_decimal(value: Decimal) -> Decimal:
    """A Decimal given through the API, held to the rules of a number typed in a file.

    NaN and infinities are refused, and so is a number longer than one a file may
    hold (``1E+999999`` would make every sum and table unbounded); the Decimal
    itself is kept, exponent and all.
    """
    if not value.is_finite():
        raise ValueError(f"a number must be finite, not {value}")
    sign, digit_tuple, exponent = value.as_tuple()
    digits, exponent = len(digit_tuple), int(exponent)
    # The length of the number written out in plain digits, as a file must write it
    # (and as parse_decimal_text bounds it): sign, whole digits, point, fraction.
    if exponent >= 0:
        length = sign + digits + exponent
    else:
        length = sign + max(digits + exponent, 1) + 1 - exponent
    if length > MAX_NUMBER_DIGITS + 2:
        raise ValueError(
            f"number {value} has more than {MAX_NUMBER_DIGITS} digits when written out"
        )
    return value


__all__ = [
    "API_DATA_FILE",
    "DataSchema",
    "RawData",
    "check_dataset",
    "declarations_of",
    "parse_data",
    "split_data",
]
