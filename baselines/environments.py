"""Building a method's environment: a venv with the stated Python, its requirements installed or dry-run.

The requirements files name the PyTorch wheel index for the CUDA builds that H100/H200 need. Where that
index cannot be reached (an offline mirror, a registry-only network), ``reachable_requirements`` drops
the line and says so: the same versions are on PyPI (as other CUDA builds), so resolution is unchanged.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from baselines.packaged import requirements_after, requirements_file, stated_python

INDEX_OPTIONS = ("--extra-index-url", "--index-url", "-f", "--find-links")


@dataclass(frozen=True)
class InstallResult:
    """What one pip run did: its command, exit status, the tail of its output and the notes we added."""

    command: list[str]
    returncode: int
    output_tail: str
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def find_python(version: str) -> Path | None:
    """An interpreter of ``version`` (``3.10``): a pyenv build, else ``python3.10`` on PATH (not a shim)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = sorted(pyenv.glob(f"{version}.*/bin/python"), reverse=True)
    if candidates:
        return candidates[0]
    found = shutil.which(f"python{version}")
    return Path(found) if found and "shims" not in Path(found).parts else None


def host_reachable(url: str, timeout: float = 5.0) -> bool:
    """Whether the URL's host resolves and accepts a TCP connection (no HTTP request is made)."""
    parsed = urlparse(url)
    if parsed.scheme == "file" or not parsed.hostname:
        return True
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def reachable_requirements(text: str) -> tuple[str, list[str]]:
    """The requirements without index lines whose host cannot be reached, and a note for each one."""
    kept, notes = [], []
    for line in text.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] in INDEX_OPTIONS and not host_reachable(words[1]):
            notes.append(f"{words[1]} is unreachable here: resolved from the default index without it")
            continue
        kept.append(line)
    return "\n".join(kept) + "\n", notes


def make_venv(version: str, venv: Path) -> Path:
    """A fresh venv of Python ``version`` at ``venv``; returns its interpreter."""
    base = find_python(version)
    if base is None:
        raise FileNotFoundError(f"no Python {version} found (python{version} on PATH or ~/.pyenv/versions)")
    subprocess.run([str(base), "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
    return venv / "bin" / "python"


def pip_install(
    python: Path, method: str, *, dry_run: bool, cache: Path | None = None
) -> list[InstallResult]:
    """``pip install -r envs/<method>.txt`` (then ``<method>.post.txt`` unisolated) with ``python``."""
    results = []
    files = [(requirements_file(method), False)]
    after = requirements_after(method)
    if after is not None and not dry_run:  # a post file's builds import torch: nothing to resolve without it
        files.append((after, True))
    for path, unisolated in files:
        text, notes = reachable_requirements(path.read_text(encoding="utf-8"))
        results.append(_pip(python, text, notes, dry_run=dry_run, unisolated=unisolated, cache=cache))
        if not results[-1].ok:
            break
    return results


def _pip(
    python: Path, text: str, notes: list[str], *, dry_run: bool, unisolated: bool, cache: Path | None
) -> InstallResult:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(text)
    command = [str(python), "-m", "pip", "install", "-r", handle.name]
    command += ["--dry-run", "--ignore-installed"] if dry_run else []
    command += ["--no-build-isolation"] if unisolated else []
    command += ["--cache-dir", str(cache)] if cache else []
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        os.unlink(handle.name)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith("WARNING")]
    tail = "\n".join(lines[-25:])
    return InstallResult(command, result.returncode, tail, tuple(notes))


def dry_run(method: str, workdir: Path) -> list[InstallResult]:
    """Resolve ``envs/<method>.txt`` against the registry in a throwaway venv of its stated Python."""
    python = make_venv(stated_python(method), workdir / f"dry-{method}")
    try:
        return pip_install(python, method, dry_run=True)
    finally:
        shutil.rmtree(workdir / f"dry-{method}", ignore_errors=True)
