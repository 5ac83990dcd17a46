"""One regression test per known sandbox escape: each is refused with a clear message.

The classes are those of simpleeval's ``tests/test_security.py`` and of published
Python-sandbox escapes. Every hostile text must come back from ``compile_formula``
as a :class:`FormulaProblem`: never an exception, never a long computation (no
wall-clock assertions here; speed belongs in the benchmarks).
"""

from __future__ import annotations

import decimal
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

import sakipcalc
from sakipcalc import CompiledFormula, FormulaProblem, Status, compile_formula
from sakipcalc.formula import (
    MAX_FORMULA_DEPTH,
    MAX_FORMULA_LENGTH,
    MAX_FORMULA_NODES,
    NameInfo,
    NameKind,
)
from sakipcalc.rounding import DECIMAL_CONTEXT

WriteSpec = Callable[[dict[str, str]], Path]

NAMES: dict[str, NameInfo] = {
    "x": NameInfo(NameKind.SCALAR),
    "y": NameInfo(NameKind.SCALAR),
    "z": NameInfo(NameKind.SCALAR),
    "pmks_served": NameInfo(NameKind.SCALAR),
    "pmks_total": NameInfo(NameKind.SCALAR),
    "pmks_handled": NameInfo(NameKind.BREAKDOWN, ("anak", "lansia")),
}

CALLS = "only sum, min, max and abs may be called"
ATTRIBUTE = "attribute access (.name) is not allowed in formulas"
POWER = "a power must be a whole-number literal from 0 to 10"
SYNTAX = "syntax error: invalid syntax"
LOOK_ALIKE = (
    "is not allowed; formulas use ASCII only (a look-alike letter would hide a different name)"
)


def refused(text: str) -> FormulaProblem:
    result = compile_formula(text, NAMES)
    assert isinstance(result, FormulaProblem), f"{text[:80]!r} compiled"
    assert result.formula == text
    assert 0 <= result.offset <= len(text)
    assert result.excerpt().splitlines()[-1].endswith("^")
    return result


def check(text: str, message: str, offset: int) -> None:
    problem = refused(text)
    assert (problem.message, problem.offset) == (message, offset)


# ------------------------------------------------------- dunder attribute chains


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("().__class__.__bases__[0].__subclasses__()", CALLS),
        (
            "().__class__.__base__.__subclasses__()[59]",
            "subscripting ([…]) is not allowed in formulas",
        ),
        ("x.__class__", ATTRIBUTE),
        ("x.__class__.__mro__", ATTRIBUTE),
        ("x.__dict__", ATTRIBUTE),
        ("pmks_served.real", ATTRIBUTE),
        ("__builtins__", "unknown variable '__builtins__'"),
    ],
)
def test_dunder_attribute_chains(text: str, message: str) -> None:
    check(text, message, 0)


# -------------------------------------------------- format and f-string leaks


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("'{0.__class__}'.format(x)", CALLS, 0),
        ("'{x.__class__}'.format_map(y)", CALLS, 0),
        ("f'{x}'", "an f-string is not allowed in formulas", 0),
        ("f'{x.__class__.__mro__}'", "an f-string is not allowed in formulas", 0),
        ("'%s' % x", "operator '%' is not allowed; use + - * / or ** n", 5),
        ("'abc'", "text (strings) is not allowed in formulas", 0),
    ],
)
def test_format_and_f_string_leaks(text: str, message: str, offset: int) -> None:
    check(text, message, offset)


# ------------------------------------------------------------ generator frames


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(i for i in []).gi_frame", ATTRIBUTE),
        ("x.gi_frame.f_back.f_globals", ATTRIBUTE),
        ("(i for i in [])", "a generator expression is not allowed in formulas"),
        ("sum(i for i in x)", "sum() takes a variable name, e.g. sum(pmks_served)"),
    ],
)
def test_generator_frames(text: str, message: str) -> None:
    check(text, message, 0)


