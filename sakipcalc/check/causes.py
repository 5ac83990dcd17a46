"""Why a printed figure disagrees, read from the numbers: the detectors behind the review.

Each detector redoes the arithmetic the report may have done instead of the
spec's, and says so only when that reproduces the printed figure exactly:

* a different target: the printed achievement follows from another target the
  spec knows for the indicator and year (the plan's, one signed in a
  Perjanjian Kinerja, or one printed in another table);
* an unweighted mean: the printed figure of a ratio of sums (a total row) is
  the mean of the same ratio per category (per row), the rows taken exact or
  as printed at the same places;
* the other way round: the printed figure of a mean of per-category ratios
  (``(r_north + r_south) / 2``) is the ratio of the summed parts;
* swapped cells: two printed figures each equal the other's recomputation.

Nothing here knows any particular report.
"""

from __future__ import annotations

import ast
import copy
import weakref
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from .._exact import exact_sum
from .._spec import Spec
from .._types import Period
from ..engine import Evaluator, achievement
from ..engine.achievement import bounded_achievement, effective_cap
from ..formula import CompiledFormula, compile_formula
from ..models import Reported, RoundingMode, TargetSpec
from ..results import Figure, Status
from ..rounding import round_value
from .tally import Discrepancy, DiscrepancyKind
from .targets import KnownTargets

__all__ = [
    "decimal_of",
    "denominators",
    "follows_printed_realisation",
    "matching_target",
    "mean_of_rows",
    "places_of",
    "pooled_of_rows",
    "swapped_pairs",
]


def decimal_of(text: str) -> Decimal | None:
    """A compared value as a number; None for a grade, a range or "n/a"."""
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def places_of(printed: Decimal) -> int:
    exponent = printed.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def matching_target(
    spec: Spec,
    evaluator: Evaluator,
    item: Reported,
    printed: Decimal,
    known: KnownTargets | None = None,
) -> TargetSpec | None:
    """The known target under which ``printed``, an achievement of ``item``, follows."""
    if item.indicator is None or item.period is None:
        return None
    indicator = spec.indicators[item.indicator]
    period = Period(item.period)
    real = evaluator.realisation(item.indicator, period)
    if not real.ok:
        return None
    rounding = evaluator.rounding(indicator)
    scale = spec.compiled_scales.get(indicator.scale) if indicator.scale else None
    cap = effective_cap(indicator, spec.info.cap)
    places = rounding.places if item.places is None else item.places
    for target in (known or KnownTargets(spec)).of(item.indicator, period):
        ach = achievement(indicator, target, real, rounding, scale, cap, period=item.period)
        if ach.raw is None:
            continue
        bounded = bounded_achievement(indicator, ach.raw, cap)
        if round_value(bounded, places, rounding.mode) == printed:
            return target
    return None


def follows_printed_realisation(
    spec: Spec,
    evaluator: Evaluator,
    item: Reported,
    printed: Decimal,
    known: KnownTargets | None = None,
) -> bool:
    """Whether ``printed``, an achievement of ``item``, follows from the realisation it prints.

    Against any target the spec knows for the indicator and year, as
    :func:`matching_target`; the printed realisation is taken as printed.
    """
    if item.indicator is None or item.period is None or item.realisation is None:
        return False
    value = item.realisation.value
    if value is None:
        return False
    indicator = spec.indicators[item.indicator]
    period = Period(item.period)
    rounding = evaluator.rounding(indicator)
    scale = spec.compiled_scales.get(indicator.scale) if indicator.scale else None
    cap = effective_cap(indicator, spec.info.cap)
    places = rounding.places if item.places is None else item.places
    real = Figure(Status.OK, raw=value, rounded=value, grade=evaluator.grade_of(indicator, value))
    targets = (known or KnownTargets(spec)).of(item.indicator, period)
    if item.target is not None:
        targets.insert(0, item.target)
    for target in targets:
        ach = achievement(indicator, target, real, rounding, scale, cap, period=item.period)
        if ach.raw is None:
            continue
        bounded = bounded_achievement(indicator, ach.raw, cap)
        if any(round_value(bounded, places, mode) == printed for mode in RoundingMode):
            return True
    return False


