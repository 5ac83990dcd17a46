"""The checked-in JSON Schema must match the models (regenerate with `sakipcalc schema`)."""

from __future__ import annotations

import json

from conftest import SPECS, run_cli


def test_checked_in_schema_is_up_to_date() -> None:
    result = run_cli("schema")
    assert result.code == 0
    checked_in = (SPECS / "schema.json").read_text(encoding="utf-8")
    assert result.out == checked_in, (
        "specs/schema.json is stale: run `python -m sakipcalc schema > specs/schema.json`"
    )


def test_schema_describes_every_section() -> None:
    schema = json.loads((SPECS / "schema.json").read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        "sakipcalc",
        "imports",
        "spec",
        "breakdowns",
        "variables",
        "scales",
        "org_units",
        "indicators",
        "goals",
        "objectives",
        "agreements",
        "links",
        "budget",
        "data",
        "reported",
        "records",
    }
    target = schema["$defs"]["Indicator"]["properties"]["targets"]
    # Targets accept numbers, grade labels and ranges, as authors write them.
    kinds = {option.get("type") for option in target["additionalProperties"]["anyOf"]}
    assert kinds == {"number", "string", "object"}