# ----------------------------------------------- modules reachable through names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", "unknown function '__import__'; allowed: sum, min, max, abs"),
        ("__import__('os').system('ls')", CALLS),
        ("os.system('ls')", CALLS),
        ("os.system", ATTRIBUTE),
        ("os", "unknown variable 'os'"),
        ("eval('1')", "unknown function 'eval'; allowed: sum, min, max, abs"),
        ("exec('import os')", "unknown function 'exec'; allowed: sum, min, max, abs"),
        ("open('/etc/passwd')", "unknown function 'open'; allowed: sum, min, max, abs"),
        ("getattr(x, '__class__')", "unknown function 'getattr'; allowed: sum, min, max, abs"),
        ("globals()", "unknown function 'globals'; allowed: sum, min, max, abs"),
        ("type(x)", "unknown function 'type'; allowed: sum, min, max, abs"),
        ("breakpoint()", "unknown function 'breakpoint'; allowed: sum, min, max, abs"),
    ],
)
def test_modules_reachable_through_names(text: str, message: str) -> None:
    check(text, message, 0)


@pytest.mark.parametrize(
    "text",
    [
        "operator.attrgetter('__class__')(x)",
        "operator.methodcaller('system', 'ls')(os)",
        "operator.getitem(x, 0)",
    ],
)
def test_the_operator_module(text: str) -> None:
    check(text, CALLS, 0)


# ------------------------------------------------ syntax outside the whitelist


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lambda: 1", "a lambda is not allowed in formulas"),
        ("(lambda: 1)()", CALLS),
    ],
)
def test_lambda(text: str, message: str) -> None:
    check(text, message, 0)


@pytest.mark.parametrize("text", ["[x for x in y]", "{x for x in y}", "{x: 1 for x in y}"])
def test_comprehensions(text: str) -> None:
    check(text, "a comprehension is not allowed in formulas", 0)


def test_conditional_expression() -> None:
    check("x if y else z", "a conditional (… if … else …) is not allowed in formulas", 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x < y", "a comparison is not allowed in formulas"),
        ("x == y", "a comparison is not allowed in formulas"),
        ("x is y", "a comparison is not allowed in formulas"),
        ("x and y", "boolean logic (and/or) is not allowed in formulas"),
        ("x or y", "boolean logic (and/or) is not allowed in formulas"),
        ("not x", "operator 'not' is not allowed"),
        ("~x", "operator '~' is not allowed"),
    ],
)
def test_comparisons_and_boolean_logic(text: str, message: str) -> None:
    check(text, message, 0)


@pytest.mark.parametrize("text", ["x[0]", "x[1:2]", "pmks_handled['anak']"])
def test_subscripts(text: str) -> None:
    check(text, "subscripting ([…]) is not allowed in formulas", 0)


@pytest.mark.parametrize(
    ("text", "offset"), [("max(x, y, key=z)", 10), ("max(x, **y)", 7), ("abs(x=1)", 4)]
)
def test_keyword_arguments(text: str, offset: int) -> None:
    check(text, "keyword arguments are not allowed", offset)


@pytest.mark.parametrize(("text", "offset"), [("max(*x)", 4), ("sum(pmks_handled, *y)", 18)])
def test_starred_arguments(text: str, offset: int) -> None:
    check(text, "*arguments are not allowed", offset)


@pytest.mark.parametrize(("text", "offset"), [("x = 1", 2), ("x += 1", 2)])
def test_assignment(text: str, offset: int) -> None:
    check(text, "assignments are not allowed; a formula is a single expression", offset)


def test_walrus_assignment() -> None:
    check("(x := 1)", "an assignment (:=) is not allowed in formulas", 1)


@pytest.mark.parametrize(
    ("text", "offset"), [("import os", 0), ("x; y", 1), ("del x", 0), ("yield x", 0)]
)
def test_statements(text: str, offset: int) -> None:
    check(text, SYNTAX, offset)