class _Narrowed(ast.NodeTransformer):
    """Every ``sum(x, …)`` of a formula over the given categories: ``sum(x, c1, c2)``."""

    def __init__(self, *categories: str) -> None:
        self.categories = categories

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if _is_sum(node):
            node.args = [node.args[0], *(ast.Name(c, ast.Load()) for c in self.categories)]
            return node
        self.generic_visit(node)
        return node


def _is_sum(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "sum"
        and bool(node.args)
        and isinstance(node.args[0], ast.Name)
    )


def _categories(spec: Spec, call: ast.Call) -> tuple[str, ...] | None:
    var = call.args[0]
    assert isinstance(var, ast.Name)
    info = spec.names.get(var.id)
    if info is None:
        return None
    if len(call.args) == 1:
        return info.categories
    chosen: list[str] = []
    for arg in call.args[1:]:
        if not isinstance(arg, ast.Name):
            return None
        chosen += info.subsets.get(arg.id) or (arg.id,)
    return tuple(chosen)


# A report's table has tens of rows (kecamatan, PMKS types); a total row averaged by
# hand over more rows than this is not a likely cause, and recomputing every row of
# a breakdown of 100,000 categories for each discrepant cell would take minutes.
MAX_ROWS = 1_000
_CATEGORY = "sakipcalc_row_category"  # stands for each category in the row template


def _row_formulas(spec: Spec, text: str) -> list[str] | None:
    """The formula once per category, when it is a ratio over one set of categories.

    ``sum(a) / sum(b) * 100`` over categories c1 … cn gives
    ``sum(a, c1) / sum(b, c1) * 100`` … ; a formula that names anything but
    sums (a scalar, an indicator) has no rows.
    """
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return None
    sums = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_sum(node)]
    inside = {id(arg) for call in sums for arg in call.args} | {id(call.func) for call in sums}
    others = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in inside]
    if not sums or others or _CATEGORY in text:
        return None
    sets = {_categories(spec, call) for call in sums}
    if len(sets) != 1:
        return None
    (categories,) = sets
    if categories is None or not 2 <= len(categories) <= MAX_ROWS:
        return None
    # One template, the category a placeholder: a deep copy of the tree per category
    # cost more than the whole evaluation.
    template = ast.unparse(_Narrowed(_CATEGORY).visit(tree))
    return [template.replace(_CATEGORY, c) for c in categories]


def denominators(text: str) -> frozenset[str]:
    """What a formula divides by, constants aside: ``{'sum(recipients)'}`` for
    ``sum(reached) / sum(recipients) * 100``. The ratios of one printed row (a
    total row's realised and not-realised shares) have the same."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return frozenset()
    return frozenset(
        ast.unparse(node.right)
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Div)
        and not isinstance(node.right, ast.Constant)
    )


def _mean(values: Sequence[Decimal]) -> Decimal:
    return exact_sum(values) / len(values)


# The rows of a formula in a period, per evaluation: the cells of one total printed
# in several tables (and its realised and not-realised shares) share them.
_ROWS: weakref.WeakKeyDictionary[Evaluator, dict[tuple[str, str], list[Decimal] | None]] = (
    weakref.WeakKeyDictionary()
)


def _row_values(
    spec: Spec, evaluator: Evaluator, text: str, period: Period
) -> list[Decimal] | None:
    """The exact value of each category's row that has one; None without two rows."""
    cache = _ROWS.setdefault(evaluator, {})
    key = (text, str(period))
    if key in cache:
        return cache[key]
    formulas = _row_formulas(spec, text)
    rows: list[Decimal] | None = None
    if formulas is not None:
        rows = []
        for formula in formulas:
            compiled = compile_formula(formula, spec.names)
            if not isinstance(compiled, CompiledFormula):
                rows = None
                break
            figure = evaluator.formula_figure(compiled, period, spec.info.rounding)
            if figure.ok and figure.raw is not None:
                rows.append(figure.raw)
        if rows is not None and len(rows) < 2:
            rows = None
    cache[key] = rows
    return rows


