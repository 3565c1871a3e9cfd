"""The import contract in pyproject.toml holds, and it would catch each upward import it exists to forbid."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
import tomllib
from importlinter.configuration import configure
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import ContractCheck

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACT_TYPES = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}

# Imports that once ran up the layers or closed a circle: each must break the contract if it came back.
FORBIDDEN_IMPORTS = [
    ("interhf_bench.runner.run", "interhf_bench.cli.data"),
    ("interhf_bench.metrics.fid_inception", "interhf_bench.scoring.score"),
    ("interhf_bench.metrics.hand_fidelity", "interhf_bench.scoring.metric_set"),
    ("interhf_bench.weights.store", "interhf_bench.metrics.networks.i3d"),
    ("interhf_bench.results.schema", "interhf_bench.runner.sidecar"),
    ("interhf_bench.results.run_meta", "interhf_bench.adapters.api"),
    ("interhf_bench.results.metrics_file", "interhf_bench.scoring.score"),
    ("interhf_bench.adapters.registry", "interhf_bench.runner.generate"),
    ("interhf_bench.scoring.score", "interhf_bench.submission.validation"),
    ("interhf_bench.adapters.registry", "interanimate.adapter"),
    ("interhf_bench.cli.run", "leaderboard.cli"),
    ("interhf_bench.adapters.external", "baselines.disco"),
    ("interanimate.ablate", "interanimate.cli"),
    ("interhf_bench.cli.baselines", "interhf_bench.cli"),
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    configure()  # import-linter's own settings (its timer), as its command line sets them
    return grimp.build_graph(*CONFIG["root_packages"], cache_dir=None)


def check_all(graph: grimp.ImportGraph) -> list[ContractCheck]:
    session = {key: value for key, value in CONFIG.items() if key != "contracts"}
    checks = []
    for options in CONFIG["contracts"]:
        contract_class = CONTRACT_TYPES[options["type"]]
        fields = {key: _option(value) for key, value in options.items() if key not in ("name", "type")}
        contract = contract_class(name=options["name"], session_options=session, contract_options=fields)
        checks.append(contract.check(graph, verbose=False))
    return checks


def _option(value: object) -> object:
    """A contract option as import-linter's own TOML reader passes it (booleans as strings)."""
    return str(value).lower() if isinstance(value, bool) else value


def test_the_code_keeps_the_contract(graph: grimp.ImportGraph) -> None:
    assert all(check.kept for check in check_all(graph))


@pytest.mark.parametrize(("importer", "imported"), FORBIDDEN_IMPORTS)
def test_an_upward_import_breaks_it(graph: grimp.ImportGraph, importer: str, imported: str) -> None:
    graph.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    try:
        assert not all(check.kept for check in check_all(graph)), f"{importer} -> {imported} was not caught"
    finally:
        graph.remove_import(importer=importer, imported=imported)
