"""The Pages table exported as a CSV file: the rows it shows (its filters and sort) and the columns it shows (in their
order), with the texts the table shows. The rows are read on the GUI thread (the table's own values, a few
milliseconds for 10,000), the file is written on a worker thread, whole or not at all."""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from quaero_desktop.gui.async_tasks import in_thread
from quaero_desktop.gui.dialogs import Dialogs
from quaero_desktop.gui.job_detail.child_rows import HEADERS, ChildColumn, display_text
from quaero_desktop.gui.job_detail.children_model import ChildrenTableModel
from quaero_desktop.humanize import count_noun


def suggested_file_name(job_name: str) -> str:
    """``<job name> pages.csv``, with characters no file system takes (/ \\ : * ? " < > |) made dashes."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", job_name).strip(" .-") or "job"
    return f"{stem[:100]} pages.csv"


def table_rows(model: ChildrenTableModel, columns: list[ChildColumn]) -> list[list[str]]:
    """The header and each shown row, as the table shows them."""
    rows = [[HEADERS[column] for column in columns]]
    for visible in range(model.rowCount()):
        row = model.row_at(visible)
        rows.append([str(display_text(row, column)) for column in columns])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """On a worker thread: ``rows`` into ``path`` (UTF-8 with a byte-order mark, which spreadsheet programs
    need to read it as UTF-8), through a temporary file beside it, so a failed write leaves no half file."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows(rows)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


async def export_pages(
    dialogs: Dialogs, job_name: str, model: ChildrenTableModel, columns: list[ChildColumn], alive: Callable[[], bool]
) -> None:
    """Ask for a file, write the rows the table shows into it and say where (or why not). ``alive``: False once
    the table's window closed while the file dialog was open."""
    path = await dialogs.save_file("Export pages to CSV", suggested_file_name(job_name), "CSV files (*.csv)")
    if path is None or not alive():
        return
    rows = table_rows(model, columns)
    try:
        await in_thread(write_csv, path, rows)
    except OSError as exc:
        dialogs.error(
            "Pages not exported",
            f"Could not write {path}: {exc.strerror or exc}. Choose another folder or file name.",
        )
        return
    pages = len(rows) - 1
    dialogs.info("Pages exported", f"{count_noun(pages, 'page')} written to {path}", folder=path.parent)
