"""Export of rendered documents to Markdown files, recorded in the case."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from cmmh_tui.model import Case
from cmmh_tui.rendering import render_document
from cmmh_tui.store import CaseStore, make_private_folder, write_private_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    """A document written to disk and the fields it was missing."""

    name: str
    path: Path
    missing: list[str]


def export_document(
    store: CaseStore,
    case: Case,
    name: str,
    out_dir: Path | None = None,
    *,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Render one document of a case to `OUT_DIR/CASE_ID/NAME.md` and record it.

    The export is added to the case's `documents` table and the case is saved,
    so the file records when each document was produced and from which
    template version.

    Raises:
        UnknownDocument: when `name` is not a known document.
        StoreError: when the file or the case cannot be written.
    """
    rendered = render_document(case, name, today=(now or _now()).date())
    folder = (out_dir or store.exports_dir) / str(case["id"])
    make_private_folder(folder)
    path = folder / f"{name}.md"
    write_private_file(path, rendered.text.encode("utf-8"))
    record = {
        "name": name,
        "template_version": rendered.template_version,
        "created": (now or _now()).replace(microsecond=0),
        "path": str(path),
    }
    case.setdefault("documents", []).append(record)
    store.save(case, now=now)
    log.info("exported %s for case %s", name, case["id"])
    return ExportResult(name, path, rendered.missing)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
