"""The formula syntax: one table of the AST nodes a formula may contain.

``NODES`` is the whitelist. It maps each allowed node type to four small
functions: how the node alone is checked, which operands are checked after it
(and whether each is a level of nesting), how it compiles into a closure, and
how a trace prints it. Operators and functions are data in ``_operators``. A
node type that is not in ``NODES`` is refused, described by ``REFUSED_NODES``.

Checking walks the tree iteratively, so no hostile tree can exhaust
recursion; compiling and printing recurse only over a tree already checked to
be at most ``MAX_FORMULA_DEPTH`` deep.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._types import suggest_number
from ._inputs import NameInfo, NameKind, Position, Slot, position
from ._operators import (
    BINARY,
    FUNCTIONS,
    MAX_POWER,
    REFUSED_OPERATORS,
    UNARY,
    UNARY_PRECEDENCE,
    Evaluator,
)

__all__ = [
    "MAX_FORMULA_DEPTH",
    "MAX_FORMULA_NODES",
    "NODES",
    "Checker",
    "NodeRule",
    "Refused",
    "Unparser",
]

MAX_FORMULA_DEPTH = 24
MAX_FORMULA_NODES = 200

_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_ATOM = 5  # binding strength of a number, an input or a call, in traces


class Refused(Exception):
    """A formula breaks the whitelist; ``offset`` is the column the caret points at."""

    def __init__(
        self,
        message: str,
        node: ast.AST | None = None,
        offset: int | None = None,
        unknown_name: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.unknown_name = unknown_name
        self.offset = offset if offset is not None else getattr(node, "col_offset", 0)


# ------------------------------------------------------------------ the walkers


class Checker:
    """Checks a parsed formula against ``NODES``, then compiles it into closures."""

    def __init__(self, text: str, names: Mapping[str, NameInfo]) -> None:
        # The text is one line of ASCII (compile_formula refuses anything else), so a
        # node's column offsets index the string directly: no line table is needed.
        self.text = text
        self.names = names
        self.slots: list[Slot] = []
        self.slot_index: dict[tuple[str, tuple[str, ...] | None], int] = {}
        self.node_slot: dict[Position, int] = {}  # an input's position -> its slot
        self.numbers: dict[Position, Decimal] = {}  # a number's position -> its value

    def segment(self, node: ast.AST) -> str:
        """The node's text as written in the formula."""
        return self.text[getattr(node, "col_offset", 0) : getattr(node, "end_col_offset", 0)]

    def check(self, tree: ast.Expression) -> None:
        count = 0
        stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > MAX_FORMULA_NODES:
                raise Refused(f"formula has more than {MAX_FORMULA_NODES} parts", node)
            if depth > MAX_FORMULA_DEPTH:
                raise Refused(f"formula nests deeper than {MAX_FORMULA_DEPTH} levels", node)
            rule = NODES.get(type(node))
            if rule is None:
                raise Refused(f"{_describe_node(node)} is not allowed in formulas", node)
            rule.check(self, node)
            stack.extend(
                (child, depth + 1 if nests else depth) for child, nests in rule.operands(node)
            )

    def build(self, node: ast.AST) -> Evaluator:
        return NODES[type(node)].build(self, node)

    def slot(self, name: str, categories: tuple[str, ...] | None, text: str) -> int:
        key = (name, categories)
        if key not in self.slot_index:
            self.slot_index[key] = len(self.slots)
            self.slots.append(Slot(name, categories, text))
        return self.slot_index[key]

    def check_name(self, node: ast.Name, *, in_sum: bool) -> NameInfo:
        name = node.id
        if not name.isascii():  # pragma: no cover - non-ASCII text is refused earlier
            raise Refused("names must be ASCII", node)
        if name in FUNCTIONS:
            raise Refused(f"'{name}' is a function; call it as {name}(…)", node)
        info = self.names.get(name)
        if info is None:
            raise Refused(
                f"unknown variable '{name}'" + _suggest(name, sorted(self.names)),
                node,
                unknown_name=name,
            )
        if info.kind is NameKind.BREAKDOWN and not in_sum:
            raise Refused(
                f"variable '{name}' is broken down by category; write sum({name}) "
                f"or sum({name}, <category>)",
                node,
            )
        if info.kind is not NameKind.BREAKDOWN and in_sum:
            raise Refused(f"sum() needs a variable with categories; '{name}' has none", node)
        if not info.numeric:
            raise Refused(
                f"'{name}' is a grade, not a number; it cannot be used in a formula", node
            )
        return info


