"""Tests of the data folder: permissions, atomic replace, unknown keys, bad files."""

import datetime as dt
import os
import stat
import time
import tomllib
from pathlib import Path

import pytest

from cmmh_tui.model import new_case
from cmmh_tui.store import (
    DATA_DIR_ENV,
    STALE_TEMPORARY_AGE,
    CaseChanged,
    CaseNotFound,
    CaseStore,
    StoreError,
    resolve_data_dir,
    write_private_file,
)
from cmmh_tui.validation import CaseFileError, load_case_text

SAMPLE_CASES = sorted((Path(__file__).parents[2] / "shared" / "cases").glob("*.toml"))
NOW = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(tmp_path):
    return CaseStore(tmp_path / "data")


def test_save_creates_private_folders_and_file(store):
    path = store.save(new_case("a-1", "Ann Example"), now=NOW)
    assert mode(store.root) == 0o700
    assert mode(store.cases_dir) == 0o700
    assert mode(path) == 0o600


def test_save_stamps_format_and_updated(store):
    path = store.save(new_case("a-1", "Ann Example"), now=NOW)
    data = tomllib.loads(path.read_text())
    assert data["format"] == 1
    assert data["updated"] == NOW


def test_save_then_load_round_trip(store):
    for sample in SAMPLE_CASES:
        case, _ = load_case_text(sample.read_text(), str(sample))
        store.save(case, now=NOW)
        assert store.load(case["id"]) == case


def test_unknown_keys_kept_on_save(store):
    case = new_case("a-1", "Ann Example")
    case["patient"]["pronouns"] = "she/her"
    case["custom"] = {"nested": [1, 2], "when": dt.date(2025, 1, 2)}
    store.save(case, now=NOW)
    loaded = store.load("a-1")
    assert loaded["patient"]["pronouns"] == "she/her"
    assert loaded["custom"] == {"nested": [1, 2], "when": dt.date(2025, 1, 2)}


def test_invalid_case_not_saved(store):
    case = new_case("a-1", "Ann Example")
    case["status"] = "nonsense"
    with pytest.raises(CaseFileError):
        store.save(case)
    assert not store.case_path("a-1").exists()


def test_save_replaces_atomically_without_leftovers(store):
    store.save(new_case("a-1", "Ann Example"), now=NOW)
    first_inode = store.case_path("a-1").stat().st_ino
    case = store.load("a-1")
    case["title"] = "changed"
    store.save(case, now=NOW)
    assert store.case_path("a-1").stat().st_ino != first_inode
    assert sorted(p.name for p in store.cases_dir.iterdir()) == ["a-1.toml"]


def test_failed_write_keeps_old_file(store, tmp_path):
    store.save(new_case("a-1", "Ann Example"), now=NOW)
    before = store.case_path("a-1").read_bytes()
    os.chmod(store.cases_dir, 0o500)
    try:
        if os.access(store.cases_dir, os.W_OK):
            pytest.skip("running as a user that ignores folder permissions")
        case = store.load("a-1")
        case["title"] = "changed"
        with pytest.raises(StoreError, match="unchanged"):
            store.save(case)
    finally:
        os.chmod(store.cases_dir, 0o700)
    assert store.case_path("a-1").read_bytes() == before


FILE_SIZE_LIMIT_SCRIPT = """
import resource, signal, sys
from pathlib import Path
from cmmh_tui.store import CaseStore, StoreError
store = CaseStore(Path(sys.argv[1]))
case = store.load("a-1")
case["title"] = "x" * 100_000
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    store.save(case)
except StoreError as error:
    print(error)
    sys.exit(3)
"""


def test_write_past_file_size_limit_keeps_old_file(store):
    """A write that fails part-way, as on a full disk, leaves the old file."""
    import subprocess
    import sys

    store.save(new_case("a-1", "Ann Example"), now=NOW)
    before = store.case_path("a-1").read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT_SCRIPT, str(store.root)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 3, result.stderr
    assert "unchanged" in result.stdout
    assert store.case_path("a-1").read_bytes() == before
    assert sorted(p.name for p in store.cases_dir.iterdir()) == ["a-1.toml"]


def test_unreadable_file_listed_with_reason(store):
    store.ensure()
    broken = store.cases_dir / "broken.toml"
    broken.write_text('id = "broken"\n[patient\nname = "x"\n')
    entries = store.list_cases()
    assert [e.case_id for e in entries] == ["broken"]
    assert not entries[0].readable
    assert "line 2" in entries[0].reason