def test_a_second_line_is_refused() -> None:
    check(
        "x\nimport os",
        "a formula is one line; join the lines (in YAML, '>-' folds a long formula)",
        1,
    )


# -------------------------------------------------------- resource amplification


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("9**9**9", POWER, 3),
        ("4000000**4000000", POWER, 9),
        ("x * 10 ** 10 ** 10", POWER, 10),
        ("'%0100000000d' % 1", "operator '%' is not allowed; use + - * / or ** n", 15),
        ("'x'.center(10**9)", CALLS, 0),
        ("'a' * 10 ** 9", "text (strings) is not allowed in formulas", 0),
        ("[1] * 10 ** 9", "a list is not allowed in formulas", 0),
        ("1 << 10000000", "operator '<<' is not allowed; use + - * / or ** n", 2),
    ],
)
def test_resource_amplification(text: str, message: str, offset: int) -> None:
    check(text, message, offset)


@pytest.mark.parametrize(
    ("served", "reason"),
    [
        # 2 ** 10**4 already has 3,011 digits: refused as not exact, long before the
        # tower reaches 2 ** 10**7, and without building the number.
        (
            "2",
            "arithmetic not exact: ((((((served ** 10) ** 10) ** 10) ** 10) ** 10) ** 10)"
            " ** 10 needs more than 1000 significant digits",
        ),
        # 10 ** 10**6 is one digit, exactly, but beyond the largest Decimal: an Overflow.
        (
            "10",
            "arithmetic out of range: ((((((10 ^ 10) ^ 10) ^ 10) ^ 10) ^ 10) ^ 10) ^ 10 overflows",
        ),
    ],
)
def test_a_tower_of_allowed_powers_is_a_status(
    write_spec: WriteSpec, served: str, reason: str
) -> None:
    # ((x ** 10) ** 10) ... is within the whitelist; the trapped Decimal contexts stop
    # it, and the engine reports it instead of raising or building a huge number.
    tower = "(" * 6 + "served" + " ** 10)" * 6 + " ** 10"
    directory = write_spec(
        {
            "spec.yaml": SPEC_HEAD
            + f"""\
  - id: tower
    name: Menara pangkat
    unit: angka
    formula: "{tower}"
data:
  "2022": {{served: {served}, total: 1}}
"""
        }
    )
    report = sakipcalc.evaluate(sakipcalc.load(directory), period="2022")
    figure = report.indicator("tower").realisation
    assert figure.status is Status.NOT_COMPUTABLE
    assert figure.reason == reason


# ------------------------------------------------------------ nesting and size


@pytest.mark.parametrize(
    "text",
    ["(" * 5000 + "x" + ")" * 5000, "-" * 5000 + "x", "abs(" * 5000 + "x" + ")" * 5000],
    ids=["parentheses", "unary-minus", "calls"],
)
def test_5000_levels_of_nesting(text: str) -> None:
    check(
        text,
        f"formula is {len(text)} characters long; the limit is {MAX_FORMULA_LENGTH}",
        MAX_FORMULA_LENGTH,
    )


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("(" * 25 + "x" + ")" * 25, "parentheses nest deeper than 24 levels", 24),
        ("(" * 500 + "x" + ")" * 499, "parentheses nest deeper than 24 levels", 24),
        ("abs(" * 30 + "x" + ")" * 30, "parentheses nest deeper than 24 levels", 99),
        ("-" * 25 + "x", "formula nests deeper than 24 levels", 24),
        ("-" * 998 + "x", "formula nests deeper than 24 levels", 24),
        ("- " * 24 + "x", "formula nests deeper than 24 levels", 48),
        ("[" * 300 + "]" * 300, "syntax error: too many nested parentheses", 200),
        # The check walks the tree from the last argument: the 201st part is the 53rd x.
        ("min(" + "x, " * 250 + "x)", f"formula has more than {MAX_FORMULA_NODES} parts", 157),
    ],
    ids=[
        "parentheses-25",
        "parentheses-500",
        "calls-30",
        "unary-minus-25",
        "unary-minus-998",
        "spaced-unary-minus",
        "brackets-300",
        "many-arguments",
    ],
)
def test_nesting_within_the_length_limit(text: str, message: str, offset: int) -> None:
    assert len(text) <= MAX_FORMULA_LENGTH
    check(text, message, offset)


