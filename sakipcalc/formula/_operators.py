"""The operators and functions a formula may use, as data, with their Decimal arithmetic.

Each table maps what the parser produces (an ``ast`` operator type or a
function name) to what sakipcalc does with it: the Decimal operation, the
symbol and binding strength a trace prints, and for functions the argument
count. The syntax checker (``_syntax``), the traces and the simpleeval
backend all read these tables; an operator missing here is refused.

Every operation is a method of one of sakipcalc's own ``decimal.Context``
objects, never an operator on the caller's thread context, so an embedding
program's precision, rounding or traps cannot change a result:

* ``+ - *``, unary ``-``/``+``, ``abs`` and ``** n`` are exact. Each is done
  first at ``PRECISION`` (60) digits with ``Inexact`` trapped, which gives the
  same Decimal, trailing zeros and all, as sakipcalc always gave when the
  result fits; only a result that does not fit is done again with up to
  ``MAX_EXACT_DIGITS`` digits. A result that would need more (or lies below
  the smallest Decimal) is refused as :class:`InexactResult`, never rounded.
* ``/`` is correctly rounded (half-even) to ``PRECISION`` (60) significant
  digits, the documented behaviour; a zero denominator is a
  :class:`ZeroDenominator`.
* ``min`` and ``max`` compare and return one operand unchanged (comparing
  finite Decimals neither rounds nor signals).
* Overflow beyond 1E+999999 and undefined operations such as ``0 ** 0`` trap
  as ``decimal.Overflow`` and ``decimal.InvalidOperation``.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..rounding import PRECISION

__all__ = [
    "BINARY",
    "EXACT_CONTEXT",
    "FUNCTIONS",
    "MAX_EXACT_DIGITS",
    "MAX_POWER",
    "REFUSED_OPERATORS",
    "UNARY",
    "UNARY_PRECEDENCE",
    "BinaryOperator",
    "Evaluator",
    "Function",
    "InexactResult",
    "UnaryOperator",
    "ZeroDenominator",
    "divide",
]

MAX_POWER = 10

# The most significant digits an exact sum, difference, product or power may have.
# Realistic counts and quotients need well under 200; the bound stops a formula
# such as x ** 10 ** … on a long input from building an unbounded number.
MAX_EXACT_DIGITS = 1000

# The exponent range of every context here (the decimal module's default, spelled
# out so that a changed decimal.DefaultContext does not leak in).
_EMAX = 999_999


def _context(precision: int, *traps: type[decimal.DecimalException]) -> decimal.Context:
    """A context of our own: half-even, the default exponent range, no flags set."""
    return decimal.Context(
        prec=precision,
        rounding=decimal.ROUND_HALF_EVEN,
        Emax=_EMAX,
        Emin=-_EMAX,
        capitals=1,
        clamp=0,
        flags=[],
        traps=[*traps, decimal.Overflow, decimal.InvalidOperation, decimal.DivisionByZero],
    )


# Exact operations: first try _SHORT, then EXACT_CONTEXT (see the module docstring).
_SHORT = _context(PRECISION, decimal.Inexact)
EXACT_CONTEXT = _context(MAX_EXACT_DIGITS, decimal.Inexact, decimal.Underflow)
_QUOTIENT = _context(PRECISION)

# A compiled formula, or part of one: slot values in, a Decimal out.
Evaluator = Callable[[Sequence[Decimal]], Decimal]


class ZeroDenominator(ArithmeticError):
    """Internal signal: a division by zero, naming the denominator as written."""

    def __init__(self, denominator: str) -> None:
        super().__init__(denominator)
        self.denominator = denominator


class InexactResult(ArithmeticError):
    """Internal signal: an exact operation has no result within ``MAX_EXACT_DIGITS`` digits."""

    def __init__(self, formula: str, *, underflow: bool = False) -> None:
        super().__init__(formula)
        self.formula = formula
        self.underflow = underflow

    @property
    def message(self) -> str:
        if self.underflow:
            return f"arithmetic out of range: {self.formula} is too small to hold exactly"
        return (
            f"arithmetic not exact: {self.formula} needs more than {MAX_EXACT_DIGITS}"
            " significant digits"
        )

    @classmethod
    def of(cls, formula: str, signal: decimal.Inexact) -> InexactResult:
        """The refusal for a trapped ``Inexact`` (or ``Underflow``) from an exact operation."""
        return cls(formula, underflow=isinstance(signal, decimal.Underflow))


_quotient = _QUOTIENT.divide


def divide(a: Decimal, b: Decimal) -> Decimal:
    """``a / b``; a zero ``b`` is a :class:`ZeroDenominator`, not a Decimal signal."""
    if not b:
        raise ZeroDenominator("denominator")
    return _quotient(a, b)


def _compile_division(left: Evaluator, right: Evaluator, denominator: str) -> Evaluator:
    # The denominator is evaluated first, so the zero reported is the outermost one.
    def quotient(slots: Sequence[Decimal]) -> Decimal:
        b = right(slots)
        if not b:
            raise ZeroDenominator(denominator)
        return _quotient(left(slots), b)

    return quotient


def _exact_compiler(
    short: Callable[[Decimal, Decimal], Decimal], wide: Callable[[Decimal, Decimal], Decimal]
) -> BinaryCompiler:
    # _exact_binary's body, inlined into the closure: one call per operation, as fast
    # as an operator on the thread context when the result fits in 60 digits.
    def compile_operation(left: Evaluator, right: Evaluator, right_text: str) -> Evaluator:
        def exact(slots: Sequence[Decimal]) -> Decimal:
            a = left(slots)
            b = right(slots)
            try:
                return short(a, b)
            except decimal.Inexact:
                return wide(a, b)

        return exact

    return compile_operation


# (left operand, right operand, right operand's text) -> the operation as a closure.
BinaryCompiler = Callable[[Evaluator, Evaluator, str], Evaluator]


@dataclass(frozen=True, slots=True)
class BinaryOperator:
    symbol: str  # as a trace prints it
    precedence: int  # binding strength in traces; equal values also chain without nesting
    apply: Callable[[Decimal, Decimal], Decimal]  # the operation on two numbers
    compile: BinaryCompiler  # the same operation over operand closures


@dataclass(frozen=True, slots=True)
class UnaryOperator:
    symbol: str
    apply: Callable[[Decimal], Decimal]


@dataclass(frozen=True, slots=True)
class Function:
    """A callable function other than ``sum`` (which reads a slot, not numbers)."""

    min_args: int
    max_args: int | None  # None: no upper limit
    arity: str  # the refusal when the count is wrong
    apply: Callable[..., Decimal]


def _exact_binary(
    short: Callable[[Decimal, Decimal], Decimal], wide: Callable[[Decimal, Decimal], Decimal]
) -> Callable[[Decimal, Decimal], Decimal]:
    def exact(a: Decimal, b: Decimal) -> Decimal:
        try:
            return short(a, b)
        except decimal.Inexact:
            return wide(a, b)

    return exact


def _exact_unary(
    short: Callable[[Decimal], Decimal], wide: Callable[[Decimal], Decimal]
) -> Callable[[Decimal], Decimal]:
    def exact(a: Decimal) -> Decimal:
        try:
            return short(a)
        except decimal.Inexact:
            return wide(a)

    return exact


def _exact(
    short: Callable[[Decimal, Decimal], Decimal], wide: Callable[[Decimal, Decimal], Decimal]
) -> tuple[Callable[[Decimal, Decimal], Decimal], BinaryCompiler]:
    return _exact_binary(short, wide), _exact_compiler(short, wide)


BINARY: dict[type[ast.operator], BinaryOperator] = {
    ast.Add: BinaryOperator("+", 1, *_exact(_SHORT.add, EXACT_CONTEXT.add)),
    ast.Sub: BinaryOperator("−", 1, *_exact(_SHORT.subtract, EXACT_CONTEXT.subtract)),
    ast.Mult: BinaryOperator("×", 2, *_exact(_SHORT.multiply, EXACT_CONTEXT.multiply)),
    ast.Div: BinaryOperator("/", 2, divide, _compile_division),
    ast.Pow: BinaryOperator("^", 4, *_exact(_SHORT.power, EXACT_CONTEXT.power)),
}
UNARY: dict[type[ast.unaryop], UnaryOperator] = {
    ast.USub: UnaryOperator("−", _exact_unary(_SHORT.minus, EXACT_CONTEXT.minus)),
    ast.UAdd: UnaryOperator("+", _exact_unary(_SHORT.plus, EXACT_CONTEXT.plus)),
}
# How a refusal names an operator that is in neither table.
REFUSED_OPERATORS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Invert: "~",
    ast.Not: "not",
}

UNARY_PRECEDENCE = 3  # between × / and ^: -x ^ 2 is -(x ^ 2), (-3) ^ 2 keeps its brackets

FUNCTIONS: dict[str, Function | None] = {
    "sum": None,  # checked and compiled as a slot by the syntax checker
    "min": Function(2, None, "min() takes two or more arguments", min),
    "max": Function(2, None, "max() takes two or more arguments", max),
    "abs": Function(
        1, 1, "abs() takes exactly one argument", _exact_unary(_SHORT.abs, EXACT_CONTEXT.abs)
    ),
}
