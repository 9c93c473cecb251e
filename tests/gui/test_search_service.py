"""SearchService on its own: the lister behind the TreeLister port can be replaced (issue 11's parallel lister)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pytestqt.qtbot import QtBot

from spacesgui.adapters.s3_store import S3Store
from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.core.listing import ListingPage
from spacesgui.core.ports import ObjectStore, TreeLister
from spacesgui.core.search import SearchCriteria
from spacesgui.services.search_service import SearchProgress, SearchRequest, SearchService


class ReversedPagesLister:
    """Stands in for a parallel lister: the same pages, in another order, one top folder at a time."""

    def __init__(self, store: S3Store) -> None:
        self.store = store
        self.used = 0

    def iter_tree(self, bucket: str, prefix: str) -> Iterator[ListingPage]:
        self.used += 1
        for top in ("c/", "b/", "a/"):
            yield from self.store.iter_tree(bucket, prefix + top, page_size=3)


def test_another_tree_lister_can_stand_in_and_finds_the_same_matches(
    build_window: Callable[[], App], open_account: Callable[[App, Account], None], moto_account: Account,
    moto_store: S3Store, moto_bucket: str, qtbot: QtBot,
) -> None:  # fmt: skip
    keys = [
        f"{top}/{sub}/{name}"
        for top in "abc"
        for sub in ("x", "y")
        for name in ("hit-1.txt", "miss.txt", "HIT-2.md")
    ]
    for key in keys:
        moto_store.client.put_object(Bucket=moto_bucket, Key=key, Body=b"12345")
    app = build_window()
    open_account(app, moto_account)
    listers: list[ReversedPagesLister] = []

    def lister_for(store: ObjectStore) -> TreeLister:
        assert isinstance(store, S3Store)
        listers.append(ReversedPagesLister(store))
        return listers[-1]

    service = SearchService(app.runner, app.accounts, app.window, lister_for=lister_for)
    found: list[str] = []
    totals: list[SearchProgress] = []
    service.progress.connect(lambda _id, progress: found.extend(progress.hits.keys))
    service.finished.connect(lambda _id, total: totals.append(total))
    failures: list[Any] = []
    service.failed.connect(lambda _id, error: failures.append(error))
    service.start(SearchRequest(moto_account.id, moto_bucket, "", SearchCriteria("hit-")))
    qtbot.waitUntil(lambda: bool(totals or failures), timeout=30_000)
    assert not failures
    assert listers[0].used == 1
    assert sorted(found) == sorted(k for k in keys if "hit-" in k.lower())
    assert found[0].startswith("c/")  # in the lister's order, not re-sorted
    assert (totals[0].searched, totals[0].matched) == (len(keys), 12)
