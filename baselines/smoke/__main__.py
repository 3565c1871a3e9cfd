"""``python -m baselines.smoke METHOD --checkout DIR``: the CPU smoke test of one baseline (see runner)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from baselines.smoke.methods import SMOKE
from baselines.smoke.runner import smoke


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m baselines.smoke", description=__doc__)
    parser.add_argument("method", choices=sorted(SMOKE))
    parser.add_argument(
        "--checkout", required=True, type=Path, help="the official checkout, at the pinned commit"
    )
    parser.add_argument("--work", type=Path, help="work folder (default /tmp/interhf-smoke/METHOD)")
    parser.add_argument("--reuse-env", action="store_true", help="keep WORK/venv when it exists")
    parser.add_argument("--pip-cache", type=Path, help="pip's cache folder (the torch wheels are large)")
    args = parser.parse_args(argv)
    work = args.work or Path("/tmp/interhf-smoke") / args.method
    result = smoke(args.method, args.checkout, work, reuse_env=args.reuse_env, cache=args.pip_cache)
    print(json.dumps(result.to_json(), indent=2))
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
