"""Tests of the cmmh command line, run as a real subprocess."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

SAMPLE_CASES = sorted((Path(__file__).parents[2] / "shared" / "cases").glob("*.toml"))
CMMH = [sys.executable, "-m", "cmmh_tui"]


def run(*args, data_dir: Path, **env):
    environment = {**os.environ, "CMMH_DATA_DIR": str(data_dir), **env}
    return subprocess.run(
        [*CMMH, *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


def write_bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "syntax": folder / "syntax.toml",
        "types": folder / "types.toml",
        "future": folder / "future.toml",
    }
    files["syntax"].write_text('id = "s"\n[patient]\nname = "A\n')
    files["types"].write_text(
        'id = "t"\nstatus = "maybe"\n[patient]\nname = "A"\ndate_of_birth = "1990"\n'
        '[[diagnoses]]\ncode = "F3x"\n'
    )
    files["future"].write_text('format = 7\nid = "f"\n[patient]\nname = "A"\n')
    return files


def test_version_and_help(data_dir):
    version = run("--version", data_dir=data_dir)
    assert version.returncode == 0
    assert version.stdout.startswith("cmmh ")
    helped = run("--help", data_dir=data_dir)
    assert helped.returncode == 0
    for command in ("import", "check", "list", "export"):
        assert command in helped.stdout


def test_import_prints_ids(data_dir):
    result = run("import", *SAMPLE_CASES, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    assert len(ids) == len(SAMPLE_CASES)
    assert "carlos-m-residential" in ids
    for case_id in ids:
        assert (data_dir / "cases" / f"{case_id}.toml").exists()


def test_import_existing_id_refused_without_replace(data_dir):
    assert run("import", SAMPLE_CASES[0], data_dir=data_dir).returncode == 0
    again = run("import", SAMPLE_CASES[0], data_dir=data_dir)
    assert again.returncode == 1
    assert "--replace" in again.stderr
    replaced = run("import", "--replace", SAMPLE_CASES[0], data_dir=data_dir)
    assert replaced.returncode == 0


@pytest.mark.parametrize("kind", ["syntax", "types", "future"])
def test_bad_file_exit_1_names_file_and_field(kind, data_dir, tmp_path):
    files = write_bad_files(tmp_path / "in")
    run("import", SAMPLE_CASES[0], data_dir=data_dir)
    before = snapshot(data_dir)
    result = run("import", files[kind], data_dir=data_dir)
    assert result.returncode == 1
    assert str(files[kind]) in result.stderr
    expected = {
        "syntax": "line 3",
        "types": "patient.date_of_birth",
        "future": "format",
    }
    assert expected[kind] in result.stderr
    assert snapshot(data_dir) == before


def test_bad_types_report_every_error(data_dir, tmp_path):
    files = write_bad_files(tmp_path / "in")
    result = run("check", files["types"], data_dir=data_dir)
    assert result.returncode == 1
    for field in ("status", "patient.date_of_birth", "diagnoses[0].code"):
        assert field in result.stderr


def test_import_is_all_or_nothing(data_dir, tmp_path):
    files = write_bad_files(tmp_path / "in")
    result = run("import", SAMPLE_CASES[0], files["types"], data_dir=data_dir)
    assert result.returncode == 1
    assert snapshot(data_dir / "cases") == {}


def test_check_stores_nothing(data_dir):
    result = run("check", *SAMPLE_CASES, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()


def test_check_missing_file(data_dir, tmp_path):
    result = run("check", tmp_path / "nope.toml", data_dir=data_dir)
    assert result.returncode == 1
    assert "not found" in result.stderr


def test_list_json_and_table(data_dir):
    run("import", *SAMPLE_CASES, data_dir=data_dir)
    listed = run("list", "--json", data_dir=data_dir)
    rows = json.loads(listed.stdout)
    carlos = next(r for r in rows if r["id"] == "carlos-m-residential")
    assert carlos["patient"] == "Carlos Mendez"
    assert carlos["insurer"] == "Lakeshore Health Plan"
    assert carlos["status"] == "open"
    table = run("list", data_dir=data_dir)
    assert "Maya Rodriguez" in table.stdout


def test_list_shows_unreadable_file(data_dir):
    (data_dir / "cases").mkdir(parents=True)
    (data_dir / "cases" / "broken.toml").write_text("id = [")
    listed = json.loads(run("list", "--json", data_dir=data_dir).stdout)
    assert listed[0]["status"] == "unreadable"
    assert "line 1" in listed[0]["error"]


def test_data_dir_option_overrides_environment(tmp_path):
    elsewhere = tmp_path / "other"
    result = run(
        "--data-dir", elsewhere, "import", SAMPLE_CASES[0], data_dir=tmp_path / "env"
    )
    assert result.returncode == 0
    assert (elsewhere / "cases").is_dir()
    assert not (tmp_path / "env").exists()


def test_usage_error_exit_2(data_dir):
    assert run("import", data_dir=data_dir).returncode == 2
    assert run("frobnicate", data_dir=data_dir).returncode == 2


def test_cli_paths_do_not_import_textual(data_dir):
    code = (
        "import sys\nfrom cmmh_tui.cli import main\n"
        f"main(['--data-dir', {str(data_dir)!r}, 'list'])\n"
        "import cmmh_tui.export\n"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_export_writes_letter_and_records_it(data_dir, tmp_path):
    run("import", *SAMPLE_CASES, data_dir=data_dir)
    out = tmp_path / "out"
    result = run("export", "carlos-m-residential", "--out", out, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    path = out / "carlos-m-residential" / "medical-necessity-letter.md"
    assert result.stdout.strip() == str(path)
    assert "Carlos Mendez" in path.read_text()
    saved = tomllib.loads(
        (data_dir / "cases" / "carlos-m-residential.toml").read_text()
    )
    assert saved["documents"][-1]["name"] == "medical-necessity-letter"


def test_export_default_folder(data_dir):
    run("import", SAMPLE_CASES[0], data_dir=data_dir)
    case_id = run("list", "--json", data_dir=data_dir)
    case_id = json.loads(case_id.stdout)[0]["id"]
    result = run("export", case_id, data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).parent == data_dir / "exports" / case_id


def test_export_lists_missing_fields(data_dir, tmp_path):
    minimal = tmp_path / "minimal.toml"
    minimal.write_text('id = "min-1"\n[patient]\nname = "Ann Example"\n')
    run("import", minimal, data_dir=data_dir)
    result = run("export", "min-1", data_dir=data_dir)
    assert result.returncode == 0
    assert "missing:" in result.stderr


def test_export_unknown_case_and_document(data_dir):
    run("import", SAMPLE_CASES[0], data_dir=data_dir)
    assert run("export", "nobody", data_dir=data_dir).returncode == 1
    unknown = run("export", "nobody", "--document", "poem", data_dir=data_dir)
    assert unknown.returncode == 2
    assert "medical-necessity-letter" in unknown.stderr


def test_import_unsaveable_file_stores_nothing(data_dir, tmp_path):
    nan_case = tmp_path / "nan.toml"
    nan_case.write_text(
        'id = "nan-case"\n[patient]\nname = "A"\n[custom]\nvalue = nan\n'
    )
    result = run("import", SAMPLE_CASES[0], nan_case, data_dir=data_dir)
    assert result.returncode == 1
    assert "custom.value" in result.stderr
    assert snapshot(data_dir / "cases") == {}


def test_check_reports_what_import_rejects(data_dir, tmp_path):
    nan_case = tmp_path / "nan.toml"
    nan_case.write_text('id = "n"\n[patient]\nname = "A"\nscore = nan\n')
    assert run("check", nan_case, data_dir=data_dir).returncode == 1


def test_export_rejects_path_in_case_id(data_dir):
    run("import", SAMPLE_CASES[0], data_dir=data_dir)
    (data_dir / "outside.toml").write_text('id = "outside"\n[patient]\nname = "A"\n')
    result = run("export", "../outside", data_dir=data_dir)
    assert result.returncode == 1
    assert not (data_dir / "cases" / "outside.toml").exists()


def test_data_dir_that_is_a_file(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for args in (("import", SAMPLE_CASES[0]), ("list",)):
        result = run(*args, data_dir=not_a_folder)
        assert result.returncode == 1
        assert "not a folder" in result.stderr
        assert "Traceback" not in result.stderr


def test_export_out_that_is_a_file(data_dir, tmp_path):
    run("import", SAMPLE_CASES[0], data_dir=data_dir)
    case_id = json.loads(run("list", "--json", data_dir=data_dir).stdout)[0]["id"]
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run("export", case_id, "--out", not_a_folder, data_dir=data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_empty_paths_are_usage_errors(data_dir):
    assert run("--data-dir", "", "list", data_dir=data_dir).returncode == 2
    assert run("export", "x", "--out", "", data_dir=data_dir).returncode == 2


def test_list_into_closed_pipe_has_no_traceback(data_dir):
    run("import", *SAMPLE_CASES, data_dir=data_dir)
    environment = {**os.environ, "CMMH_DATA_DIR": str(data_dir)}
    command = " ".join(CMMH) + " list --json | head -c 1 >/dev/null"
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=environment
    )
    assert "Traceback" not in result.stderr
