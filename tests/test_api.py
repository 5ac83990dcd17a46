"""The public surface: a pinned ``__all__``, immutable models and results, one exception root."""

from __future__ import annotations

import dataclasses
import enum
import subprocess
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pydantic
import pytest

import sakipcalc

SPEC = """\
sakipcalc: 1
spec:
  id: demo
  name: Demo
  plan: {start: 2019, end: 2023}
org_units:
  - {id: kadis, name: Dinas Sosial, level: II}
variables:
  - {id: served, domain: count}
  - {id: total, domain: count}
indicators:
  - id: pct_served
    name: Persentase PMKS tertangani
    unit: "%"
    formula: served / total * 100
    owner: kadis
    targets: {2022: 25}
objectives:
  - {id: sasaran, name: Sasaran, indicators: [pct_served]}
data:
  "2022": {served: 10, total: 40}
"""


@pytest.fixture
def spec(tmp_path: Path) -> sakipcalc.Spec:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return sakipcalc.load(tmp_path)


@pytest.fixture
def report(spec: sakipcalc.Spec) -> sakipcalc.EvaluationReport:
    return sakipcalc.evaluate(spec, period="2022")


# ------------------------------------------------------------------ __all__


def test_all_is_pinned() -> None:
    # Adding or removing a public name is a decision: update this list with it.
    assert sakipcalc.__all__ == [
        "Agreement",
        "AgreementItemResult",
        "AgreementResult",
        "Breakdown",
        "Budget",
        "BudgetLevel",
        "BudgetLine",
        "BudgetResult",
        "BudgetTotal",
        "CategoryRef",
        "CompiledFormula",
        "DataSet",
        "Domain",
        "EvaluationError",
        "EvaluationReport",
        "Figure",
        "FormulaProblem",
        "Goal",
        "Grade",
        "Indicator",
        "IndicatorResult",
        "Issue",
        "IssueReport",
        "Link",
        "Location",
        "MissingInput",
        "Objective",
        "OrgUnit",
        "Period",
        "PeriodError",
        "PeriodFigure",
        "Polarity",
        "Reported",
        "RollupKind",
        "RollupResult",
        "Rounding",
        "RoundingMode",
        "SakipError",
        "Scale",
        "Severity",
        "Spec",
        "SpecError",
        "SpecFile",
        "SpecInfo",
        "Status",
        "TargetSpec",
        "Variable",
        "__version__",
        "achievement",
        "compile_formula",
        "evaluate",
        "load",
        "load_data",
        "round_value",
        "target_text",
        "validate",
        "write_data",
    ]


def test_every_public_name_exists() -> None:
    missing = [name for name in sakipcalc.__all__ if not hasattr(sakipcalc, name)]
    assert missing == []


