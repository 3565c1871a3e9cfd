"""Third-party code never runs where the scores are computed: ``run`` scores in a fresh process then."""

from __future__ import annotations

from pathlib import Path

import pytest

from interhf_bench import cli
from interhf_bench.adapters.registry import MethodRegistry
from interhf_bench.cli import main
from interhf_bench.data.dataset import Dataset
from interhf_bench.data.info import protocol_for
from interhf_bench.io.files import sha256_file
from interhf_bench.runner.run import RunConfig, run_method
from interhf_bench.scoring import score as scorer

PATCHER = Path(__file__).with_name("scorer_patching_adapter.py")


@pytest.fixture
def scorer_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """The patching file replaces functions of the scorer module; put them back after the test."""
    for name in ("ssim_from_maps", "psnr_frames", "l1_frames"):
        monkeypatch.setattr(scorer, name, getattr(scorer, name))


def test_a_scorer_patching_include_does_not_change_the_scores(
    tiny_dataset: Path, tmp_path: Path, scorer_restored: None
) -> None:
    config = RunConfig(
        method="perfect-scores",
        data=tiny_dataset,
        protocol=str(tiny_dataset / "protocol.json"),
        out=tmp_path,
        includes=[PATCHER],
        limit=3,
        progress=False,
        hand_detector="none",
    )
    outcome = run_method(config)
    assert outcome.metrics is not None and outcome.meta is not None
    overall = {name: value.value for name, value in outcome.metrics.overall.items()}
    assert overall["psnr"] < 40 and overall["ssim"] < 0.99 and overall["l1"] > 0
    assert outcome.meta.scoring_process == "fresh"
    [loaded] = outcome.meta.third_party_code
    assert (loaded.origin, loaded.path, loaded.sha256) == ("file", str(PATCHER), sha256_file(PATCHER))
    # the attack is real: scored in this process, the same videos get perfect numbers
    dataset = Dataset(tiny_dataset)
    in_here = scorer.score(dataset, protocol_for(tiny_dataset, config.protocol), outcome.run_dir / "videos")
    assert in_here.overall["psnr"].value == 100.0 and in_here.overall["l1"].value == 0.0


def test_a_built_in_method_is_scored_in_its_own_process(tiny_dataset: Path, tmp_path: Path) -> None:
    config = RunConfig(
        method="copy-reference",
        data=tiny_dataset,
        protocol=str(tiny_dataset / "protocol.json"),
        out=tmp_path,
        limit=2,
        progress=False,
        hand_detector="none",
    )
    meta = run_method(config).meta
    assert meta is not None and meta.scoring_process == "same" and meta.third_party_code == []


def test_score_refuses_to_run_beside_third_party_code(
    tiny_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], scorer_restored: None
) -> None:
    MethodRegistry([PATCHER])  # imports the file into this process, as a plugin import hook might
    (tmp_path / "videos").mkdir()
    argv = ["score", "--pred", str(tmp_path / "videos"), "--data", str(tiny_dataset)]
    assert main([*argv, "--protocol", str(tiny_dataset / "protocol.json"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"{PATCHER} (file)" in err and "not scoring" in err
    assert not (tmp_path / "metrics.json").exists()


class _PluginCommands:
    """A command group entry point of another distribution; records whether it was loaded."""

    dist = None
    loaded = False

    def load(self) -> object:
        type(self).loaded = True
        return self

    def register(self, commands: object) -> None:
        pass


@pytest.mark.parametrize(
    ("argv", "loads_plugins"),
    [(["score", "--pred", "absent"], False), (["validate", "absent"], False), (["ls", "protocols"], True)],
)
def test_commands_that_compute_numbers_load_no_plugin_command_group(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], loads_plugins: bool
) -> None:
    monkeypatch.setattr(_PluginCommands, "loaded", False)
    monkeypatch.setattr(cli, "entry_points", lambda group: [_PluginCommands()])
    main(argv)
    assert _PluginCommands.loaded is loads_plugins
