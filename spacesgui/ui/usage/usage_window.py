"""Space Usage…: where a Space's (or a folder's) bytes go, as a tree with share bars and a treemap."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.formatting import human_count, human_size
from spacesgui.core.usage import FolderUsage
from spacesgui.qtmodels.usage_model import UsageColumn, UsageModel, UsageRole
from spacesgui.services.usage_service import UsageProgress, UsageScan
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.usage.share_bar_delegate import ShareBarDelegate
from spacesgui.ui.usage.treemap_view import TreemapView
from spacesgui.ui.window_keys import close_by_keyboard

# Storage classes in the words people know them by; others are shown as the server names them.
NARROW_WIDTH = 760
CLASS_NAMES = {"STANDARD": "Standard", "GLACIER": "Glacier", "STANDARD_IA": "Infrequent Access"}


class UsageWindow(QWidget):
    """One scan's window. `closed` is emitted when it closes (the scan is stopped then)."""

    closed = Signal()

    def __init__(
        self,
        scan: UsageScan,
        place_name: str,
        rescan: Callable[[], UsageScan],
        open_incomplete: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("spaceUsage")
        self.setAccessibleName("Space usage")
        self.setWindowTitle(f"Usage of {place_name}")
        self.resize(900, 560)
        self._rescan = rescan
        self._open_incomplete = open_incomplete
        self.scan = scan

        self.heading = QLabel(f"<b>{place_name}</b>")
        self.status_label = QLabel("Counting…")
        self.status_label.setObjectName("usageStatus")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("usageStopButton")
        self.again_button = QPushButton("Count Again")
        self.again_button.setObjectName("usageAgainButton")
        self.again_button.hide()

        self.model = UsageModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(UsageRole.SORT)
        self.tree = QTreeView()
        self.tree.setObjectName("usageTree")
        self.tree.setAccessibleName("Folders by size")
        self.tree.setModel(self.proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(UsageColumn.SIZE, Qt.SortOrder.DescendingOrder)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setItemDelegateForColumn(UsageColumn.SHARE, ShareBarDelegate(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(UsageColumn.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((UsageColumn.SIZE, 80), (UsageColumn.OBJECTS, 70), (UsageColumn.SHARE, 100)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.treemap = TreemapView()

        self.classes_label = MutedLabel("")
        self.classes_label.setObjectName("usageClasses")
        self.classes_label.setWordWrap(True)
        self.incomplete_label = QLabel("")
        self.incomplete_label.setObjectName("usageIncomplete")
        self.incomplete_label.setWordWrap(True)
        self.versions_label = QLabel("")  # older versions, in a versioned Space
        self.versions_label.setObjectName("usageVersions")
        self.versions_label.setWordWrap(True)
        self.versions_label.hide()
        self.incomplete_button = QPushButton("Incomplete Uploads…")
        self.incomplete_button.setObjectName("usageIncompleteButton")
        self.incomplete_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.status_label, 1)
        top.addWidget(self.stop_button)
        top.addWidget(self.again_button)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.treemap)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.incomplete_label, 1)
        bottom.addWidget(self.incomplete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.classes_label)
        layout.addWidget(self.versions_label)
        layout.addLayout(bottom)

        self.stop_button.clicked.connect(self._on_stop_clicked)
        self.again_button.clicked.connect(self._on_again_clicked)
        self.incomplete_button.clicked.connect(self._on_incomplete_clicked)
        self.treemap.folder_clicked.connect(self.select_prefix)
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)
        close_by_keyboard(self)
        self._watch(scan)

    # ------------------------------------------------------------------ the scan

    def _watch(self, scan: UsageScan) -> None:
        self.scan = scan
        scan.progress.connect(self._on_scan_progress)
        scan.finished.connect(self._on_scan_finished)
        scan.stopped.connect(self._on_scan_stopped)
        scan.failed.connect(self._on_scan_failed)
        self.model.set_root(None)
        self.treemap.set_folder(None)
        self.classes_label.setText("")
        self.incomplete_label.setText("")
        self.versions_label.hide()
        self.incomplete_button.hide()
        self.status_label.setText("Counting…")
        self.stop_button.show()
        self.stop_button.setEnabled(True)
        self.again_button.hide()

    def _on_scan_progress(self, progress: UsageProgress) -> None:
        self.status_label.setText(
            f"Counting… {human_count(progress.objects, 'object')}, {human_size(progress.size)} so far"
        )

    def _on_scan_finished(self) -> None:
        self._show_totals("")
        self._show_versions()
        incomplete = self.scan.incomplete
        if incomplete is None or incomplete.uploads == 0:
            self.incomplete_label.setText(self.scan.incomplete_note or "No incomplete uploads.")
            return
        text = (
            f"Incomplete uploads: {incomplete.uploads:,}, holding {human_count(incomplete.parts, 'part')}"
            f" and {human_size(incomplete.size)} that can be reclaimed by aborting them."
        )
        if self.scan.incomplete_note:
            text += " " + self.scan.incomplete_note
        self.incomplete_label.setText(text)
        self.incomplete_button.setVisible(self._open_incomplete is not None)

    def _show_versions(self) -> None:
        """Say what older versions hold (not in the totals), or why they were not counted."""
        versions, note = self.scan.versions, self.scan.versions_note
        if versions is None:
            self.versions_label.setText(note)
            self.versions_label.setVisible(bool(note))
            return
        if versions.noncurrent == 0 and versions.delete_markers == 0:
            text = "Versioning: no older versions or delete markers here."
        else:
            text = (
                f"Versioning: {human_count(versions.noncurrent, 'older version')} holding "
                f"{human_size(versions.noncurrent_size)}, and "
                f"{human_count(versions.delete_markers, 'delete marker')}. These are not in the totals "
                "above, but take space and are billed (delete markers take none)."
            )
        self.versions_label.setText(text)
        self.versions_label.show()

    def _on_scan_stopped(self) -> None:
        self._show_totals("Stopped: these totals cover only the objects counted before you stopped. ")
        self.incomplete_label.setText("")

    def _on_scan_failed(self, message: str) -> None:
        self.stop_button.hide()
        self.again_button.show()
        self.status_label.setText(f"Could not count: {message}")

    def _show_totals(self, lead: str) -> None:
        root = self.scan.tally.root
        folders = _folder_count(root)
        self.status_label.setText(
            f"{lead}{human_count(root.count, 'object')}, {human_size(root.size)}"
            f" in {human_count(folders, 'folder')}"
        )
        self.stop_button.hide()
        self.again_button.show()
        self.model.set_root(root)
        self.treemap.set_folder(root)
        classes = self.scan.tally.by_storage_class()
        self.classes_label.setText(
            "By storage class: "
            + " · ".join(
                f"{CLASS_NAMES.get(c.storage_class, c.storage_class)} {human_size(c.size)}"
                f" ({human_count(c.count, 'object')})"
                for c in classes
            )
            if classes
            else "No objects here."
        )

    def _on_stop_clicked(self) -> None:
        self.stop_button.setEnabled(False)
        self.status_label.setText("Stopping…")
        self.scan.stop()

    def _on_again_clicked(self) -> None:
        self._watch(self._rescan())

    def _on_incomplete_clicked(self) -> None:
        if self._open_incomplete is not None:
            self._open_incomplete()

    # ------------------------------------------------------------------ tree and treemap

    def select_prefix(self, prefix: str) -> bool:
        """Select the tree row of folder `prefix` (expanding its parents); False if it is not shown."""
        parent = QModelIndex()
        while True:
            found = None
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                row_prefix = index.data(UsageRole.PREFIX)
                if row_prefix and prefix.startswith(row_prefix):
                    found = index
                    break
            if found is None:
                return False
            if found.data(UsageRole.PREFIX) == prefix:
                self.tree.setCurrentIndex(found)
                self.tree.scrollTo(found)
                return True
            self.tree.expand(found)
            parent = found

    def _on_tree_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        index = self.tree.currentIndex()
        prefix = index.data(UsageRole.PREFIX) if index.isValid() else ""
        folder = _find(self.scan.tally.root, prefix) if prefix else None
        if folder is None:
            self.treemap.set_folder(self.scan.tally.root if not self.scan.running else None)
        elif folder.children:
            self.treemap.set_folder(folder)
        else:  # a folder with no folders inside: show it among its siblings
            self.treemap.set_folder(_parent_of(self.scan.tally.root, folder), highlight=folder.prefix)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Side by side when there is room; in a narrow window the treemap goes below the tree,
        # so folder names keep their width.
        narrow = event.size().width() < NARROW_WIDTH
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)
        super().resizeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.scan.stop()
        self.closed.emit()
        super().closeEvent(event)


def _folder_count(folder: FolderUsage) -> int:
    count, stack = 0, list(folder.children.values())
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(node.children.values())
    return count


def _find(root: FolderUsage, prefix: str) -> FolderUsage | None:
    node: FolderUsage | None = root
    while node is not None and node.prefix != prefix:
        node = next((c for c in node.children.values() if prefix.startswith(c.prefix)), None)
    return node


def _parent_of(root: FolderUsage, folder: FolderUsage) -> FolderUsage:
    node = root
    while folder.name not in node.children or node.children[folder.name] is not folder:
        step = next((c for c in node.children.values() if folder.prefix.startswith(c.prefix)), None)
        if step is None:
            return root
        node = step
    return node
