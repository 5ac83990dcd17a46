"""A second backend for checked formulas: simpleeval over a rewritten copy of the tree.

Only the differential tests and the benchmark use it. Inputs become names
``s0, s1, …`` (one per slot) and numbers become names bound to their exact
Decimal, so simpleeval computes with the same operators, from the same
tables, as the compiled closures.
"""

from __future__ import annotations

import ast
import decimal
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import simpleeval

from ._inputs import Position, position
from ._operators import BINARY, FUNCTIONS, UNARY, InexactResult

__all__ = ["SimpleevalTree", "build"]

_OPERATORS: dict[type, Callable[..., object]] = {
    **{op: rule.apply for op, rule in BINARY.items()},
    **{op: rule.apply for op, rule in UNARY.items()},
}
_FUNCTIONS: dict[str, Callable[..., object]] = {
    name: function.apply for name, function in FUNCTIONS.items() if function is not None
}


@dataclass(frozen=True, slots=True, eq=False)
class SimpleevalTree:
    """A checked formula prepared for ``simpleeval``: parse once, evaluate many times."""

    source: str
    body: ast.expr
    constants: Mapping[str, Decimal]

    def evaluate(self, slot_values: Sequence[Decimal]) -> Decimal:
        try:
            return self._evaluate(slot_values)
        except decimal.Inexact as inexact:
            if isinstance(inexact, decimal.Overflow):
                raise
            raise InexactResult.of(self.source, inexact) from inexact

    def _evaluate(self, slot_values: Sequence[Decimal]) -> Decimal:
        names: dict[str, object] = {f"s{i}": v for i, v in enumerate(slot_values)}
        names.update(self.constants)
        evaluator = simpleeval.SimpleEval(operators=_OPERATORS, functions=_FUNCTIONS, names=names)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = evaluator.eval(self.source, previously_parsed=self.body)
        if not isinstance(result, Decimal):  # pragma: no cover - every leaf is a Decimal
            raise TypeError(f"formula produced {type(result).__name__}, not Decimal")
        return result


def build(
    source: str, node_slot: Mapping[Position, int], numbers: Mapping[Position, Decimal]
) -> SimpleevalTree:
    """Parse a checked formula again and rewrite it for simpleeval.

    A fresh parse costs less than a deep copy of the kept tree, and it is done
    only when this backend is asked for, never when a spec loads.
    """
    constants = {_constant_name(pos): value for pos, value in numbers.items()}
    tree = ast.parse(source, mode="eval")
    body = _SlotRewriter(node_slot).visit(tree).body
    ast.fix_missing_locations(body)
    return SimpleevalTree(source, body, constants)


def _constant_name(pos: Position) -> str:
    return f"c{pos[0]}_{pos[1]}"


class _SlotRewriter(ast.NodeTransformer):
    def __init__(self, node_slot: Mapping[Position, int]) -> None:
        self.node_slot = node_slot

    def _named(self, node: ast.AST, name: str) -> ast.AST:
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return self._named(node, _constant_name(position(node)))

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self._named(node, f"s{self.node_slot[position(node)]}")

    def visit_Call(self, node: ast.Call) -> ast.AST:
        slot = self.node_slot.get(position(node))
        if slot is not None:  # a sum: one input
            return self._named(node, f"s{slot}")
        node.args = [self.visit(arg) for arg in node.args]
        return node
