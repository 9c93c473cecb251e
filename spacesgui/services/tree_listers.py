"""How a store lists a whole folder tree: its own TreeLister, or pages made of `iter_objects`."""

from __future__ import annotations

from collections.abc import Iterator

from spacesgui.core.listing import ListingPage
from spacesgui.core.ports import TransferStore, TreeLister


def default_lister(store: TransferStore) -> TreeLister:
    """The store's own tree listing; a store without one lists with `iter_objects` instead."""
    if isinstance(store, TreeLister):
        return store
    return EntryLister(store)


class EntryLister:
    """A TreeLister over TransferStore.iter_objects, for stores without their own."""

    def __init__(self, store: TransferStore) -> None:
        self._store = store

    def iter_tree(self, bucket: str, prefix: str) -> Iterator[ListingPage]:
        page = ListingPage()
        for entry in self._store.iter_objects(bucket, prefix):
            page.add_object(entry)
            if len(page.keys) >= 1000:
                yield page
                page = ListingPage()
        yield page
