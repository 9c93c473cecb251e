"""Copy CDN URL and Purge CDN Cache for the selected files and folders of a Space with a CDN.

Both are offered only when the Space is known to have a CDN endpoint: the lookup runs in
the background when a DigitalOcean Space is opened (once per Space, then cached by the
service). GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QWidget

from spacesgui.core.do_api import CdnEndpoint
from spacesgui.services.do_api_service import DoApiService
from spacesgui.ui.browser_context import BrowserContext


class CdnActions(QObject):
    """The two CDN commands of the object menu, over a DoApiService."""

    def __init__(self, context: BrowserContext, service: DoApiService, parent: QWidget) -> None:
        super().__init__(parent)
        self._context, self.service = context, service
        self.purge_action = QAction("Purge CDN Cache", parent)
        self.purge_action.setObjectName("purgeCdnAction")
        self.purge_action.setStatusTip("Make the CDN fetch the selected files (and folders' files) afresh")
        self.purge_action.triggered.connect(self.purge_selected)

    def look_up(self) -> None:
        """Learn in the background whether the open Space has a CDN endpoint."""
        place = self._context.place
        if place is not None and place.bucket:
            self.service.look_up(place.account_id, place.bucket)

    def has_endpoint(self, account_id: str, bucket: str) -> bool:
        """Whether `bucket` is known to have a CDN endpoint (no request; a lookup may start)."""
        if isinstance(self.service.cached_endpoint(account_id, bucket), CdnEndpoint):
            return True
        self.service.look_up(account_id, bucket)
        return False

    def endpoint(self) -> CdnEndpoint | None:
        """The open Space's endpoint, when it is known to have one."""
        place = self._context.place
        if place is None or not place.bucket:
            return None
        known = self.service.cached_endpoint(place.account_id, place.bucket)
        if isinstance(known, CdnEndpoint):
            return known
        self.look_up()  # not known yet: the next menu will know
        return None

    def _selected_keys(self) -> list[str]:
        refs = self._context.selected_refs()
        return [r.key + "/" if r.is_folder and not r.key.endswith("/") else r.key for r in refs]

    def copy_urls(self) -> None:
        endpoint = self.endpoint()
        keys = [key for key in self._selected_keys() if not key.endswith("/")]
        if endpoint is not None and keys:
            QGuiApplication.clipboard().setText("\n".join(endpoint.url(key) for key in keys))

    def purge_selected(self) -> None:
        place = self._context.place
        keys = self._selected_keys()
        if place is None or not place.bucket or not keys:
            return
        self._context.spawn(self._purge(place.account_id, place.bucket, keys))

    async def _purge(self, account_id: str, bucket: str, keys: list[str]) -> None:
        count = await self.service.purge(account_id, bucket, keys)
        what = f"{count} path{'s' if count != 1 else ''}"
        self._context.show_message(
            f"CDN cache purged for {what} of “{bucket}”: the CDN fetches them afresh on the next request."
        )
