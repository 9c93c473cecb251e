"""What the status bar and the empty object view say about the open folder."""

from __future__ import annotations

from spacesgui.core.folder_node import LoadState
from spacesgui.core.formatting import folder_summary, human_count
from spacesgui.qtmodels.object_model import ObjectTreeModel
from spacesgui.ui.browser.selection import Selection


def status_texts(
    model: ObjectTreeModel,
    accounts: int,
    selection: Selection | None = None,
    find_keys: str = "",
    *,
    unstored: bool = False,
) -> tuple[str, str]:
    """(status bar summary, what the empty view says) for the open folder of `model`.

    `find_keys`: Find in Space's shortcut as this system writes it, named when a filter
    finds nothing here (the filter looks in this folder only). `unstored`: the open folder
    holds nothing and has no placeholder either (see folder_presence): a mistyped path.

    With two rows or more selected, the summary is the selection's (“3 of 1,200 items
    selected · 4.5 MB”): one row is where the cursor is after a click, the folder's sum says more.
    """
    root = model.root
    if not model.bucket:
        return human_count(accounts, "account"), ""
    total_objects, total_folders = len(root.names), len(root.folders)
    if model.is_loading():
        return f"Loading… {total_objects + total_folders:,} items so far", "Loading…"
    if root.state == LoadState.FAILED:
        return "Could not list this folder (F5 tries again)", "This folder could not be listed."
    if selection is not None and selection.count > 1:
        return selection.summary(), ""
    deleted = root.deleted.count(1) + sum(f.only_deleted for f in root.folders)
    if deleted:  # shown greyed on request: counted apart, their sizes not in the total
        size = sum(s for s, gone in zip(root.sizes, root.deleted, strict=True) if not gone)
        live_objects = total_objects - root.deleted.count(1)
        summary = folder_summary(live_objects, total_folders - (deleted - root.deleted.count(1)), size)
        summary += f" · {deleted:,} deleted"
    else:
        summary = folder_summary(total_objects, total_folders, root.total_size())
    if model.filter_text:
        shown = f"Showing {root.row_count():,} of {total_objects + total_folders:,} items · "
        find = f"Find in Space ({find_keys})" if find_keys else "Find in Space"
        return shown + summary, (
            f"Nothing here matches “{model.filter_text}”.\n"
            f"The filter looks in this folder; {find} looks in every folder."
        )
    if unstored:
        return "Nothing stored here", (
            f"Nothing is stored in “{root.prefix}”.\n"
            "Check the path: a folder exists only while something is in it, or once New Folder made it."
        )
    return summary, "This folder is empty."
