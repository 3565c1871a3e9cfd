"""The ``interhf-bench`` command line.

Each command group lives in its own module and registers its parsers; heavy imports happen inside
the handlers, so ``interhf-bench --help`` stays fast and never imports torch.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from interhf_bench import __version__
from interhf_bench.cli import (
    baselines,
    check_adapter,
    data,
    ls,
    new_adapter,
    protocol,
    run,
    score,
    validate,
    weights,
)
from interhf_bench.cli.errors import (
    EXPECTED_FAILURES,
    RESUME_HINT,
    CommandError,
    debug_requested,
    describe_failure,
)
from interhf_bench.plugins import COMMANDS_GROUP, is_builtin

# Commands that compute or check numbers: they never load plugin command groups, so no third-party code
# runs in their process (``run`` scores in a fresh ``score`` process when a method is third-party).
TRUSTED_COMMANDS = frozenset({"score", "validate"})


def build_parser(*, with_plugins: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interhf-bench",
        description="InterHF-Bench: evaluate hand-face interaction animation on the InterHF protocol.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of a failure (also INTERHF_BENCH_DEBUG=1)"
    )
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    run.register(commands)
    score.register(commands)
    ls.register(commands)
    check_adapter.register(commands)
    new_adapter.register(commands)
    validate.register(commands)
    data.register(commands)
    protocol.register(commands)
    weights.register(commands)
    baselines.register(commands)
    # Command groups of installed packages (the leaderboard and InterAnimate among them), found through
    # entry points so this package names none of them.
    for entry in entry_points(group=COMMANDS_GROUP):
        if with_plugins or is_builtin(entry):
            entry.load().register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_plugins=_command_name(argv) not in TRUSTED_COMMANDS)
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt as exc:
        message = str(exc) or f"interrupted; {RESUME_HINT}"
        print(f"interhf-bench: {message}", file=sys.stderr)
        return 130
    except EXPECTED_FAILURES as exc:
        if debug_requested(args.debug):
            raise
        print(f"interhf-bench: error: {describe_failure(exc)}", file=sys.stderr)
        if getattr(args, "resumable", False):
            print(f"interhf-bench: {RESUME_HINT}", file=sys.stderr)
        return 1


def _command_name(argv: list[str]) -> str | None:
    """The command word of ``argv`` (the first argument that is not an option)."""
    return next((word for word in argv if not word.startswith("-")), None)


__all__ = ["CommandError", "build_parser", "main"]