class Unparser:
    """Prints a checked formula with numbers in place of its inputs, for traces."""

    def __init__(
        self,
        node_slot: Mapping[Position, int],
        numbers: Mapping[Position, Decimal],
        values: Sequence[Decimal | None],
    ) -> None:
        self.node_slot = node_slot
        self.numbers = numbers
        self.values = values

    def render(self, node: ast.AST) -> tuple[str, int]:
        """The text and its binding strength (see ``_operators``)."""
        return NODES[type(node)].render(self, node)

    def slot_value(self, node: ast.AST) -> tuple[str, int]:
        value = self.values[self.node_slot[position(node)]]
        if value is None:
            return "?", _ATOM
        # A negative value binds like a unary minus, so (-3) ^ 2 keeps its brackets.
        return format(value, "f"), UNARY_PRECEDENCE if value < 0 else _ATOM


# ------------------------------------------------------------------ the whitelist


@dataclass(frozen=True, slots=True)
class NodeRule:
    check: Callable[[Checker, Any], None]  # the node alone; raises Refused
    operands: Callable[[Any], Sequence[tuple[ast.AST, bool]]]  # (child, is a nesting level)
    build: Callable[[Checker, Any], Evaluator]
    render: Callable[[Unparser, Any], tuple[str, int]]


def _no_operands(node: ast.AST) -> Sequence[tuple[ast.AST, bool]]:
    return ()


# ---- numbers


def _check_constant(checker: Checker, node: ast.Constant) -> None:
    literal = checker.segment(node)
    if (
        isinstance(node.value, bool)
        or not isinstance(node.value, (int, float))
        or not _NUMBER_RE.fullmatch(literal)
    ):
        if isinstance(node.value, str):
            raise Refused("text (strings) is not allowed in formulas", node)
        shown = literal or str(node.value)
        fixed = suggest_number(shown)
        raise Refused(
            f"{shown!r} is not a plain decimal number such as 100 or 0.5"
            + (f"; write {fixed[0]}" if len(fixed) == 1 else ""),
            node,
        )


def _build_constant(checker: Checker, node: ast.Constant) -> Evaluator:
    # The source text, not node.value: 0.1 stays exactly 0.1, never a float.
    value = Decimal(checker.segment(node))
    checker.numbers[position(node)] = value
    return lambda slots: value


def _render_constant(unparser: Unparser, node: ast.Constant) -> tuple[str, int]:
    return format(unparser.numbers[position(node)], "f"), _ATOM


# ---- names


def _check_name(checker: Checker, node: ast.Name) -> None:
    checker.check_name(node, in_sum=False)


def _build_name(checker: Checker, node: ast.Name) -> Evaluator:
    index = checker.slot(node.id, None, node.id)
    checker.node_slot[position(node)] = index
    return lambda slots: slots[index]


# ---- unary operators


def _check_unary(checker: Checker, node: ast.UnaryOp) -> None:
    if type(node.op) not in UNARY:
        raise Refused(f"operator {_op_text(node.op)} is not allowed", node)


def _unary_operand(node: ast.UnaryOp) -> Sequence[tuple[ast.AST, bool]]:
    return ((node.operand, True),)


