"""The JSON Schema of spec files, generated from the models.

Editors use it to complete and check specs while authors type (the VS Code
YAML extension reads ``# yaml-language-server: $schema=...``). Every scalar
is text in YAML, so numeric fields accept numbers or numeric strings.
"""

from __future__ import annotations

import json
from typing import Any

from .models import SpecFile

SCHEMA_ID = "https://sakipcalc.invalid/schema/spec-v1.json"


def schema() -> dict[str, Any]:
    generated = SpecFile.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sakipcalc spec file",
        **generated,
    }


def schema_text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
