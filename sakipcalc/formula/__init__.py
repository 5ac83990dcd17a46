"""Checked, compiled formulas: a whitelist over Python's AST, exact in Decimal.

A formula is parsed once, at load time, checked against a whitelist, and
compiled into a chain of closures over *slots*: every input (a scalar
variable, an indicator, or a ``sum(...)`` over a breakdown) gets a slot, and
evaluation is a call with the slot values. The same formula also runs through
simpleeval's ``eval(previously_parsed=...)`` (:func:`simpleeval_tree`), which
the benchmark and the differential tests use as a second opinion; that tree is
built only when asked for, so loading a spec never pays for it.

Formula language::

    number      41.42  100  (plain decimal text; becomes Decimal exactly)
    name        a scalar variable or another indicator's realisation
    sum(v)      sum over every category of breakdown variable v
    sum(v, c…)  sum over the named categories or named subsets of v
    + - * /     arithmetic; unary minus; parentheses (+ - * exact, / to 60 digits)
    x ** n      power with a whole-number literal n from 0 to 10
    min(a, b…)  max(a, b…)  abs(a)

Nothing else parses: no attributes, subscripts, strings, comparisons,
boolean logic, lambdas, comprehensions or keyword arguments.

Modules: ``_syntax`` holds the whitelist (one table of allowed AST nodes, with
how each is checked, compiled and traced); ``_operators`` the operators and
functions as data, with their Decimal arithmetic; ``_simpleeval`` the second
backend. This module checks the text before parsing and ties them together.
"""

from __future__ import annotations

import ast
import dataclasses
import decimal
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ._inputs import NameInfo, NameKind, Position, Slot
from ._operators import (
    EXACT_CONTEXT,
    MAX_EXACT_DIGITS,
    MAX_POWER,
    Evaluator,
    InexactResult,
    ZeroDenominator,
)
from ._simpleeval import SimpleevalTree
from ._simpleeval import build as build_simpleeval
from ._syntax import MAX_FORMULA_DEPTH, MAX_FORMULA_NODES, Checker, Refused, Unparser

__all__ = [
    "EXACT_CONTEXT",
    "MAX_EXACT_DIGITS",
    "MAX_FORMULA_DEPTH",
    "MAX_FORMULA_LENGTH",
    "MAX_FORMULA_NODES",
    "MAX_POWER",
    "CompiledFormula",
    "FormulaProblem",
    "InexactResult",
    "NameInfo",
    "NameKind",
    "SimpleevalTree",
    "Slot",
    "ZeroDenominator",
    "compile_formula",
    "simpleeval_tree",
]

MAX_FORMULA_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class FormulaProblem:
    """Why a formula was refused; ``offset`` is the 0-based column inside the formula."""

    message: str
    offset: int
    formula: str
    unknown_name: str | None = None  # set when the problem is an undeclared name

    def excerpt(self) -> str:
        shown = self.formula if len(self.formula) <= 200 else self.formula[:200] + "…"
        caret = " " * min(self.offset, 200) + "^"
        return f"{shown}\n{caret}"


@dataclass(frozen=True, slots=True, eq=False)
class CompiledFormula:
    source: str
    slots: tuple[Slot, ...]
    references: frozenset[str]  # every variable or indicator named
    _tree: ast.Expression = field(repr=False)
    _evaluate: Evaluator = field(repr=False)
    _node_slot: Mapping[Position, int] = field(repr=False)
    _numbers: Mapping[Position, Decimal] = field(repr=False)

    def evaluate(self, slot_values: Sequence[Decimal]) -> Decimal:
        """Evaluate with one Decimal per slot, whatever the caller's Decimal context.

        ``+ - *`` and powers are exact and division keeps 60 significant digits
        (see ``_operators``). Raises :class:`ZeroDenominator`,
        :class:`InexactResult`, ``decimal.Overflow`` or ``decimal.InvalidOperation``.
        """
        try:
            return self._evaluate(slot_values)
        except decimal.Inexact as inexact:
            if isinstance(inexact, decimal.Overflow):
                raise
            raise InexactResult.of(self.source, inexact) from inexact

    def evaluate_simpleeval(self, slot_values: Sequence[Decimal]) -> Decimal:
        """The same evaluation through simpleeval (builds :func:`simpleeval_tree` each call)."""
        return simpleeval_tree(self).evaluate(slot_values)

    def substitute(self, slot_values: Sequence[Decimal | None]) -> str:
        """The formula with numbers in place of its inputs, e.g. ``31356 / 75695 × 100``."""
        return Unparser(self._node_slot, self._numbers, slot_values).render(self._tree.body)[0]


