"""The layers of docs/architecture.md hold, and the checks that keep them would notice a back-edge."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def app_graph(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "app_graph.py")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy_of_the_tree(tmp_path_factory) -> Path:
    """The package's Python files, the contracts and the graph script, in a scratch folder to break."""
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(
        ROOT / "preceptor", root / "preceptor", ignore=shutil.ignore_patterns("static", "locale", "*.pyc", "media")
    )
    shutil.copytree(ROOT / "scripts", root / "scripts")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_application_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_app_graph_has_no_cycle_and_core_imports_nothing():
    result = app_graph(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cycles: none" in result.stdout
    core = next(line for line in result.stdout.splitlines() if line.split()[1:2] == ["core"])
    assert core.endswith("(nothing)")


def test_an_import_of_a_higher_app_inside_a_function_in_core_breaks_the_contracts(copy_of_the_tree):
    back_edge = copy_of_the_tree / "preceptor" / "core" / "back_edge.py"
    back_edge.write_text("def later():\n    from preceptor.cme import models\n\n    return models\n")
    try:
        result = lint_imports(copy_of_the_tree)
    finally:
        back_edge.unlink()
    assert result.returncode != 0
    assert "preceptor.core is not allowed to import preceptor.cme" in result.stdout
    assert "BROKEN" in result.stdout


def test_a_cycle_between_two_apps_breaks_the_contracts_and_shows_in_the_graph(copy_of_the_tree):
    back_edge = copy_of_the_tree / "preceptor" / "catalog" / "back_edge.py"
    back_edge.write_text("def later():\n    from preceptor.cme.selectors import statements\n\n    return statements\n")
    try:
        linted, graphed = lint_imports(copy_of_the_tree), app_graph(copy_of_the_tree)
    finally:
        back_edge.unlink()
    assert linted.returncode != 0
    assert "preceptor.catalog is not allowed to import preceptor.cme" in linted.stdout
    assert graphed.returncode == 1
    assert "catalog" in graphed.stdout.split("cycles:")[1] and "cme" in graphed.stdout.split("cycles:")[1]


def test_a_domain_app_may_not_import_the_site_or_the_demo(copy_of_the_tree):
    back_edge = copy_of_the_tree / "preceptor" / "classes" / "back_edge.py"
    back_edge.write_text("from preceptor.site import views\n")
    try:
        result = lint_imports(copy_of_the_tree)
    finally:
        back_edge.unlink()
    assert result.returncode != 0
    assert "preceptor.classes is not allowed to import preceptor.site" in result.stdout
