"""sakipcalc: declarative, exact evaluation of SAKIP / LAKIP performance indicators.

Load a spec (YAML files in a directory), evaluate it for a period, and read
typed, immutable results::

    import sakipcalc
    spec = sakipcalc.load("specs/tanah-laut-dinsos-2022")
    report = sakipcalc.evaluate(spec, period="2022")
    print(report.indicator("pmks_tertangani").achievement.rounded)
"""

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
