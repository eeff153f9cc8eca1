"""What the Logins view does with the vault: capture, import, delete (the flows pattern of
gui/jobs/job_flows.py: built from the context alone, no widget touched, results returned)."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Awaitable, Callable

from quaero_desktop.crawler.browser.login_capture import CapturedLogin, LoginCapture
from quaero_desktop.gui.async_tasks import engine_result, in_thread
from quaero_desktop.gui.context import GuiContext
from quaero_desktop.gui.logins.login_form import LoginRequest
from quaero_desktop.services.logins import SavedLogin


class LoginFlows:
    def __init__(self, context: GuiContext) -> None:
        self._context = context

    def start_capture(
        self,
        request: LoginRequest,
        *,
        headless: bool = False,
        on_page: Callable[[object], Awaitable[None]] | None = None,
    ) -> tuple[LoginCapture, concurrent.futures.Future[CapturedLogin]]:
        """Open the browser window on the engine's thread; the future resolves when the user is done."""
        app = self._context.app
        return app.logins.start_capture(
            request.source, browser_path=app.settings.browser_path or None, headless=headless, on_page=on_page
        )

    async def save_capture(
        self, request: LoginRequest, finished: concurrent.futures.Future[CapturedLogin]
    ) -> SavedLogin:
        captured = await engine_result(finished)
        logins = self._context.app.logins
        saved = await in_thread(
            lambda: logins.save_captured(request.auth_id, captured, url=request.source, name=request.name)
        )
        self._tell_saved(request.auth_id, saved)
        return saved

    async def import_file(self, request: LoginRequest) -> SavedLogin:
        logins = self._context.app.logins
        saved = await in_thread(lambda: logins.import_file(request.auth_id, request.source, name=request.name))
        self._tell_saved(request.auth_id, saved)
        return saved

    async def delete(self, auth_id: str) -> bool:
        """Delete a login from the keyring after asking; False when the user kept it."""
        confirmed = await self._context.dialogs.confirm(
            "Delete login",
            f"Delete the login '{auth_id}' from the keyring? Definitions that use it will fail until you "
            "capture or import it again.",
            ok="Delete",
        )
        if confirmed:
            await in_thread(self._context.app.logins.delete, auth_id)
        return confirmed

    def _tell_saved(self, auth_id: str, saved: SavedLogin) -> None:
        verb = "Replaced the saved login" if saved.replaced else "Saved the login"
        skipped = f"\n\n{len(saved.skipped)} entries were skipped." if saved.skipped else ""
        self._context.dialogs.info("Login saved", f"{verb} '{auth_id}': {saved.description}.{skipped}")