def _build_unary(checker: Checker, node: ast.UnaryOp) -> Evaluator:
    operand = checker.build(node.operand)
    apply = UNARY[type(node.op)].apply
    return lambda slots: apply(operand(slots))


def _render_unary(unparser: Unparser, node: ast.UnaryOp) -> tuple[str, int]:
    inner, strength = unparser.render(node.operand)
    if strength < UNARY_PRECEDENCE:
        inner = f"({inner})"
    return UNARY[type(node.op)].symbol + inner, UNARY_PRECEDENCE


# ---- binary operators


def _check_binary(checker: Checker, node: ast.BinOp) -> None:
    if type(node.op) not in BINARY:
        raise Refused(
            f"operator {_op_text(node.op)} is not allowed; use + - * / or ** n",
            node,
            _op_offset(checker.text, node),
        )
    if isinstance(node.op, ast.Pow):
        exponent = node.right
        if not (
            isinstance(exponent, ast.Constant)
            and isinstance(exponent.value, int)
            and not isinstance(exponent.value, bool)
            and re.fullmatch(r"[0-9]+", checker.segment(exponent))
            and 0 <= exponent.value <= MAX_POWER
        ):
            raise Refused(f"a power must be a whole-number literal from 0 to {MAX_POWER}", exponent)


def _binary_operands(node: ast.BinOp) -> Sequence[tuple[ast.AST, bool]]:
    # A flat chain such as a + b + c is a left-leaning tree with no nesting in the
    # text: the left operand of an operator of the same strength is not a level.
    flat = isinstance(node.left, ast.BinOp) and _chain(node.left.op) == _chain(node.op)
    return ((node.left, not flat), (node.right, True))


def _chain(op: ast.operator) -> int:
    # Operators outside the table chain with ** (as they did before the table existed).
    rule = BINARY.get(type(op)) or BINARY[ast.Pow]
    return rule.precedence


def _build_binary(checker: Checker, node: ast.BinOp) -> Evaluator:
    left = checker.build(node.left)
    right = checker.build(node.right)
    return BINARY[type(node.op)].compile(left, right, checker.segment(node.right))


def _render_binary(unparser: Unparser, node: ast.BinOp) -> tuple[str, int]:
    operator = BINARY[type(node.op)]
    prec = operator.precedence
    left, lp = unparser.render(node.left)
    right, rp = unparser.render(node.right)
    # ** is right-associative: its left operand needs brackets at equal precedence.
    if lp < prec or (lp == prec and isinstance(node.op, ast.Pow)):
        left = f"({left})"
    if rp < prec or (rp == prec and not isinstance(node.op, (ast.Add, ast.Mult))):
        right = f"({right})"
    return f"{left} {operator.symbol} {right}", prec


# ---- calls


def _check_call(checker: Checker, node: ast.Call) -> None:
    name = _func_name(node)
    if name is None:
        raise Refused(f"only {_listed(FUNCTIONS, ' and ')} may be called", node)
    if name not in FUNCTIONS:
        raise Refused(
            f"unknown function '{name}'; allowed: {_listed(FUNCTIONS, ', ')}"
            + _suggest(name, list(FUNCTIONS)),
            node,
        )
    if node.keywords:
        raise Refused("keyword arguments are not allowed", node.keywords[0])
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise Refused("*arguments are not allowed", arg)
    function = FUNCTIONS[name]
    if function is None:
        _check_sum(checker, node)
        return
    count = len(node.args)
    if count < function.min_args or (function.max_args is not None and count > function.max_args):
        raise Refused(function.arity, node)