def test_unreadable_file_never_overwritten(store):
    store.ensure()
    broken = store.cases_dir / "a-1.toml"
    broken.write_text("not = [valid")
    with pytest.raises(StoreError, match="left untouched"):
        store.save(new_case("a-1", "Ann Example"))
    assert broken.read_text() == "not = [valid"


def test_future_format_file_left_untouched(store):
    store.ensure()
    future = store.cases_dir / "a-1.toml"
    future.write_text('format = 9\nid = "a-1"\n[patient]\nname = "A"\n')
    with pytest.raises(StoreError):
        store.save(new_case("a-1", "Ann Example"))
    assert future.read_text().startswith("format = 9")


def test_id_must_match_file_name(store):
    store.ensure()
    (store.cases_dir / "other.toml").write_text('id = "a-1"\n[patient]\nname = "A"\n')
    entry = store.list_cases()[0]
    assert not entry.readable
    assert "a-1.toml" in entry.reason


def test_load_missing_case(store):
    with pytest.raises(CaseNotFound):
        store.load("nobody")


def test_profile_round_trip(store):
    store.save_profile({"name": "Dr A", "npi": "1234567893"})
    assert store.load_profile() == {"name": "Dr A", "npi": "1234567893"}
    assert mode(store.profile_path) == 0o600


def test_data_dir_option_beats_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_data_dir(None) == tmp_path / "env"


def test_default_data_dir_without_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_data_dir(None) == tmp_path / "xdg" / "cmmh"


def test_save_refuses_file_changed_on_disk(store):
    store.save(new_case("a-1", "Ann Example"), now=NOW)
    case = store.load("a-1")
    path = store.case_path("a-1")
    edited = path.read_text() + '\n[hand_notes]\nnote = "typed in an editor"\n'
    path.write_text(edited)
    case["title"] = "from the app"
    with pytest.raises(CaseChanged):
        store.save(case)
    assert path.read_text() == edited


def test_save_after_reload_keeps_hand_edits(store):
    store.save(new_case("a-1", "Ann Example"), now=NOW)
    path = store.case_path("a-1")
    path.write_text(path.read_text() + '\n[hand_notes]\nnote = "kept"\n')
    case = store.load("a-1")
    case["title"] = "from the app"
    store.save(case)
    assert store.load("a-1")["hand_notes"] == {"note": "kept"}


def test_case_path_rejects_path_traversal(store):
    with pytest.raises(CaseNotFound):
        store.case_path("../outside")


def test_parent_folders_created_private(tmp_path):
    store = CaseStore(tmp_path / "a" / "b" / "data")
    store.save(new_case("a-1", "Ann Example"), now=NOW)
    write_private_file(store.exports_dir / "a-1" / "letter.md", b"x")
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "b") == 0o700
    assert mode(store.exports_dir) == 0o700


def test_data_folder_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    store = CaseStore(tmp_path / "file")
    with pytest.raises(StoreError, match="not a folder"):
        store.save(new_case("a-1", "Ann Example"))
    with pytest.raises(StoreError, match="not a folder"):
        store.list_cases()


def test_symlinked_case_file_stays_linked(store, tmp_path):
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('id = "a-1"\n[patient]\nname = "Ann Example"\n')
    store.ensure()
    store.case_path("a-1").symlink_to(elsewhere)
    case = store.load("a-1")
    case["title"] = "edited"
    store.save(case)
    assert store.case_path("a-1").is_symlink()
    assert "edited" in elsewhere.read_text()


def test_stale_temporary_files_removed(store):
    store.save(new_case("a-1", "Ann Example"), now=NOW)
    stale = store.cases_dir / ".a-1.toml.abc123.tmp"
    fresh = store.cases_dir / ".a-1.toml.def456.tmp"
    stale.write_text("old partial write")
    fresh.write_text("save under way")
    old = time.time() - STALE_TEMPORARY_AGE - 60
    os.utime(stale, (old, old))
    store.list_cases()
    assert not stale.exists()
    assert fresh.exists()


def test_carriage_return_survives_save(store):
    case = new_case("a-1", "Ann Example")
    case["clinical"] = {"summary": "line one\r\nline two"}
    store.save(case, now=NOW)
    assert store.load("a-1")["clinical"]["summary"] == "line one\r\nline two"
