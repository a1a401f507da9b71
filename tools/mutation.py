"""Mutation testing of domain/'s rule modules with mutmut, one module group at a time.

Usage: uv run python tools/mutation.py [GROUP ...] [--children N] [--keep] [--tests PATTERN ...]
       uv run python tools/mutation.py GROUP --again KEPT_DIR   (re-run the survivors, new tests)

Each group runs in its own copy of the repository under a temporary directory (mutmut writes
its mutants/ tree and cache next to pyproject.toml; the work tree stays untouched), with only
the group's own domain tests as the runner (RUNNERS; --tests overrides). Prints, per group,
the mutants and how each ended, and the surviving mutants with their diffs, for
docs/MUTATION.md. Slow: minutes per group on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The rule modules of domain/, grouped by the tests that pin them.
GROUPS: dict[str, list[str]] = {
    "deadlines": ["domain/deadlines.py", "domain/deadline_recurrence.py",
                  "domain/deadline_model.py"],
    "replies": ["domain/replies.py", "domain/reply_answers.py", "domain/reply_dates.py",
                "domain/reply_normalise.py", "domain/reply_patterns.py",
                "domain/reply_text.py", "domain/reply_words.py"],
    "digest_classes": ["domain/digest_classes.py"],
    "calendar": ["domain/calendar.py"],
    "reminders": ["domain/reminders.py", "domain/reminder_model.py", "domain/reminder_steps.py",
                  "domain/followup_steps.py",
                  "domain/reminder_schedule.py", "domain/weeks.py"],
    "digest": ["domain/digest.py", "domain/digest_groups.py"],
}
# Only the tests that import a group's modules run against its mutants (globs, relative to the
# repository): the rest of tests/domain cannot kill them and would only slow the run down.
RUNNERS: dict[str, list[str]] = {
    "replies": ["tests/domain/test_repl*.py"],
    "reminders": ["tests/domain/test_reminder*.py", "tests/domain/test_followup.py",
                  "tests/domain/test_deadline_reminders.py", "tests/domain/test_weeks.py"],
    "digest": ["tests/domain/test_digest*.py"],
}
COPIED = ["domain", "storage", "config", "tests", "examples", "pyproject.toml"]
RUNNER = ["tests/domain"]
# Appended to the copy's tests/conftest.py: fewer Hypothesis examples, always the same ones, so
# every mutant meets the same inputs and a surviving mutant runs seconds, not tens of seconds.
# CACHES: mutmut forks each mutant's test run from the process that first ran every test
# unmutated (its "stats" run), so an lru_cache of domain/ (weeks, reminder_schedule, …) arrives
# already filled with the original code's answers: a test asking the same question again is
# answered from the cache, the mutated callee never runs, and the mutant "survives". Emptying the
# caches before each test makes every test compute afresh (the real suite keeps its caches).
HYPOTHESIS = """
settings.register_profile("mutation", parent=settings.get_profile("dondoc"),
                          max_examples={examples}, derandomize=True, database=None)
settings.load_profile("mutation")


@pytest.fixture(autouse=True)
def _mutation_fresh_caches():
    # Empty domain/'s functools caches before each test (see CACHES in tools/mutation.py).
    import sys
    for module in [m for n, m in list(sys.modules.items()) if n.startswith("domain.")]:
        for value in list(vars(module).values()):
            for inner in [value, *(vars(value).values() if isinstance(value, type) else ())]:
                clear = getattr(getattr(inner, "__func__", inner), "cache_clear", None)
                if callable(clear):
                    clear()
