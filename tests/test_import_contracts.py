"""The import contracts in pyproject.toml ([tool.importlinter]) hold for the code as it is, and break when a module
imports upward through the layers or two modules of one app import each other: planted in a copy of the code, each
makes `lint-imports` fail with the contract's name."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.lint

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = tuple(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"])
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def code_copy(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def plant(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # planted by the test\n", encoding="utf-8")


def test_the_code_as_it_is_keeps_both_contracts(code_copy):
    result = lint(code_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_core_importing_a_stage_breaks_the_layers(code_copy):
    plant(code_copy / "portal" / "enums.py", "from awards import models as _awards_models")
    result = lint(code_copy)
    assert result.returncode == 1
    assert "Layers point down" in result.stdout and "BROKEN" in result.stdout
    assert "portal.enums -> awards.models" in result.stdout


def test_a_stage_importing_a_later_stage_breaks_the_layers(code_copy):
    plant(code_copy / "review" / "selectors.py", "import publicity.models")
    result = lint(code_copy)
    assert result.returncode == 1
    assert "review.selectors -> publicity.models" in result.stdout


def test_two_modules_of_an_app_importing_each_other_break_the_circle_rule(code_copy):
    # review.exports already calls review.services; the planted import closes the circle.
    assert "review.services" in (code_copy / "review" / "exports.py").read_text(encoding="utf-8")
    plant(code_copy / "review" / "services" / "assignments.py", "import review.exports")
    result = lint(code_copy)
    assert result.returncode == 1
    assert "No circles inside an app" in result.stdout
    assert "No cycles are allowed in review" in result.stdout


def test_a_write_enqueueing_its_own_task_is_the_allowed_way_back(code_copy):
    # awards.batches enqueues awards.tasks, which calls awards.batches: kept by the contract's ignore_imports.
    assert "awards.tasks" in (code_copy / "awards" / "batches.py").read_text(encoding="utf-8")
    assert "batches" in (code_copy / "awards" / "tasks.py").read_text(encoding="utf-8")
    plant(code_copy / "awards" / "selectors.py", "from awards import tasks as _tasks")
    result = lint(code_copy)
    assert result.returncode == 0, result.stdout
