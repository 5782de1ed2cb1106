"""Regression: PySide6 6.12.0 on CPython 3.11 decremented None's refcount on every void call.

After about 5,000 calls the interpreter aborted with ``none_dealloc``. We pin
PySide6-Essentials below 6.12 on Python < 3.12; this test fails loudly if a
broken build comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer


def test_void_qt_calls_do_not_leak_references_to_none(qapp) -> None:
    timer = QTimer()
    obj = QObject()
    before = sys.getrefcount(None)
    for i in range(20_000):
        timer.setInterval(i % 100)  # void
        obj.setObjectName("x")  # void
        timer.stop()  # void
    after = sys.getrefcount(None)
    # Immortal-None interpreters (3.12+) report a constant; on 3.11 a broken build
    # would have dropped the count by 60,000.
    assert after >= before - 100
