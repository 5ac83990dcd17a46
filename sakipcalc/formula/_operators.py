"""The operators and functions a formula may use, as data, with their Decimal arithmetic.

Each table maps what the parser produces (an ``ast`` operator type or a
function name) to what sakipcalc does with it: the Decimal operation, the
symbol and binding strength a trace prints, and for functions the argument
count. The syntax checker (``_syntax``), the traces and the simpleeval
backend all read these tables; an operator missing here is refused.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "BINARY",
    "FUNCTIONS",
    "MAX_POWER",
    "REFUSED_OPERATORS",
    "UNARY",
    "UNARY_PRECEDENCE",
    "BinaryOperator",
    "Evaluator",
    "Function",
    "UnaryOperator",
    "ZeroDenominator",
    "divide",
]

MAX_POWER = 10

# A compiled formula, or part of one: slot values in, a Decimal out.
Evaluator = Callable[[Sequence[Decimal]], Decimal]


class ZeroDenominator(ArithmeticError):
    """Internal signal: a division by zero, naming the denominator as written."""

    def __init__(self, denominator: str) -> None:
        super().__init__(denominator)
        self.denominator = denominator


def divide(a: Decimal, b: Decimal) -> Decimal:
    """``a / b``; a zero ``b`` is a :class:`ZeroDenominator`, not a Decimal signal."""
    if not b:
        raise ZeroDenominator("denominator")
    return a / b


def _compile_division(left: Evaluator, right: Evaluator, denominator: str) -> Evaluator:
    # The denominator is evaluated first, so the zero reported is the outermost one.
    def quotient(slots: Sequence[Decimal]) -> Decimal:
        b = right(slots)
        if not b:
            raise ZeroDenominator(denominator)
        return left(slots) / b

    return quotient


def _compiler(apply: Callable[[Decimal, Decimal], Decimal]) -> BinaryCompiler:
    def compile_operation(left: Evaluator, right: Evaluator, denominator: str) -> Evaluator:
        return lambda slots: apply(left(slots), right(slots))

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


def _add(a: Decimal, b: Decimal) -> Decimal:
    return a + b


def _subtract(a: Decimal, b: Decimal) -> Decimal:
    return a - b


def _multiply(a: Decimal, b: Decimal) -> Decimal:
    return a * b


def _power(a: Decimal, b: Decimal) -> Decimal:
    return a**b


def _minus(a: Decimal) -> Decimal:
    return -a


def _plus(a: Decimal) -> Decimal:
    return +a


BINARY: dict[type[ast.operator], BinaryOperator] = {
    ast.Add: BinaryOperator("+", 1, _add, _compiler(_add)),
    ast.Sub: BinaryOperator("−", 1, _subtract, _compiler(_subtract)),
    ast.Mult: BinaryOperator("×", 2, _multiply, _compiler(_multiply)),
    ast.Div: BinaryOperator("/", 2, divide, _compile_division),
    ast.Pow: BinaryOperator("^", 4, _power, _compiler(_power)),
}
UNARY: dict[type[ast.unaryop], UnaryOperator] = {
    ast.USub: UnaryOperator("−", _minus),
    ast.UAdd: UnaryOperator("+", _plus),
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
    "abs": Function(1, 1, "abs() takes exactly one argument", abs),
}
