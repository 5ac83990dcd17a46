"""sakipcalc: declarative, exact evaluation of SAKIP / LAKIP performance indicators.

Load a spec (YAML files in a directory), evaluate it for a period, and read
typed, immutable results::

    import sakipcalc
    spec = sakipcalc.load("specs/tanah-laut-dinsos-2022")
    report = sakipcalc.evaluate(spec, period="2022")
    print(report.indicator("pmks_tertangani").achievement.rounded)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._export import write_data
    from ._import import load_data
    from ._loader import load, validate
    from ._spec import DataSet, Grade, Spec
    from ._types import Period
    from .engine import achievement, evaluate
    from .errors import (
        EvaluationError,
        Issue,
        IssueReport,
        Location,
        PeriodError,
        SakipError,
        Severity,
        SpecError,
    )
    from .formula import CompiledFormula, FormulaProblem, compile_formula
    from .models import (
        Agreement,
        Breakdown,
        Budget,
        BudgetLine,
        Domain,
        Goal,
        Indicator,
        Link,
        Objective,
        OrgUnit,
        Polarity,
        Reported,
        Rounding,
        RoundingMode,
        Scale,
        SpecFile,
        SpecInfo,
        TargetSpec,
        Variable,
    )
    from .results import (
        AgreementItemResult,
        AgreementResult,
        BudgetLevel,
        BudgetResult,
        BudgetTotal,
        CategoryRef,
        EvaluationReport,
        Figure,
        IndicatorResult,
        MissingInput,
        PeriodFigure,
        RollupKind,
        RollupResult,
        Status,
        target_text,
    )
    from .rounding import round_value

# Public names are imported on first use (PEP 562), so that `import sakipcalc`
# and `sakipcalc --help` do not pay for pydantic's model building, the loader
# or the renderers until something needs them.
_HOMES: dict[str, str] = {
    "write_data": "._export",
    "load_data": "._import",
    "load": "._loader",
    "validate": "._loader",
    "DataSet": "._spec",
    "Grade": "._spec",
    "Spec": "._spec",
    "Period": "._types",
    "achievement": ".engine",
    "evaluate": ".engine",
    "EvaluationError": ".errors",
    "Issue": ".errors",
    "IssueReport": ".errors",
    "Location": ".errors",
    "PeriodError": ".errors",
    "SakipError": ".errors",
    "Severity": ".errors",
    "SpecError": ".errors",
    "CompiledFormula": ".formula",
    "FormulaProblem": ".formula",
    "compile_formula": ".formula",
    "Agreement": ".models",
    "Breakdown": ".models",
    "Budget": ".models",
    "BudgetLine": ".models",
    "Domain": ".models",
    "Goal": ".models",
    "Indicator": ".models",
    "Link": ".models",
    "Objective": ".models",
    "OrgUnit": ".models",
    "Polarity": ".models",
    "Reported": ".models",
    "Rounding": ".models",
    "RoundingMode": ".models",
    "Scale": ".models",
    "SpecFile": ".models",
    "SpecInfo": ".models",
    "TargetSpec": ".models",
    "Variable": ".models",
    "AgreementItemResult": ".results",
    "AgreementResult": ".results",
    "BudgetLevel": ".results",
    "BudgetResult": ".results",
    "BudgetTotal": ".results",
    "CategoryRef": ".results",
    "EvaluationReport": ".results",
    "Figure": ".results",
    "IndicatorResult": ".results",
    "MissingInput": ".results",
    "PeriodFigure": ".results",
    "RollupKind": ".results",
    "RollupResult": ".results",
    "Status": ".results",
    "target_text": ".results",
    "round_value": ".rounding",
}

__version__ = "0.1.0"

__all__ = [
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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sakipcalc' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
