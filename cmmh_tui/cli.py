"""The `cmmh` command: opens the TUI, or imports, checks, lists and exports cases.

The non-interactive commands never import Textual, so they start fast in scripts.
Exit status: 0 on success, 1 on invalid input, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cmmh_tui import __version__
from cmmh_tui.model import Case, insurer_name, patient_name
from cmmh_tui.store import (
    DATA_DIR_ENV,
    CaseNotFound,
    CaseStore,
    StoreError,
    resolve_data_dir,
    serialise_case,
)
from cmmh_tui.validation import CaseFileError, Problem, load_case_text

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

LETTER = "medical-necessity-letter"


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for `cmmh` and its subcommands."""
    data_dir = argparse.ArgumentParser(add_help=False)
    data_dir.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"data folder for cases and exports (default: ${DATA_DIR_ENV}, "
        "else the per-user data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="cmmh",
        description="Build medical necessity letters and track insurer reviews for "
        "mental-health cases. Without a command, opens the terminal app.",
        parents=[data_dir],
    )
    parser.add_argument("--version", action="version", version=f"cmmh {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    importer = commands.add_parser(
        "import",
        parents=[data_dir],
        help="validate case files and store them in the data folder",
        description="Validate case files and store them in the data folder. "
        "Nothing is stored unless every file is valid.",
    )
    importer.add_argument("files", nargs="+", metavar="FILE", type=Path)
    importer.add_argument(
        "--replace", action="store_true", help="replace cases that already exist"
    )

    checker = commands.add_parser(
        "check",
        parents=[data_dir],
        help="validate case files without storing them",
    )
    checker.add_argument("files", nargs="+", metavar="FILE", type=Path)

    lister = commands.add_parser(
        "list", parents=[data_dir], help="list cases: id, patient, insurer, status"
    )
    lister.add_argument("--json", action="store_true", help="print JSON instead")

    exporter = commands.add_parser(
        "export",
        parents=[data_dir],
        help="render a case's documents to Markdown files",
        description="Render documents to DIR/CASE_ID/NAME.md and print each path.",
    )
    exporter.add_argument("case_id", metavar="CASE_ID")
    exporter.add_argument(
        "--document",
        action="append",
        metavar="NAME",
        help=f"document to export; repeat for several (default: {LETTER})",
    )
    exporter.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="folder to write into (default: exports/ in the data folder)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `cmmh` command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "data_dir", None) == "":
        parser.error("--data-dir needs a folder path, not an empty string")
    if getattr(args, "out", None) == Path(""):
        parser.error("--out needs a folder path, not an empty string")
    store = CaseStore(resolve_data_dir(getattr(args, "data_dir", None)))
    handlers = {
        "import": run_import,
        "check": run_check,
        "list": run_list,
        "export": run_export,
    }
    if args.command is None:
        return run_app(store)
    try:
        return handlers[args.command](store, args)
    except StoreError as error:
        print(f"cmmh: {error}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away (as with `cmmh list | head`); stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        print(f"cmmh: {error}", file=sys.stderr)
        return EXIT_INVALID


def run_app(store: CaseStore) -> int:
    """Open the terminal app on the data folder."""
    from cmmh_tui.app import CmmhApp

    try:
        store.ensure()
    except (OSError, StoreError) as error:
        print(
            f"cmmh: cannot use the data folder {store.root}: {error}", file=sys.stderr
        )
        return EXIT_INVALID
    app = CmmhApp(store.root)
    app.run()
    return app.return_code or EXIT_OK


def _read_case_file(path: Path) -> tuple[Case | None, list[Problem]]:
    """Read and validate a case file, including the check that it can be saved."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem("", "file not found")]
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem("", f"cannot be read: {error}")]
    try:
        case, warnings = load_case_text(text, str(path))
        serialise_case(case)
    except CaseFileError as error:
        return None, error.problems
    except StoreError as error:
        return None, [Problem("", str(error))]
    return case, warnings


def _print_problems(source: Path, problems: list[Problem]) -> None:
    for problem in problems:
        print(problem.describe(str(source)), file=sys.stderr)


def run_check(store: CaseStore, args: argparse.Namespace) -> int:
    """Validate files and report every problem; store nothing."""
    status = EXIT_OK
    for path in args.files:
        case, problems = _read_case_file(path)
        _print_problems(path, problems)
        if case is None:
            status = EXIT_INVALID
        else:
            print(f"{path}: valid case {case['id']}")
    return status


def run_import(store: CaseStore, args: argparse.Namespace) -> int:
    """Validate every file first, then store them all, or none if any is invalid."""
    cases: list[tuple[Path, Case]] = []
    failed = False
    seen: dict[str, Path] = {}
    for path in args.files:
        case, problems = _read_case_file(path)
        _print_problems(path, problems)
        if case is None:
            failed = True
            continue
        case_id = str(case["id"])
        if case_id in seen:
            print(
                f"{path}: id: {case_id!r} is also the id of {seen[case_id]}; "
                "give each case its own id",
                file=sys.stderr,
            )
            failed = True
            continue
        seen[case_id] = path
        if store.exists(case_id) and not args.replace:
            print(
                f"{path}: id: a case {case_id!r} already exists in {store.cases_dir}; "
                "use --replace to overwrite it",
                file=sys.stderr,
            )
            failed = True
            continue
        try:
            store.prepare_save(case)
        except (CaseFileError, StoreError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed = True
            continue
        cases.append((path, case))
    if failed:
        print("cmmh: nothing was imported", file=sys.stderr)
        return EXIT_INVALID
    for _path, case in cases:
        store.save(case)
        print(case["id"])
    return EXIT_OK


def _list_row(entry: Any) -> dict[str, Any]:
    if entry.case is None:
        return {
            "id": entry.case_id,
            "patient": "",
            "insurer": "",
            "status": "unreadable",
            "path": str(entry.path),
            "error": entry.reason,
        }
    case = entry.case
    return {
        "id": entry.case_id,
        "patient": patient_name(case),
        "insurer": insurer_name(case),
        "status": str(case.get("status", "")),
        "path": str(entry.path),
        "error": None,
    }


def run_list(store: CaseStore, args: argparse.Namespace) -> int:
    """Print every case in the data folder, unreadable ones included."""
    rows = [_list_row(entry) for entry in store.list_cases()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    if not rows:
        print(f"no cases in {store.cases_dir}", file=sys.stderr)
        return EXIT_OK
    headers = ("ID", "PATIENT", "INSURER", "STATUS")
    keys = ("id", "patient", "insurer", "status")
    widths = [
        max(len(header), *(len(row[key]) for row in rows))
        for header, key in zip(headers, keys, strict=True)
    ]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        print(
            "  ".join(
                row[k].ljust(w) for k, w in zip(keys, widths, strict=True)
            ).rstrip()
        )
        if row["error"]:
            for line in row["error"].splitlines():
                print(f"  {row['path']}: {line}", file=sys.stderr)
    return EXIT_OK


def run_export(store: CaseStore, args: argparse.Namespace) -> int:
    """Export documents of one case and print each path written."""
    from cmmh_tui.export import export_document
    from cmmh_tui.rendering import DOCUMENTS

    names = args.document or [LETTER]
    unknown = [name for name in names if name not in DOCUMENTS]
    if unknown:
        print(
            f"cmmh export: unknown document {', '.join(unknown)}; known documents: "
            + ", ".join(sorted(DOCUMENTS)),
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        case = store.load(args.case_id)
    except CaseNotFound as error:
        print(f"cmmh export: {error}; `cmmh list` shows the ids", file=sys.stderr)
        return EXIT_INVALID
    except CaseFileError as error:
        _print_problems(Path(error.source), error.problems)
        return EXIT_INVALID
    for name in names:
        result = export_document(store, case, name, args.out)
        print(result.path)
        for label in result.missing:
            print(f"{args.case_id}: {name}: missing: {label}", file=sys.stderr)
    return EXIT_OK
