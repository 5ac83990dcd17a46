"""sakipcalc: declarative, exact evaluation of SAKIP / LAKIP performance indicators.

Load a spec (YAML files in a directory), evaluate it for a period, and read
typed, immutable results::

    import sakipcalc
    spec = sakipcalc.load("specs/tanah-laut-dinsos-2022")
    report = sakipcalc.evaluate(spec, period="2022")
    print(report.indicator("pmks_tertangani").achievement.rounded)

The layout follows the pipeline, one line per module; imports only point down
it (leaves first, anyone may import them):

Leaves
    errors            the one exception tree; issues with file, line, column and path
    limits            the documented limits on one spec, and ``Limits`` to raise them
    _types            scalar types of the models: exact decimals, identifiers, periods
    _exact            sakipcalc's own Decimal context, and exact sums and products
    _terminal         control characters spelled out before text reaches a terminal
    _hints            "did you mean" and short listings of names
    _args             argument checks of the public functions, naming the argument
    _paths            what kind of thing a path names (FIFO, device …)
    _progress         a one-line progress bar, on a terminal only
    i18n              Indonesian and English numbers in and out, labels, terms
    _labels           the label tables, one per language
    _reasons          reasons and findings in Indonesian: one translation table
Files and YAML
    _confine          where a spec may read: its tree, the standard library, allowed roots
    _files            finding a spec's files and following ``imports:``, each read once
    _plain_yaml       the fast path: libyaml's events straight into text-only data
    _strict_yaml      the strict composer: every refusal with its position
    _marks            paths, marks and positions in a YAML document
    _source           documents whose positions are found again only when needed
    standard/         the shipped scales, imported as ``sakipcalc:standard``
Models and merge
    _model_enums      the enumerations of the spec format
    _model_parts      the base model; rounding, target, baseline and invariant parts
    _model_report     report-only parts: national standard, narrative, table numbering
    models            frozen pydantic models of the spec format: shape only
    _schema           the JSON Schema of spec files
    _pydantic_issues  pydantic's errors as issues that point into the YAML
    _split_numbers    a decimal comma inside ``{ }`` recognised and explained
    _data             realisation data: from text to checked values (named API)
    _merge            the files cut into validated items and merged into one draft
    _scales           scale bands as exact intervals, and their lookups
Validation and compilation
    validation/       one small rule per invariant, each returning issues; the order in __init__
    formula/          checked, compiled formulas: one table of allowed syntax, exact Decimal
    _graph            dependencies first, and one cycle per strongly connected component
    _spec             the loaded spec and the data set: merged, checked, compiled
    _loader           load / validate: read → merge → validate
Evaluation and results
    rounding          the Decimal context and the declared rounding policies
    results           frozen result types; ``target_text``
    engine/           evaluation: realisations, achievement, roll-ups, agreements, budget
    _jsonable         results as plain JSON data
Users of results
    check/            reconciliation (reviu): every printed figure recomputed
    testing           Hypothesis invariants and their runner, for spec authors
    _testing_data     Hypothesis strategies: generated data that fits a spec
    batch/            one spec over many units, exactly, on DuckDB (sqlglot plan)
    _import*          CSV / XLSX data in (tables, rows, values, merge; XLSX scanned first)
    _records          variables aggregated from records (a case register), on DuckDB
    _records_sql      the SQL that checks a records table and aggregates it
    _xlsx_scan        a workbook's size checked before openpyxl parses it
    render/           table, Markdown, CSV, JSON, XLSX and HTML; one formatter
Outputs and the command
    _atomic           output written beside its target and renamed: all or nothing
    _export           data out, in the long layout (CSV or XLSX)
    _cli_common       exit codes and options shared by the commands
    _cli_commands     validate, evaluate, check, data, test and tree
    _cli_quarters     evaluate --quarters: quarterly monitoring in any format
    _cli_records      ``--records ID=FILE``: records aggregated before a command runs
    cli               ``sakipcalc``: argument parsing over the public API
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
