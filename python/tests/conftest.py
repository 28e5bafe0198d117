"""Shared fixtures: the hxsim command line (for parity checks), fresh hxsim.torch state."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _cli():
    override = os.environ.get("HXSIM_CLI")
    if override:
        return Path(override)
    for configuration in ("release", "debug"):
        path = ROOT / ".build" / configuration / "hxsim"
        if path.is_file():
            return path
    return None


@pytest.fixture(scope="session")
def hxsim_cli():
    """A function running `hxsim ARGS...`, returning (exit status, stdout, stderr)."""
    path = _cli()
    if path is None:
        pytest.skip("the hxsim command is not built (swift build -c release --product hxsim) "
                    "and HXSIM_CLI is not set")

    def run(*arguments):
        done = subprocess.run([str(path), *map(str, arguments)], capture_output=True, text=True,
                              timeout=300)
        return done.returncode, done.stdout, done.stderr

    return run


@pytest.fixture(autouse=True)
def fresh_torch_context():
    """Every test starts and ends without a current hxsim.torch context."""
    try:
        import hxsim.torch as ht
    except ImportError:  # torch absent: nothing to reset
        yield
        return
    ht.release()
    yield
    ht.release()