def test_all_has_no_duplicates_and_no_private_names() -> None:
    assert len(set(sakipcalc.__all__)) == len(sakipcalc.__all__)
    assert [n for n in sakipcalc.__all__ if n.startswith("_")] == ["__version__"]


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, Any] = {}
    exec("from sakipcalc import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(sakipcalc.__all__)


def test_version_is_a_string() -> None:
    assert isinstance(sakipcalc.__version__, str)
    assert sakipcalc.__version__.count(".") == 2


# ------------------------------------------------------------ frozen models


MODELS = sorted(
    (
        obj
        for name in sakipcalc.__all__
        if isinstance(obj := getattr(sakipcalc, name), type) and issubclass(obj, pydantic.BaseModel)
    ),
    key=lambda cls: cls.__name__,
)


def test_the_models_are_the_expected_ones() -> None:
    assert [m.__name__ for m in MODELS] == [
        "Agreement",
        "Breakdown",
        "Budget",
        "BudgetLine",
        "Goal",
        "Indicator",
        "Link",
        "Objective",
        "OrgUnit",
        "Reported",
        "Rounding",
        "Scale",
        "SpecFile",
        "SpecInfo",
        "TargetSpec",
        "Variable",
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_frozen_and_forbids_extra_keys(model: type[pydantic.BaseModel]) -> None:
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


def test_assigning_to_a_model_raises() -> None:
    indicator = sakipcalc.Indicator.model_validate(
        {"id": "pct", "name": "Persentase", "unit": "%", "targets": {"2022": "25"}}
    )
    with pytest.raises(pydantic.ValidationError) as caught:
        indicator.name = "Lain"  # type: ignore[misc]
    assert caught.value.errors()[0]["type"] == "frozen_instance"
    assert indicator.name == "Persentase"


def test_model_mappings_cannot_be_changed() -> None:
    indicator = sakipcalc.Indicator.model_validate(
        {"id": "pct", "name": "Persentase", "unit": "%", "targets": {"2022": "25"}}
    )
    assert isinstance(indicator.targets, MappingProxyType)
    with pytest.raises(TypeError):
        indicator.targets["2023"] = indicator.targets["2022"]  # type: ignore[index]
    assert isinstance(indicator.tags, tuple)


def test_model_numbers_are_exact_decimals() -> None:
    target = sakipcalc.TargetSpec.model_validate({"value": "46.075"})
    assert target.value == Decimal("46.075")
    assert str(target.value) == "46.075"


def test_enums_are_str_enums_with_the_spec_spelling() -> None:
    assert sakipcalc.Polarity("lower_is_better") is sakipcalc.Polarity.LOWER_IS_BETTER
    assert sakipcalc.Domain.RUPIAH.value == "rupiah"
    assert issubclass(sakipcalc.RoundingMode, enum.Enum)


# --------------------------------------------------------- immutable spec


def test_spec_is_a_frozen_dataclass(spec: sakipcalc.Spec) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.files = ()  # type: ignore[misc]
    assert isinstance(spec.links, tuple)
    assert isinstance(spec.files, tuple)


def test_spec_sections_cannot_be_changed(spec: sakipcalc.Spec) -> None:
    with pytest.raises(TypeError):
        spec.indicators["other"] = spec.indicators["pct_served"]  # type: ignore[index]


def test_spec_data_cannot_be_changed(spec: sakipcalc.Spec) -> None:
    with pytest.raises(TypeError):
        spec.data.values["2022"]["served"] = Decimal(0)  # type: ignore[index]


# ------------------------------------------------------- immutable results


def _mutable_parts(value: Any, where: str, seen: set[int]) -> list[str]:
    """Paths to every list, dict, set or non-frozen dataclass reachable from ``value``."""
    if id(value) in seen:
        return []
    seen.add(id(value))
    found: list[str] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not type(value).__dataclass_params__.frozen:  # type: ignore[attr-defined]
            found.append(f"{where} ({type(value).__name__} is not frozen)")
        for f in dataclasses.fields(value):
            found += _mutable_parts(getattr(value, f.name), f"{where}.{f.name}", seen)
    elif isinstance(value, (list, dict, set, bytearray)):
        found.append(f"{where} ({type(value).__name__})")
    elif isinstance(value, (tuple, frozenset)):
        for index, item in enumerate(value):
            found += _mutable_parts(item, f"{where}[{index}]", seen)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found += _mutable_parts(item, f"{where}[{key!r}]", seen)
    return found


def test_evaluation_report_holds_nothing_mutable(report: sakipcalc.EvaluationReport) -> None:
    assert report.indicators  # the walk below must have something to walk
    assert _mutable_parts(report, "report", set()) == []


def test_assigning_to_results_raises(report: sakipcalc.EvaluationReport) -> None:
    result = report.indicator("pct_served")
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.period = "2023"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.achievement = result.realisation  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.achievement.raw = Decimal(0)  # type: ignore[misc]
    assert result.achievement.raw == Decimal(100)


RESULT_TYPES = [
    "AgreementItemResult",
    "AgreementResult",
    "BudgetResult",
    "CategoryRef",
    "EvaluationReport",
    "Figure",
    "IndicatorResult",
    "MissingInput",
    "PeriodFigure",
    "RollupResult",
    "Issue",
    "IssueReport",
    "Location",
    "Grade",
    "DataSet",
    "Spec",
]


@pytest.mark.parametrize("name", RESULT_TYPES)
def test_result_types_are_frozen_dataclasses(name: str) -> None:
    cls = getattr(sakipcalc, name)
    assert dataclasses.is_dataclass(cls)
    assert cls.__dataclass_params__.frozen


def test_issue_report_is_an_immutable_sorted_tuple() -> None:
    loc = sakipcalc.Location
    b = sakipcalc.Issue(sakipcalc.Severity.ERROR, "x", "second", loc("a.yaml", 3, 1))
    a = sakipcalc.Issue(sakipcalc.Severity.WARNING, "y", "first", loc("a.yaml", 1, 5))
    report = sakipcalc.IssueReport.of([b, a, b])
    assert report.issues == (a, b)  # sorted by position, exact repeats dropped
    assert report.errors == (b,)
    assert report.warnings == (a,)
    assert report.has_errors
    assert len(report) == 2


# --------------------------------------------------------- exception tree


EXCEPTIONS = sorted(
    (
        obj
        for name in sakipcalc.__all__
        if isinstance(obj := getattr(sakipcalc, name), type) and issubclass(obj, BaseException)
    ),
    key=lambda cls: cls.__name__,
)


def test_the_exceptions_are_the_expected_ones() -> None:
    assert [e.__name__ for e in EXCEPTIONS] == [
        "EvaluationError",
        "PeriodError",
        "SakipError",
        "SpecError",
    ]


@pytest.mark.parametrize("exc", EXCEPTIONS, ids=lambda e: e.__name__)
def test_every_exception_derives_from_sakip_error(exc: type[BaseException]) -> None:
    assert issubclass(exc, sakipcalc.SakipError)


def test_sakip_error_is_an_exception() -> None:
    assert sakipcalc.SakipError.__mro__[1] is Exception


def test_period_error_is_also_a_value_error_and_keeps_the_text(
    spec: sakipcalc.Spec,
) -> None:
    with pytest.raises(sakipcalc.PeriodError) as caught:
        sakipcalc.evaluate(spec, period="2022-Q5")
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, sakipcalc.SakipError)
    assert caught.value.text == "2022-Q5"
    assert str(caught.value) == (
        "invalid period '2022-Q5': write a year such as 2022 or a quarter such as 2022-Q3"
    )


def test_spec_error_carries_the_issue_report(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC.replace("owner: kadis", "owner: kadsi"), "utf-8")
    with pytest.raises(sakipcalc.SakipError) as caught:
        sakipcalc.load(tmp_path)
    assert isinstance(caught.value, sakipcalc.SpecError)
    assert isinstance(caught.value.issues, sakipcalc.IssueReport)
    assert [i.code for i in caught.value.issues] == ["unknown-reference"]


def test_the_errors_module_draws_the_tree() -> None:
    doc = sakipcalc.errors.__doc__ or ""
    for name in ("SakipError", "SpecError", "PeriodError", "EvaluationError"):
        assert name in doc


def test_import_is_lazy_until_a_name_is_used() -> None:
    # `import sakipcalc` and `sakipcalc --help` must stay fast: pydantic's model
    # building, the loader and the engine are imported when a name is first used.
    code = (
        "import sys, sakipcalc\n"
        "heavy = ('pydantic', 'yaml', 'sakipcalc.models', 'sakipcalc.engine', 'sakipcalc._loader')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "sakipcalc.load\n"
        "print('sakipcalc._loader' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["[]", "True"]


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'evaluat'"):
        sakipcalc.evaluat  # noqa: B018


def test_the_package_docstring_names_every_module() -> None:
    # The layout written at the top of the package is kept true: every module
    # and subpackage has its line.
    import re

    package = Path(sakipcalc.__file__).parent
    doc = sakipcalc.__doc__ or ""
    named = set(re.findall(r"^    (\S+?)/?\s{2,}", doc, flags=re.MULTILINE))
    modules = {
        p.stem if p.is_file() else p.name
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
        or (p.is_dir() and (p / "__init__.py").exists())
    }
    modules.add("standard")
    importers = {m for m in modules if m.startswith("_import")}
    missing = modules - named - (importers if "_import*" in named else set())
    assert not missing
