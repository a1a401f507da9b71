"""The deployable unit's entry script, run as the image runs it: an unprivileged user, a clean
folder, the locked dependencies without the dev group, `db upgrade`, then `run` until ready."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from sandbox import running_sandbox
from tests.service_probe import free_port, wait_ready

REPO = Path(__file__).resolve().parent.parent
USER = "nobody"
GROUP = "nogroup"
SETPRIV = shutil.which("setpriv")


def _uv_binary() -> Path:
    # `uv run` names itself in UV; a pyenv shim would point into /root, which nobody can read.
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        pytest.skip("uv not found")
    return Path(found).resolve()


def _clean_copy(target: Path) -> None:
    """The repository's files as a checkout has them (no .venv, no caches), owned by USER."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=REPO, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / "bin").mkdir()
    shutil.copy2(_uv_binary(), target / "bin" / "uv")
    subprocess.run(["chown", "-R", f"{USER}:{GROUP}", str(target)], check=True)


@pytest.fixture
def clean_folder():
    """A folder outside pytest's (root-only) temporary tree, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="dondoc-deploy-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="running the entry script as an unprivileged user needs root "
                           "(setpriv); CI runs as root")
@pytest.mark.skipif(SETPRIV is None, reason="setpriv (util-linux) not installed")
async def test_entry_script_runs_as_an_unprivileged_user_in_a_clean_folder(clean_folder):
    folder = clean_folder
    _clean_copy(folder)
    port = free_port()
    async with running_sandbox(rate_limits=None) as telegram:
        env = {**os.environ, "HOME": str(folder), "PATH": f"{folder / 'bin'}:/usr/bin:/bin",
               "UV_CACHE_DIR": str(folder / ".uv-cache"), "UV_PYTHON_DOWNLOADS": "never",
               "DONDOC_DATABASE_URL": f"sqlite:///{folder / 'dondoc.db'}",
               "DONDOC_TELEGRAM_TOKEN": telegram.token,
               "DONDOC_TELEGRAM_BASE_URL": telegram.base_url,
               "DONDOC_WEBHOOK_PORT": str(port), "DONDOC_WORKDAY_START": "00:00",
               "DONDOC_LOG_FORMAT": "json"}
        for name in ("VIRTUAL_ENV", "UV", "PYTHONPATH", "DONDOC_TEST_DATABASE_URL"):
            env.pop(name, None)
        process = await asyncio.create_subprocess_exec(
            # setpriv execs the script itself (runuser would stay between and kill on SIGTERM).
            SETPRIV or "setpriv", f"--reuid={USER}", f"--regid={GROUP}", "--clear-groups",
            str(folder / "deploy" / "entrypoint.sh"),
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            ready = await wait_ready(port, gone=lambda: process.returncode is not None)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)  # as `docker stop` does
            output = (await asyncio.wait_for(process.communicate(), 60))[0].decode()
    print(output[-3000:])
    assert ready is not None and ready.status_code == 200, output[-3000:]
    assert process.returncode == 0, output[-3000:]
    owner = (folder / "dondoc.db").stat().st_uid
    assert owner != 0 and owner == (folder / ".venv").stat().st_uid
    # Without the dev group: no pytest, no mypy in the environment the service ran in.
    assert not list((folder / ".venv").glob("lib/python*/site-packages/pytest"))
    assert list((folder / ".venv").glob("lib/python*/site-packages/prometheus_client"))
    assert '"message": "dondoc is running as Telegram' in output