def compile_formula(text: str, names: Mapping[str, NameInfo]) -> CompiledFormula | FormulaProblem:
    """Check ``text`` against the whitelist and compile it, or say why not."""
    if len(text) > MAX_FORMULA_LENGTH:
        return FormulaProblem(
            f"formula is {len(text)} characters long; the limit is {MAX_FORMULA_LENGTH}",
            MAX_FORMULA_LENGTH,
            text,
        )
    # A folded or literal YAML block ends with a newline; it means nothing here.
    text = text.rstrip("\n\r\t ")
    # Leading spaces would be an "unexpected indent" to Python's parser.
    lead = len(text) - len(text.lstrip(" "))
    if lead:
        problem = compile_formula(text[lead:], names)
        if isinstance(problem, FormulaProblem):
            return dataclasses.replace(problem, offset=problem.offset + lead, formula=text)
        return problem
    bad_text = _refuse_text(text)
    if bad_text is not None:
        return bad_text
    try:
        # ast.parse warns about some texts (e.g. '1if x'); turning its warnings into
        # errors makes the verdict independent of the caller's warning filters.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tree = ast.parse(text, mode="eval")
    except (SyntaxWarning, DeprecationWarning) as warning:
        return FormulaProblem(f"syntax error: {warning}", 0, text)
    except SyntaxError as exc:
        offset = max((exc.offset or 1) - 1, 0)
        if "=" in text and re.search(r"(?<![<>=!])=(?!=)", text):
            return FormulaProblem(
                "assignments are not allowed; a formula is a single expression", offset, text
            )
        return FormulaProblem(f"syntax error: {exc.msg}", offset, text)
    except (ValueError, RecursionError, MemoryError) as exc:
        return FormulaProblem(f"formula cannot be parsed: {exc}", 0, text)
    try:
        checker = Checker(text, names)
        checker.check(tree)
        evaluate = checker.build(tree.body)
    except Refused as refusal:
        return FormulaProblem(refusal.message, refusal.offset, text, refusal.unknown_name)
    return CompiledFormula(
        source=text,
        slots=tuple(checker.slots),
        references=frozenset(slot.name for slot in checker.slots),
        _tree=tree,
        _evaluate=evaluate,
        _node_slot=checker.node_slot,
        _numbers=checker.numbers,
    )


def simpleeval_tree(formula: CompiledFormula) -> SimpleevalTree:
    """``formula`` prepared for simpleeval: build once, then ``.evaluate(slot_values)`` often."""
    return build_simpleeval(formula.source, formula._node_slot, formula._numbers)


def _refuse_text(text: str) -> FormulaProblem | None:
    """Refuse what the parser would misread or what could hide a name, before parsing."""
    for index, char in enumerate(text):
        if char in "\n\r":
            return FormulaProblem(
                "a formula is one line; join the lines (in YAML, '>-' folds a long formula)",
                index,
                text,
            )
        if char == "\t":
            return FormulaProblem("use spaces, not tabs, in a formula", index, text)
        if char == "#":
            # Python would read the rest as a comment and silently drop it.
            return FormulaProblem("'#' is not allowed in a formula", index, text)
        if not char.isascii():
            return FormulaProblem(
                f"character {char!r} (U+{ord(char):04X}) is not allowed; formulas use ASCII only"
                " (a look-alike letter would hide a different name)",
                index,
                text,
            )
        if not char.isprintable():
            return FormulaProblem(
                f"control character U+{ord(char):04X} is not allowed in a formula", index, text
            )
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
            if depth > MAX_FORMULA_DEPTH:
                return FormulaProblem(
                    f"parentheses nest deeper than {MAX_FORMULA_DEPTH} levels", index, text
                )
        elif char == ")":
            depth -= 1
    if not text.strip():
        return FormulaProblem("formula is empty", 0, text)
    return None
