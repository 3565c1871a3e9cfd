"""JSON Schemas of the results files, exported to ``docs/schemas/`` for readers outside Python.

    python -m interhf_bench.results.schema docs/schemas

A test checks that the committed files equal what the pydantic models give, so they never drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from interhf_bench.io.files import write_text_atomic
from interhf_bench.results.case_record import CaseRecord
from interhf_bench.results.metrics_file import MetricsFile
from interhf_bench.results.run_meta import RunMeta

SCHEMAS: dict[str, type[BaseModel]] = {
    "metrics.schema.json": MetricsFile,
    "run_meta.schema.json": RunMeta,
    "case_record.schema.json": CaseRecord,
}


def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_schemas(out_dir: Path) -> list[Path]:
    paths = []
    for name, model in SCHEMAS.items():
        write_text_atomic(out_dir / name, schema_text(model))
        paths.append(out_dir / name)
    return paths


if __name__ == "__main__":
    for path in export_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(path)
