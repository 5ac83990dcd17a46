"""Checked, compiled formulas: a whitelist over Python's AST, exact in Decimal.

A formula is parsed once, at load time, checked against a whitelist, and
compiled into a chain of closures over *slots*: every input (a scalar
variable, an indicator, or a ``sum(...)`` over a breakdown) gets a slot, and
evaluation is a call with the slot values. The same checked tree also runs
through simpleeval's ``eval(previously_parsed=...)`` (``evaluate_simpleeval``),
which the benchmark and the differential tests use as a second opinion.

Formula language::

    number      41.42  100  (plain decimal text; becomes Decimal exactly)
    name        a scalar variable or another indicator's realisation
    sum(v)      sum over every category of breakdown variable v
    sum(v, c…)  sum over the named categories or named subsets of v
    + - * /     arithmetic; unary minus; parentheses
    x ** n      power with a whole-number literal n from 0 to 10
    min(a, b…)  max(a, b…)  abs(a)

Nothing else parses: no attributes, subscripts, strings, comparisons,
boolean logic, lambdas, comprehensions or keyword arguments.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import difflib
import enum
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import simpleeval

__all__ = [
    "MAX_FORMULA_DEPTH",
    "MAX_FORMULA_LENGTH",
    "MAX_FORMULA_NODES",
    "CompiledFormula",
    "FormulaProblem",
    "NameInfo",
    "NameKind",
    "Slot",
    "ZeroDenominator",
    "compile_formula",
]

MAX_FORMULA_LENGTH = 1000
MAX_FORMULA_DEPTH = 24
MAX_FORMULA_NODES = 200
MAX_POWER = 10

_FUNCTIONS = ("sum", "min", "max", "abs")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class NameKind(enum.Enum):
    SCALAR = "scalar variable"
    BREAKDOWN = "breakdown variable"
    INDICATOR = "indicator"


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What a name in a formula may refer to."""

    kind: NameKind
    categories: tuple[str, ...] = ()
    subsets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    numeric: bool = True


@dataclass(frozen=True, slots=True)
class Slot:
    """One input of a formula: a name, or a sum over some of its categories."""

    name: str
    categories: tuple[str, ...] | None  # None: a scalar or an indicator
    text: str  # how it is written in the formula, for traces

    @property
    def is_sum(self) -> bool:
        return self.categories is not None


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


class ZeroDenominator(ArithmeticError):
    """Internal signal: a division by zero, naming the denominator as written."""

    def __init__(self, denominator: str) -> None:
        super().__init__(denominator)
        self.denominator = denominator


