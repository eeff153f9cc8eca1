"""Shared by the job detail window's tests (tests/test_gui_job_detail*.py): a table model's column
as the texts it shows, row by row."""

from __future__ import annotations


def _column(model, column: int) -> list[str]:
    return [str(model.index(row, column).data()) for row in range(model.rowCount())]