"""


def runner(name: str, patterns: list[str] | None = None) -> list[str]:
    """The test files run against a group's mutants: --tests, the group's own, or tests/domain."""
    chosen = patterns or RUNNERS.get(name, RUNNER)
    found = {path.relative_to(REPO) for pattern in chosen for path in REPO.glob(pattern)}
    return sorted(str(path) for path in found)


def _copy(target: Path, tests: list[str], examples: int) -> None:
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
        else:
            shutil.copy2(source, target / name)
    config = "\n".join([
        "", "[tool.mutmut]",
        'source_paths = ["domain"]',
        'also_copy = ["storage", "config", "examples"]',
        f"only_mutate = {json.dumps(GROUPS[target.name])}",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        'pytest_add_cli_args = ["-p", "no:randomly", "-p", "no:cacheprovider", "-q"]',
        "use_git_change_detection = false", ""])
    with (target / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write(config)
    _cap(target / "tests", examples)


def _cap(tests: Path, examples: int) -> None:
    """Fewer, fixed Hypothesis examples in a copy of tests/."""
    with (tests / "conftest.py").open("a", encoding="utf-8") as file:
        file.write(HYPOTHESIS.format(examples=examples))
    # Tests that set their own max_examples (300, 400) would cost tens of seconds per mutant.
    for test_file in tests.rglob("test_*.py"):
        text = test_file.read_text(encoding="utf-8")
        capped = re.sub(r"max_examples=\d+", f"max_examples={examples}", text)
        if capped != text:
            test_file.write_text(capped, encoding="utf-8")


def _refresh(workdir: Path, tests: list[str], examples: int) -> None:
    """Bring a kept copy's tests up to date with the repository's (for --again)."""
    for target in (workdir / "tests", workdir / "mutants" / "tests"):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(REPO / "tests", target,
                        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
        _cap(target, examples)
    for config in (workdir / "pyproject.toml", workdir / "mutants" / "pyproject.toml"):
        if config.exists():
            text = config.read_text(encoding="utf-8")
            config.write_text(re.sub(r"pytest_add_cli_args_test_selection = .*",
                                     f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
                                     text), encoding="utf-8")


def _mutmut(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=workdir, env=env,
                          capture_output=True, text=True, check=False)


def _survivors(workdir: Path) -> list[str]:
    listed = _mutmut(workdir, "results").stdout
    return [line.split(":")[0].strip() for line in listed.splitlines()
            if line.strip().endswith(("survived", "no tests"))]


def run_group(name: str, root: Path, children: int, tests: list[str], examples: int,
              again: bool = False) -> tuple[dict[str, int], dict[str, str]]:
    """Mutate one group, run its tests against every mutant, return the tallies.

    again: in a kept copy, refresh the tests and run only the mutants that survived before.
    """
    workdir = root / name
    if again:
        previous = _survivors(workdir)
        _refresh(workdir, tests, examples)
        ran = _mutmut(workdir, "run", "--max-children", str(children), *previous)
    else:
        workdir.mkdir()
        _copy(workdir, tests, examples)
        ran = _mutmut(workdir, "run", "--max-children", str(children))
    if ran.returncode != 0:
        raise SystemExit(f"mutmut run failed for {name}:\n{ran.stdout[-3000:]}{ran.stderr[-3000:]}")
    _mutmut(workdir, "export-cicd-stats")
    stats = json.loads((workdir / "mutants" / "mutmut-cicd-stats.json").read_text())
    diffs = {mutant: _mutmut(workdir, "show", mutant).stdout for mutant in _survivors(workdir)}
    return stats, diffs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help=f"default: all of {', '.join(GROUPS)}")
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument("--examples", type=int, default=25,
                        help="Hypothesis examples per property test (derandomized)")
    parser.add_argument("--again", type=Path, metavar="KEPT",
                        help="a directory kept by --keep: refresh its tests, re-run its survivors")
    parser.add_argument("--tests", nargs="+", metavar="PATTERN",
                        help="test files (globs) to run instead of each group's own")
    options = parser.parse_args()
    unknown = set(options.groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s) {sorted(unknown)}; choose from {sorted(GROUPS)}")
    options.groups = options.groups or list(GROUPS)
    root = options.again or Path(tempfile.mkdtemp(prefix="dondoc-mutation-"))
    try:
        for name in options.groups:
            tests = runner(name, options.tests)
            print(f"== {name}: tests {' '.join(tests)}", flush=True)
            stats, survivors = run_group(name, root, options.children, tests,
                                         options.examples, again=options.again is not None)
            print(f"== {name}: {json.dumps(stats)}", flush=True)
            for mutant, diff in survivors.items():
                print(f"-- survived {mutant}\n{diff}", flush=True)
    finally:
        if options.keep or options.again:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
