"""The JSON Schemas in docs/ are the ones the models give, and real results validate against them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interhf_bench.results.schema import SCHEMAS, schema_text

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_current(name: str) -> None:
    assert (DOCS / name).read_text(encoding="utf-8") == schema_text(SCHEMAS[name]), (
        "regenerate with: python -m interhf_bench.results.schema docs/schemas"
    )


def test_schema_says_missing_values_are_null() -> None:
    schema = json.loads(schema_text(SCHEMAS["metrics.schema.json"]))
    value = schema["$defs"]["MetricValue"]["properties"]["value"]
    assert {"type": "null"} in value["anyOf"]
