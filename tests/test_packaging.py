"""Packaging: the screens and templates ship inside `cmmh_tui`, in place and in a wheel.

The source tree keeps `screens/` and `templates/` at the top level, and
pyproject.toml maps them to `cmmh_tui.screens` and `cmmh_tui.templates`. These
tests check that mapping in the editable install, in a built wheel, and in a
fresh virtual environment with only that wheel installed.
"""

from __future__ import annotations

import importlib
import importlib.resources
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

pytestmark = pytest.mark.packaging

REPO_ROOT = Path(__file__).resolve().parents[1]

NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".ci-venv", "build", "dist", "*.egg-info", "__pycache__",
    ".pytest_cache", ".ruff_cache", "tests",
)  # fmt: skip
"""What to leave out when copying the source tree to build a wheel from it."""

RESOURCE_PROBE = """
import importlib, importlib.resources, json, sys
import cmmh_tui
importlib.import_module("cmmh_tui.screens")
def names(package):
    return sorted(p.name for p in importlib.resources.files(package).iterdir())
print(json.dumps({
    "package": cmmh_tui.__file__,
    "screens": names("cmmh_tui.screens"),
    "templates": names("cmmh_tui.templates"),
}))
"""
"""Script run inside the fresh virtual environment to report where resources resolve."""


def project() -> dict:
    """Return the [project] table of pyproject.toml."""
    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]


def source_names(folder: str, suffix: str) -> set[str]:
    """Return the names of files in a top-level source folder that end in `suffix`."""
    return {
        path.name
        for path in (REPO_ROOT / folder).iterdir()
        if path.name.endswith(suffix)
    }


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command without PYTHONPATH, so only the environment under test is used."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the source tree, leaving the tree untouched."""
    work = tmp_path_factory.mktemp("wheel-build")
    source = work / "source"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_SOURCE)
    dist = work / "dist"
    result = run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        cwd=work,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    """Every file name in the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def wheel_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment, without system site packages, holding the wheel.

    pip resolves the dependencies from the package index or its cache.
    """
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    created = run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)
    assert created.returncode == 0, created.stderr
    python = str(venv / "bin" / "python")
    installed = run([python, "-m", "pip", "install", "-q", str(wheel)], cwd=venv.parent)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv


def test_screens_package_imports() -> None:
    module = importlib.import_module("cmmh_tui.screens")

    assert module.__name__ == "cmmh_tui.screens"


def test_templates_package_has_jinja_files() -> None:
    names = [p.name for p in importlib.resources.files("cmmh_tui.templates").iterdir()]

    assert any(name.endswith(".md.j2") for name in names), names


def test_screens_package_has_stylesheets() -> None:
    names = [p.name for p in importlib.resources.files("cmmh_tui.screens").iterdir()]

    assert any(name.endswith(".tcss") for name in names), names


def test_wheel_contains_screens_package(wheel_names: set[str]) -> None:
    assert "cmmh_tui/screens/__init__.py" in wheel_names


def test_wheel_contains_every_stylesheet(wheel_names: set[str]) -> None:
    expected = {f"cmmh_tui/screens/{name}" for name in source_names("screens", ".tcss")}

    assert expected, "the screens folder has no .tcss files"
    assert expected - wheel_names == set()


def test_wheel_contains_every_template(wheel_names: set[str]) -> None:
    expected = {f"cmmh_tui/templates/{n}" for n in source_names("templates", ".md.j2")}

    assert expected, "the templates folder has no .md.j2 files"
    assert expected - wheel_names == set()


def test_wheel_has_no_top_level_folders(wheel_names: set[str]) -> None:
    stray = sorted(
        name for name in wheel_names if name.startswith(("screens/", "templates/"))
    )

    assert stray == []


def test_wheel_requires_project_dependencies(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        )
        metadata = Parser().parsestr(archive.read(metadata_name).decode("utf-8"))
    required = {Requirement(r) for r in metadata.get_all("Requires-Dist") or []}

    for dependency in project()["dependencies"]:
        assert Requirement(dependency) in required, dependency


def test_installed_wheel_resolves_resources(wheel_venv: Path, tmp_path: Path) -> None:
    result = run(
        [str(wheel_venv / "bin" / "python"), "-c", RESOURCE_PROBE], cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)

    assert Path(found["package"]).is_relative_to(wheel_venv)
    assert source_names("screens", ".tcss") <= set(found["screens"])
    assert source_names("templates", ".md.j2") <= set(found["templates"])


def test_installed_command_prints_version(wheel_venv: Path, tmp_path: Path) -> None:
    result = run([str(wheel_venv / "bin" / "cmmh"), "--version"], cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"cmmh {project()['version']}"


def test_installed_command_exports_letter(
    wheel_venv: Path, tmp_path: Path, cases_dir: Path
) -> None:
    cmmh = str(wheel_venv / "bin" / "cmmh")
    data_dir = str(tmp_path / "data")
    case_file = sorted(cases_dir.glob("*.toml"))[0]
    with case_file.open("rb") as handle:
        case = tomllib.load(handle)

    imported = run([cmmh, "--data-dir", data_dir, "import", str(case_file)], tmp_path)
    exported = run(
        [cmmh, "--data-dir", data_dir, "export", case["id"], "--out", "out"], tmp_path
    )
    letter = tmp_path / "out" / case["id"] / "medical-necessity-letter.md"

    assert imported.returncode == 0, imported.stderr
    assert exported.returncode == 0, exported.stderr
    assert case["patient"]["name"] in letter.read_text(encoding="utf-8")


def readme_test_command() -> str:
    """Return the first shell block under the README's Tests heading."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    tests_section = readme[readme.index("\n## Tests\n") :]
    return tests_section.split("```sh\n", 1)[1].split("```", 1)[0]


SET_UP_STEPS = (
    "apt-get install -y tmux python3-venv",
    "python3 -m venv",
    "pip install -e '.[test]'",
    "python -m pytest",
)
"""Steps that the README's test command and the CI script must share."""


@pytest.mark.parametrize("step", SET_UP_STEPS)
def test_readme_test_command_has_step(step: str) -> None:
    assert step in readme_test_command()


@pytest.mark.parametrize("step", SET_UP_STEPS)
def test_ci_script_has_step(step: str) -> None:
    assert step in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ci_script_is_executable() -> None:
    assert os.access(REPO_ROOT / ".ci" / "run", os.X_OK)


def test_ci_script_parses() -> None:
    result = run(["bash", "-n", str(REPO_ROOT / ".ci" / "run")], cwd=REPO_ROOT)

    assert result.returncode == 0, result.stderr