def _check_sum(checker: Checker, node: ast.Call) -> None:
    if not node.args or not isinstance(node.args[0], ast.Name):
        raise Refused("sum() takes a variable name, e.g. sum(pmks_served)", node)
    info = checker.check_name(node.args[0], in_sum=True)
    chosen: list[str] = []
    for arg in node.args[1:]:
        if not isinstance(arg, ast.Name):
            raise Refused("after the variable, sum() takes category or subset names", arg)
        if arg.id in info.subsets:
            chosen.extend(info.subsets[arg.id])
        elif arg.id in info.categories:
            chosen.append(arg.id)
        else:
            raise Refused(
                f"'{arg.id}' is not a category or subset of '{node.args[0].id}'"
                + _suggest(arg.id, [*info.categories, *info.subsets]),
                arg,
            )
    if len(set(chosen)) != len(chosen):
        raise Refused("a category is named twice in this sum", node)


def _call_operands(node: ast.Call) -> Sequence[tuple[ast.AST, bool]]:
    # sum's category arguments are checked with the call, not as names.
    if FUNCTIONS[_func_name(node) or ""] is None:
        return ()
    return [(arg, True) for arg in node.args]


def _build_call(checker: Checker, node: ast.Call) -> Evaluator:
    name = _func_name(node) or ""
    function = FUNCTIONS[name]
    if function is None:
        return _build_sum(checker, node)
    args = [checker.build(arg) for arg in node.args]
    apply = function.apply
    if len(args) == 1:
        (only,) = args
        return lambda slots: apply(only(slots))
    return lambda slots: apply(*[arg(slots) for arg in args])


def _build_sum(checker: Checker, node: ast.Call) -> Evaluator:
    var = node.args[0]
    assert isinstance(var, ast.Name)
    info = checker.names[var.id]
    if len(node.args) == 1:
        categories = info.categories
    else:
        categories = tuple(
            category
            for arg in node.args[1:]
            if isinstance(arg, ast.Name)
            for category in (info.subsets.get(arg.id) or (arg.id,))
        )
    index = checker.slot(var.id, categories, checker.segment(node))
    checker.node_slot[position(node)] = index
    return lambda slots: slots[index]


def _render_call(unparser: Unparser, node: ast.Call) -> tuple[str, int]:
    if position(node) in unparser.node_slot:  # a sum: an input
        return unparser.slot_value(node)
    args = ", ".join(unparser.render(arg)[0] for arg in node.args)
    return f"{_func_name(node)}({args})", _ATOM


NODES: dict[type[ast.AST], NodeRule] = {
    ast.Constant: NodeRule(_check_constant, _no_operands, _build_constant, _render_constant),
    ast.Name: NodeRule(_check_name, _no_operands, _build_name, Unparser.slot_value),
    ast.UnaryOp: NodeRule(_check_unary, _unary_operand, _build_unary, _render_unary),
    ast.BinOp: NodeRule(_check_binary, _binary_operands, _build_binary, _render_binary),
    ast.Call: NodeRule(_check_call, _call_operands, _build_call, _render_call),
}

# What the refusal calls a node that is not in NODES.
REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (.name)",
    ast.Subscript: "subscripting ([…])",
    ast.Compare: "a comparison",
    ast.BoolOp: "boolean logic (and/or)",
    ast.IfExp: "a conditional (… if … else …)",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.NamedExpr: "an assignment (:=)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Starred: "*arguments",
    ast.Slice: "a slice",
}


# ------------------------------------------------------------------ helpers


def _describe_node(node: ast.AST) -> str:
    return REFUSED_NODES.get(type(node), type(node).__name__)


def _op_text(op: ast.AST) -> str:
    return f"'{REFUSED_OPERATORS.get(type(op), type(op).__name__)}'"


def _op_offset(text: str, node: ast.BinOp) -> int:
    """The column of a binary operator: after its left operand and any brackets."""
    end: int | None = node.left.end_col_offset
    if end is None:  # pragma: no cover
        return node.col_offset
    rest = text[end:]
    return end + (len(rest) - len(rest.lstrip(" ()")))


def _func_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


def _listed(names: Mapping[str, object], last: str) -> str:
    *first, final = names
    return ", ".join(first) + last + final


def _suggest(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