def mean_of_rows(
    spec: Spec,
    evaluator: Evaluator,
    text: str,
    period: Period,
    places: int,
    printed: Decimal,
) -> Decimal | None:
    """The unweighted mean of the formula's per-category values, when it gives ``printed``.

    The rows are taken exact and, as a report averages its printed column,
    rounded to ``places`` under the declared mode first; any rounding mode of
    the mean counts. Categories whose value is undefined or missing are left
    out, as a report leaves their row empty.
    """
    rows = _row_values(spec, evaluator, text, period)
    if rows is None:
        return None
    rounding = spec.info.rounding
    printed_rows = [round_value(v, places, rounding.mode) for v in rows]
    for values in (rows, printed_rows):
        mean = _mean(values)
        for mode in (rounding.mode, *RoundingMode):
            if round_value(mean, places, mode) == printed:
                return printed
    return None


def _addends(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _addends(node.left) + _addends(node.right)
    return [node]


def _pooled_formula(spec: Spec, text: str) -> str | None:
    """For a mean written out, ``(f(c1) + … + f(cn)) / n`` with each ``f(ci)`` the same
    formula over one category, the formula over all of them: ``f(c1, …, cn)``."""
    try:
        body = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(body, ast.BinOp)
        and isinstance(body.op, ast.Div)
        and isinstance(body.right, ast.Constant)
    ):
        return None
    terms = _addends(body.left)
    if len(terms) < 2 or body.right.value != len(terms):
        return None
    categories: list[str] = []
    shapes: set[str] = set()
    for term in terms:
        sums = [node for node in ast.walk(term) if isinstance(node, ast.Call) and _is_sum(node)]
        sets = {_categories(spec, call) for call in sums}
        if len(sets) != 1:
            return None
        (chosen,) = sets
        if chosen is None or len(chosen) != 1:
            return None
        categories += chosen
        shapes.add(ast.dump(_Narrowed().visit(copy.deepcopy(term))))
    if len(shapes) != 1 or len(set(categories)) != len(categories):
        return None
    return ast.unparse(_Narrowed(*categories).visit(copy.deepcopy(terms[0])))


def pooled_of_rows(
    spec: Spec,
    evaluator: Evaluator,
    text: str,
    period: Period,
    places: int,
    printed: Decimal,
) -> Decimal | None:
    """The ratio of the summed parts of a mean of ratios, when it gives ``printed``."""
    formula = _pooled_formula(spec, text)
    if formula is None:
        return None
    compiled = compile_formula(formula, spec.names)
    if not isinstance(compiled, CompiledFormula):
        return None
    figure = evaluator.formula_figure(compiled, period, spec.info.rounding)
    if not figure.ok or figure.raw is None:
        return None
    for mode in RoundingMode:
        if round_value(figure.raw, places, mode) == printed:
            return printed
    return None


def swapped_pairs(found: Iterable[tuple[int, Discrepancy]]) -> list[tuple[int, int]]:
    """Pairs of printed figures, each equal to the other's recomputation.

    Both figures measure the same thing in the same period for two different
    subjects (two rows of one column), and each pair is taken once, first come:
    a figure pairs with the earliest unpaired one before it that mirrors it.
    The unpaired figures are indexed by what they would pair with, so that a
    review of many thousand cells stays linear.
    """
    waiting: dict[tuple[object, ...], list[tuple[int, str]]] = {}
    pairs: list[tuple[int, int]] = []
    for j, d in found:
        printed, recomputed = decimal_of(d.reported), decimal_of(d.recomputed)
        if d.kind is not DiscrepancyKind.FIGURE or printed is None or recomputed is None:
            continue
        mirror = waiting.get((d.what, d.period, recomputed, printed))
        partner = next(
            (n for n, (_, subject) in enumerate(mirror or ()) if subject != d.subject), None
        )
        if mirror is not None and partner is not None:
            i, _ = mirror.pop(partner)
            pairs.append((i, j))
        else:
            waiting.setdefault((d.what, d.period, printed, recomputed), []).append((j, d.subject))
    return sorted(pairs)
