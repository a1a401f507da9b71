"""CPU time of `dondoc` commands that should start at once: `--help`, `--version`, `tasks`.

    uv run python -m bench.startup [--runs 5]

Each command runs `--runs` times as a child process on a SQLite copy of the example appendix
(imported once, in a temporary folder, before timing); the figure is the child's user+system CPU
time (`getrusage(RUSAGE_CHILDREN)`), so other work on a shared machine inflates it less than wall
time. Python's bytecode cache matters as much as our imports: by default the runs share a warm
cache in a temporary folder (PYTHONPYCACHEPREFIX), as a user's second command would; with
`--cold` every run compiles every module from source (PYTHONDONTWRITEBYTECODE and an empty
cache), as on a machine where PYTHONDONTWRITEBYTECODE is set and no .pyc was ever written.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DONDOC = Path(sys.executable).parent / "dondoc"
COMMANDS = {
    "dondoc --help": ["--help"],
    "dondoc --version": ["--version"],
    "dondoc tasks": ["tasks"],
    "dondoc tasks --agency 'so y te'": ["tasks", "--agency", "so y te"],
}


def child_cpu_seconds(args: list[str], env: dict[str, str], cwd: Path) -> float:
    """User+system CPU seconds of one run of `dondoc ARGS`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(DONDOC), *args], env=env, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Import the example once, then time each command several times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="no bytecode cache at all")
    options = parser.parse_args()
    print(f"bytecode cache: {'none (--cold)' if options.cold else 'warm'}; "
          f"{options.runs} runs each; user+sys CPU seconds")
    with tempfile.TemporaryDirectory(prefix="dondoc-startup-") as folder:
        cwd = Path(folder)
        env = {**os.environ, "DONDOC_DATABASE_URL": f"sqlite:///{cwd / 'bench.db'}",
               "PYTHONPYCACHEPREFIX": str(cwd / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if options.cold:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        for args in (["agencies", "import", str(REPO / "examples" / "agencies.csv")],
                     ["import", str(REPO / "examples" / "phu-luc-4362-CV-TU.txt"),
                      "--year", "2025"]):
            subprocess.run([str(DONDOC), *args], env=env, cwd=cwd, check=True,
                           stdout=subprocess.DEVNULL)
        for name, args in COMMANDS.items():
            # One untimed run: the warm case's cache holds this command's modules.
            subprocess.run([str(DONDOC), *args], env=env, cwd=cwd, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                times = [child_cpu_seconds(args, env, cwd) for _ in range(options.runs)]
            except subprocess.CalledProcessError as failed:
                print(f"{name:36} fails (exit {failed.returncode})")
                continue
            print(f"{name:36} median {statistics.median(times):.2f} s "
                  f"(min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()
