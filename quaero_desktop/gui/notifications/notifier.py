"""Showing notices on the desktop: a small interface, with the platform's service behind it.

``Notifier`` is what the desktop app uses and tests replace. Implementations:
``freedesktop.FreedesktopNotifier`` (Linux: the org.freedesktop.Notifications D-Bus service),
``native.NativeNotifier`` (macOS and Windows notification centres through desktop-notifier) and
``balloon.BalloonNotifier`` (Qt's tray balloon); ``fallback.platform_notifiers`` chains them. This
module holds only what they share, so they import it and it imports none of them.
Why these: docs/architecture.md, "Notifications".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from quaero_desktop.gui.notifications.notices import Notice

ClickHandler = Callable[[str], None]  # called with the clicked notice's key (a job id)


class NotifierUnavailable(Exception):
    """The platform's notification service cannot be reached (use the next notifier)."""


class Notifier(Protocol):
    @property
    def name(self) -> str:
        """What the user would call it, for the log."""

    def on_clicked(self, handler: ClickHandler) -> None:
        """Call ``handler(key)`` on the GUI thread when the user clicks a notice."""

    async def show(self, notice: Notice) -> None:
        """Show ``notice``, replacing the earlier one with the same key; NotifierUnavailable if it cannot."""

    async def close(self) -> None: ...
