"""What Quaero Desktop asks before it stops: quitting while crawls run, closing the window with no tray.

The desktop app (``desktop_app.py``) decides when to ask; the questions' texts and the answers they offer
live here. Quitting detaches the running crawls (``App.close(detach=True, resume_on_start=True)``): they
are left interrupted and continue where they stopped at the next start, so the question says that.
"""

from __future__ import annotations

from quaero_desktop.gui.dialogs import Dialogs

KEEP_RUNNING = "Keep crawling in the background"
QUIT = "Quit"
DONT_ASK_AGAIN = "Don't ask again"
NO_TRAY_QUESTION = (
    "This desktop shows no system tray, so Quaero Desktop has no icon while its window is closed.\n\n"
    "Keep crawling in the background: running crawls and schedules go on, and notifications "
    "still arrive. Start Quaero Desktop again (from your applications menu, or quaero-desktop) "
    "to bring this window back.\n\n"
    "Quit: Quaero Desktop stops; running crawls continue at its next start."
)
QUIT_TITLE = "Quit Quaero Desktop?"
QUIT_ANYWAY = "Quit anyway"


def running_crawls_question(running: int) -> str:
    crawls = "1 crawl is" if running == 1 else f"{running} crawls are"
    they = "It continues" if running == 1 else "They continue"
    return (
        f"{crawls} running. Quit anyway?\n\n"
        f"{they} where {'it' if running == 1 else 'they'} stopped the next time Quaero Desktop starts."
    )


async def ask_to_quit_while_crawling(dialogs: Dialogs, running: int) -> tuple[bool, bool]:
    """(quit, don't ask again): Cancel keeps the program running, and remembers nothing."""
    answer, remember = await dialogs.choose_remembered(
        QUIT_TITLE, running_crawls_question(running), [QUIT_ANYWAY], DONT_ASK_AGAIN
    )
    return answer == QUIT_ANYWAY, answer == QUIT_ANYWAY and remember