Evaluator = Callable[[Sequence[Decimal]], Decimal]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledFormula:
    source: str
    slots: tuple[Slot, ...]
    references: frozenset[str]  # every variable or indicator named
    _tree: ast.Expression = field(repr=False)
    _evaluate: Evaluator = field(repr=False)
    _simpleeval_tree: ast.Expression = field(repr=False)
    _constants: Mapping[str, Decimal] = field(repr=False)
    _node_slot: Mapping[tuple[int, int | None], int] = field(repr=False)
    _numbers: Mapping[tuple[int, int | None], Decimal] = field(repr=False)

    def evaluate(self, slot_values: Sequence[Decimal]) -> Decimal:
        """Evaluate with one Decimal per slot. Raises :class:`ZeroDenominator`.

        Call under a Decimal context that traps overflow and invalid operations
        (the engine does); this function sets no context itself so that a
        roll-up of millions of formulas pays for the context once.
        """
        return self._evaluate(slot_values)

    def evaluate_simpleeval(self, slot_values: Sequence[Decimal]) -> Decimal:
        """The same evaluation through simpleeval, reusing the checked tree."""
        names: dict[str, object] = {f"s{i}": v for i, v in enumerate(slot_values)}
        names.update(self._constants)
        evaluator = simpleeval.SimpleEval(
            operators=_SIMPLEEVAL_OPERATORS, functions=_SIMPLEEVAL_FUNCTIONS, names=names
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = evaluator.eval(self.source, previously_parsed=self._simpleeval_tree.body)
        if not isinstance(result, Decimal):  # pragma: no cover - every leaf is a Decimal
            raise TypeError(f"formula produced {type(result).__name__}, not Decimal")
        return result

    def substitute(self, slot_values: Sequence[Decimal | None]) -> str:
        """The formula with numbers in place of its inputs, e.g. ``31356 / 75695 × 100``."""
        return _Unparser(self._node_slot, self._numbers, slot_values).render(self._tree.body)


def _div(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise ZeroDenominator("denominator")
    return a / b


def _safe_pow(a: Decimal, b: Decimal) -> Decimal:
    return a**b


_SIMPLEEVAL_OPERATORS: dict[type, Callable[..., object]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: _div,
    ast.Pow: _safe_pow,
    ast.USub: lambda a: -a,
    ast.UAdd: lambda a: +a,
}
_SIMPLEEVAL_FUNCTIONS: dict[str, Callable[..., object]] = {"min": min, "max": max, "abs": abs}


# ------------------------------------------------------------------ checking


class _Refused(Exception):
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


def _suggest(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


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
        checker = _Checker(text, names)
        checker.check(tree)
        evaluate = checker.build(tree.body)
    except _Refused as refusal:
        return FormulaProblem(refusal.message, refusal.offset, text, refusal.unknown_name)
    simple_tree = _SlotRewriter(checker).visit(_copy_tree(tree))
    ast.fix_missing_locations(simple_tree)
    return CompiledFormula(
        source=text,
        slots=tuple(checker.slots),
        references=frozenset(slot.name for slot in checker.slots),
        _tree=tree,
        _evaluate=evaluate,
        _simpleeval_tree=simple_tree,
        _constants={f"c{i}": value for i, value in enumerate(checker.constants)},
        _node_slot=checker.node_slot,
        _numbers={pos: checker.constants[i] for pos, i in checker.node_constant.items()},
    )


def _copy_tree(tree: ast.Expression) -> ast.Expression:
    return copy.deepcopy(tree)


def _pos(node: ast.AST) -> tuple[int, int | None]:
    return (getattr(node, "col_offset", -1), getattr(node, "end_col_offset", None))


class _Checker:
    def __init__(self, text: str, names: Mapping[str, NameInfo]) -> None:
        self.text = text
        self.names = names
        self.slots: list[Slot] = []
        self.slot_index: dict[tuple[str, tuple[str, ...] | None], int] = {}
        self.constants: list[Decimal] = []
        # (col_offset, end_col_offset) of an input or number -> its slot or constant index;
        # positions survive copy.deepcopy, so the simpleeval tree and traces can use them.
        self.node_slot: dict[tuple[int, int | None], int] = {}
        self.node_constant: dict[tuple[int, int | None], int] = {}

    # Structure first, iteratively, so that no hostile tree can exhaust recursion.
    def check(self, tree: ast.Expression) -> None:
        count = 0
        stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > MAX_FORMULA_NODES:
                raise _Refused(f"formula has more than {MAX_FORMULA_NODES} parts", node)
            if depth > MAX_FORMULA_DEPTH:
                raise _Refused(f"formula nests deeper than {MAX_FORMULA_DEPTH} levels", node)
            self._check_node(node)
            if isinstance(node, ast.Call):
                # sum's category arguments are checked with the call, not as names.
                children = [] if _func_name(node) == "sum" else node.args
                stack.extend((child, depth + 1) for child in children)
            elif isinstance(node, ast.BinOp):
                # A flat chain such as a + b + c is a left-leaning tree with no nesting in
                # the text: the left operand of the same kind of operator is not a level.
                flat = isinstance(node.left, ast.BinOp) and _group(node.left.op) == _group(node.op)
                stack.extend(((node.left, depth if flat else depth + 1), (node.right, depth + 1)))
            elif isinstance(node, ast.UnaryOp):
                stack.append((node.operand, depth + 1))

    def _check_node(self, node: ast.AST) -> None:
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
                raise _Refused(
                    f"operator {_op_text(node.op)} is not allowed; use + - * / or ** n",
                    node,
                    self._op_offset(node),
                )
            if isinstance(node.op, ast.Pow):
                exponent = node.right
                segment = ast.get_source_segment(self.text, exponent) or ""
                if not (
                    isinstance(exponent, ast.Constant)
                    and isinstance(exponent.value, int)
                    and not isinstance(exponent.value, bool)
                    and re.fullmatch(r"[0-9]+", segment)
                    and 0 <= exponent.value <= MAX_POWER
                ):
                    raise _Refused(
                        f"a power must be a whole-number literal from 0 to {MAX_POWER}",
                        exponent,
                    )
            return
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _Refused(f"operator {_op_text(node.op)} is not allowed", node)
            return
        if isinstance(node, ast.Constant):
            literal = ast.get_source_segment(self.text, node)
            if (
                isinstance(node.value, bool)
                or not isinstance(node.value, (int, float))
                or literal is None
                or not _NUMBER_RE.fullmatch(literal)
            ):
                if isinstance(node.value, str):
                    raise _Refused("text (strings) is not allowed in formulas", node)
                raise _Refused(
                    f"{literal or node.value!r} is not a plain decimal number such as 100 or 0.5",
                    node,
                )
            return
        if isinstance(node, ast.Name):
            self._check_name(node, in_sum=False)
            return
        if isinstance(node, ast.Call):
            self._check_call(node)
            return
        raise _Refused(f"{_describe_node(node)} is not allowed in formulas", node)

    def _check_name(self, node: ast.Name, *, in_sum: bool) -> NameInfo:
        name = node.id
        if not name.isascii():  # pragma: no cover - non-ASCII text is refused earlier
            raise _Refused("names must be ASCII", node)
        if name in _FUNCTIONS:
            raise _Refused(f"'{name}' is a function; call it as {name}(…)", node)
        info = self.names.get(name)
        if info is None:
            raise _Refused(
                f"unknown variable '{name}'" + _suggest(name, sorted(self.names)),
                node,
                unknown_name=name,
            )
        if info.kind is NameKind.BREAKDOWN and not in_sum:
            raise _Refused(
                f"variable '{name}' is broken down by category; write sum({name}) "
                f"or sum({name}, <category>)",
                node,
            )
        if info.kind is not NameKind.BREAKDOWN and in_sum:
            raise _Refused(f"sum() needs a variable with categories; '{name}' has none", node)
        if not info.numeric:
            raise _Refused(
                f"'{name}' is a grade, not a number; it cannot be used in a formula", node
            )
        return info

    def _check_call(self, node: ast.Call) -> None:
        name = _func_name(node)
        if name is None:
            raise _Refused("only sum, min, max and abs may be called", node)
        if name not in _FUNCTIONS:
            raise _Refused(
                f"unknown function '{name}'; allowed: sum, min, max, abs"
                + _suggest(name, _FUNCTIONS),
                node,
            )
        if node.keywords:
            raise _Refused("keyword arguments are not allowed", node.keywords[0])
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise _Refused("*arguments are not allowed", arg)
        if name == "sum":
            if not node.args or not isinstance(node.args[0], ast.Name):
                raise _Refused("sum() takes a variable name, e.g. sum(pmks_served)", node)
            info = self._check_name(node.args[0], in_sum=True)
            chosen: list[str] = []
            for arg in node.args[1:]:
                if not isinstance(arg, ast.Name):
                    raise _Refused("after the variable, sum() takes category or subset names", arg)
                if arg.id in info.subsets:
                    chosen.extend(info.subsets[arg.id])
                elif arg.id in info.categories:
                    chosen.append(arg.id)
                else:
                    raise _Refused(
                        f"'{arg.id}' is not a category or subset of '{node.args[0].id}'"
                        + _suggest(arg.id, [*info.categories, *info.subsets]),
                        arg,
                    )
            if len(set(chosen)) != len(chosen):
                raise _Refused("a category is named twice in this sum", node)
            return
        if name == "abs" and len(node.args) != 1:
            raise _Refused("abs() takes exactly one argument", node)
        if name in ("min", "max") and len(node.args) < 2:
            raise _Refused(f"{name}() takes two or more arguments", node)

    def _op_offset(self, node: ast.BinOp) -> int:
        end: int | None = node.left.end_col_offset
        if end is None:  # pragma: no cover
            return node.col_offset
        rest = self.text[end:]
        return end + (len(rest) - len(rest.lstrip(" ()")))

    # Build closures once the tree is known to be safe.
    def build(self, node: ast.expr) -> Evaluator:
        if isinstance(node, ast.Constant):
            segment = ast.get_source_segment(self.text, node)
            assert segment is not None
            value = Decimal(segment)
            self.node_constant[_pos(node)] = len(self.constants)
            self.constants.append(value)
            return lambda slots: value
        if isinstance(node, ast.Name):
            index = self._slot(node.id, None, node.id)
            self.node_slot[_pos(node)] = index
            return lambda slots: slots[index]
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            if isinstance(node.op, ast.USub):
                return lambda slots: -operand(slots)
            return lambda slots: +operand(slots)
        if isinstance(node, ast.BinOp):
            left = self.build(node.left)
            right = self.build(node.right)
            op = node.op
            if isinstance(op, ast.Add):
                return lambda slots: left(slots) + right(slots)
            if isinstance(op, ast.Sub):
                return lambda slots: left(slots) - right(slots)
            if isinstance(op, ast.Mult):
                return lambda slots: left(slots) * right(slots)
            if isinstance(op, ast.Div):
                denominator = ast.get_source_segment(self.text, node.right) or "denominator"

                def divide(slots: Sequence[Decimal]) -> Decimal:
                    b = right(slots)
                    if not b:
                        raise ZeroDenominator(denominator)
                    return left(slots) / b

                return divide
            assert isinstance(op, ast.Pow)
            return lambda slots: left(slots) ** right(slots)
        assert isinstance(node, ast.Call)
        name = _func_name(node)
        if name == "sum":
            var = node.args[0]
            assert isinstance(var, ast.Name)
            info = self.names[var.id]
            if len(node.args) == 1:
                cats = info.categories
            else:
                cats = tuple(
                    c
                    for arg in node.args[1:]
                    if isinstance(arg, ast.Name)
                    for c in (info.subsets.get(arg.id) or (arg.id,))
                )
            text = ast.get_source_segment(self.text, node) or f"sum({var.id})"
            index = self._slot(var.id, cats, text)
            self.node_slot[_pos(node)] = index
            return lambda slots: slots[index]
        args = [self.build(arg) for arg in node.args]
        if name == "abs":
            (only,) = args
            return lambda slots: abs(only(slots))
        pick = min if name == "min" else max
        return lambda slots: pick(arg(slots) for arg in args)

    def _slot(self, name: str, categories: tuple[str, ...] | None, text: str) -> int:
        key = (name, categories)
        if key not in self.slot_index:
            self.slot_index[key] = len(self.slots)
            self.slots.append(Slot(name, categories, text))
        return self.slot_index[key]


class _SlotRewriter(ast.NodeTransformer):
    """Rewrite a checked tree for simpleeval: inputs become slot names, numbers Decimal names."""

    def __init__(self, checker: _Checker) -> None:
        self.checker = checker

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        index = self.checker.node_constant[_pos(node)]
        return ast.copy_location(ast.Name(id=f"c{index}", ctx=ast.Load()), node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        index = self.checker.node_slot[_pos(node)]
        return ast.copy_location(ast.Name(id=f"s{index}", ctx=ast.Load()), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if _func_name(node) == "sum":
            index = self.checker.node_slot[_pos(node)]
            return ast.copy_location(ast.Name(id=f"s{index}", ctx=ast.Load()), node)
        node.args = [self.visit(arg) for arg in node.args]
        return node


# ------------------------------------------------------------------- tracing

_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_SYMBOL = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "/", ast.Pow: "^"}


class _Unparser:
    def __init__(
        self,
        node_slot: Mapping[tuple[int, int | None], int],
        numbers: Mapping[tuple[int, int | None], Decimal],
        values: Sequence[Decimal | None],
    ) -> None:
        self.node_slot = node_slot
        self.numbers = numbers
        self.values = values

    def render(self, node: ast.expr) -> str:
        return self._render(node)[0]

    def _render(self, node: ast.expr) -> tuple[str, int]:
        slot = self.node_slot.get(_pos(node))
        if slot is not None and isinstance(node, (ast.Name, ast.Call)):
            value = self.values[slot]
            if value is None:
                return "?", 5
            # A negative value binds like a unary minus, so (-3) ^ 2 keeps its brackets.
            return format(value, "f"), 3 if value < 0 else 5
        if isinstance(node, ast.BinOp):
            prec = _PRECEDENCE[type(node.op)]
            left, lp = self._render(node.left)
            right, rp = self._render(node.right)
            # ** is right-associative: its left operand needs brackets at equal precedence.
            if lp < prec or (lp == prec and isinstance(node.op, ast.Pow)):
                left = f"({left})"
            if rp < prec or (rp == prec and not isinstance(node.op, (ast.Add, ast.Mult))):
                right = f"({right})"
            return f"{left} {_SYMBOL[type(node.op)]} {right}", prec
        if isinstance(node, ast.UnaryOp):
            inner, ip = self._render(node.operand)
            if ip < 3:
                inner = f"({inner})"
            return ("−" if isinstance(node.op, ast.USub) else "+") + inner, 3
        if isinstance(node, ast.Call):
            args = ", ".join(self._render(arg)[0] for arg in node.args)
            return f"{_func_name(node)}({args})", 5
        if isinstance(node, ast.Constant):
            return format(self.numbers[_pos(node)], "f"), 5
        return ast.unparse(node), 5  # pragma: no cover - the checker admits nothing else


# ------------------------------------------------------------------- helpers


def _group(op: ast.operator) -> int:
    """Operators that chain at one precedence level: + and -, then * and /."""
    return (
        1 if isinstance(op, (ast.Add, ast.Sub)) else 2 if isinstance(op, (ast.Mult, ast.Div)) else 3
    )


def _func_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else None


def _op_text(op: ast.AST) -> str:
    symbols = {
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
    return f"'{symbols.get(type(op), type(op).__name__)}'"


def _describe_node(node: ast.AST) -> str:
    descriptions: dict[type, str] = {
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
    return descriptions.get(type(node), type(node).__name__)
