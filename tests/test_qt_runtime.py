"""Guards against Qt binding bugs that would crash the window at run time or at exit."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal

pytestmark = pytest.mark.gui


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_signals_does_not_steal_references_to_true(qapp):
    # PySide6 6.12.0 returned True from Signal.emit() without a reference: each emit dropped
    # one, and on Python 3.11 the interpreter aborted ("bool_dealloc") once they ran out.
    emitter = _Emitter()
    emitter.fired.connect(lambda _value: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit({})
    assert sys.getrefcount(True) >= before - 5