def test_nesting_up_to_the_limit_is_allowed() -> None:
    text = "-(" * (MAX_FORMULA_DEPTH // 2) + "x" + ")" * (MAX_FORMULA_DEPTH // 2)
    formula = compile_formula(text, NAMES)
    assert isinstance(formula, CompiledFormula)
    with decimal.localcontext(DECIMAL_CONTEXT):
        assert formula.evaluate([Decimal(5)]) == 5


@pytest.mark.parametrize("operator", ["+", "-", "*", "/"])
def test_a_flat_chain_of_many_terms_is_not_nesting(operator: str) -> None:
    # Regression: x + x + … of 26 terms was refused as nesting deeper than 24 levels (the
    # left-leaning tree is deep, the text is flat); the node limit still bounds its size.
    text = f" {operator} ".join(["x"] * 60)
    assert isinstance(compile_formula(text, NAMES), CompiledFormula)
    check(f" {operator} ".join(["x"] * 201), f"formula has more than {MAX_FORMULA_NODES} parts", 0)


def test_a_1_mb_formula() -> None:
    text = "x+" * 524_288
    assert len(text) == 1_048_576
    problem = refused(text)
    assert problem.message == "formula is 1048576 characters long; the limit is 1000"
    assert problem.offset == MAX_FORMULA_LENGTH
    assert problem.excerpt() == text[:200] + "…\n" + " " * 200 + "^"


# ---------------------------------------------------------- look-alike Unicode


@pytest.mark.parametrize(
    ("text", "char", "offset"),
    [
        ("pmks_s\u0435rved / pmks_total", "'е' (U+0435)", 6),  # Cyrillic е
        ("pmks_served / pmks_tot\u0430l", "'а' (U+0430)", 22),  # Cyrillic а
        ("pmks_served / \uff11\uff10\uff10", "'１' (U+FF11)", 14),  # full-width digits
        ("\uff58 + 1", "'ｘ' (U+FF58)", 0),  # full-width x: NFKC would make it 'x'
        ("pmks_served\u200b / pmks_total", "'\\u200b' (U+200B)", 11),  # zero-width space
        ("pmks_served / pmks_total\u00a0* 100", "'\\xa0' (U+00A0)", 24),  # no-break space
        ("x\u202e + y", "'\\u202e' (U+202E)", 1),  # right-to-left override
    ],
    ids=[
        "cyrillic-e",
        "cyrillic-a",
        "full-width-digits",
        "full-width-letter",
        "zero-width-space",
        "no-break-space",
        "rtl-override",
    ],
)
def test_look_alike_unicode(text: str, char: str, offset: int) -> None:
    check(text, f"character {char} {LOOK_ALIKE}", offset)


def test_a_control_character_is_named_as_such() -> None:
    check("x\x00", "control character U+0000 is not allowed in a formula", 1)


def test_a_tab_is_refused() -> None:
    check("x +\t1", "use spaces, not tabs, in a formula", 3)


def test_the_look_alike_name_is_not_the_real_one() -> None:
    real = compile_formula("pmks_served / pmks_total", NAMES)
    assert isinstance(real, CompiledFormula)
    assert isinstance(compile_formula("pmks_s\u0435rved / pmks_total", NAMES), FormulaProblem)


# -------------------------------------------------------------------- warnings


@pytest.mark.parametrize("text", ["1if x else 2", "0in x", "'\\d'"])
def test_the_verdict_does_not_depend_on_warning_filters(text: str) -> None:
    # Regression: ast.parse's DeprecationWarning escaped to the caller, and the verdict
    # was a syntax error under 'error' filters but a conditional (etc.) otherwise.
    verdicts = []
    for action in ("error", "ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter(action)  # type: ignore[arg-type]
            verdicts.append(refused(text).message)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile_formula(text, NAMES)
    assert verdicts[0] == verdicts[1]
    assert caught == []


# ------------------------------------------------------- through a spec on disk

SPEC_HEAD = """\
sakipcalc: 1
spec:
  id: uji_keamanan
  name: Uji keamanan rumus
  plan: {start: 2021, end: 2023}
variables:
  - {id: served, domain: count}
  - {id: total, domain: count}
indicators:
"""

HOSTILE = {
    "dunder": ("().__class__.__bases__[0].__subclasses__()", CALLS, 0),
    "format": ("'{0.__class__}'.format(served)", CALLS, 0),
    "fstring": ("f'{served}'", "an f-string is not allowed in formulas", 0),
    "generator": ("(i for i in []).gi_frame", ATTRIBUTE, 0),
    "module": ("__import__('os')", "unknown function '__import__'; allowed: sum, min, max, abs", 0),
    "lambda": ("(lambda: served)()", CALLS, 0),
    "walrus": ("(served := 1)", "an assignment (:=) is not allowed in formulas", 1),
    "statement": ("import os", SYNTAX, 0),
    "power": ("9**9**9", POWER, 3),
    "percent": ("'%0100000000d' % 1", "operator '%' is not allowed; use + - * / or ** n", 15),
    "nesting": (
        "(" * 5000 + "served" + ")" * 5000,
        "formula is 10006 characters long; the limit is 1000",
        1000,
    ),
    "cyrillic": ("served / t\u043etal", f"character 'о' (U+043E) {LOOK_ALIKE}", 10),
    "zero_width": ("served\u200b / total", f"character '\\u200b' (U+200B) {LOOK_ALIKE}", 6),
    "full_width": ("served / \uff11\uff10\uff10", f"character '１' (U+FF11) {LOOK_ALIKE}", 9),
}


MEGABYTE = "served+" * 142_857 + "served"


def test_hostile_formulas_in_a_spec_are_located_in_the_file(write_spec: WriteSpec) -> None:
    text = SPEC_HEAD
    for key, (formula, _, _) in HOSTILE.items():
        # Double quotes and no escapes: the file holds the formula character for character.
        assert '"' not in formula and "\\" not in formula
        text += f'  - id: {key}\n    name: Uji {key}\n    unit: angka\n    formula: "{formula}"\n'
    # A second file, since a file may hold at most 1 MiB.
    large = (
        "sakipcalc: 1\nindicators:\n"
        f'  - id: megabyte\n    name: Besar\n    unit: angka\n    formula: "{MEGABYTE}"\n'
    )
    assert len(MEGABYTE) > 1_000_000
    directory = write_spec({"spec.yaml": text, "large.yaml": large})
    lines = text.splitlines()

    expected = [
        (
            "large.yaml",
            6,
            len('    formula: "') + 1 + MAX_FORMULA_LENGTH,
            f"formula is {len(MEGABYTE)} characters long; the limit is 1000",
            "indicators[0].formula",
        )
    ]
    for index, (formula, message, offset) in enumerate(HOSTILE.values()):
        line = lines.index(f'    formula: "{formula}"') + 1
        column = len('    formula: "') + 1 + offset
        assert lines[line - 1][column - 1 :].startswith(formula[offset : offset + 3])
        expected.append(("spec.yaml", line, column, message, f"indicators[{index}].formula"))

    report = sakipcalc.validate(directory)
    assert [i.code for i in report.errors] == ["formula"] * (len(HOSTILE) + 1)
    got = [
        (Path(i.location.file).name, i.location.line, i.location.column, i.message, i.path)
        for i in report.errors
    ]
    assert got == expected
