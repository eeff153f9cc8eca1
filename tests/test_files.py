"""Atomic file writes: the old file stays whole when writing the new one fails half-way."""

from __future__ import annotations

from pathlib import Path

import pytest

from quaero_desktop.files import atomic_writer, write_text_atomically


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    write_text_atomically(path, "old = 1\n")
    with pytest.raises(OSError, match="No space left"), atomic_writer(path) as handle:
        handle.write("new = ")
        raise OSError(28, "No space left on device")
    assert path.read_text(encoding="utf-8") == "old = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]
    write_text_atomically(path, "new = 2\n")
    assert path.read_text(encoding="utf-8") == "new = 2\n"
