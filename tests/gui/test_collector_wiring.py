"""The built app's long-lived objects are out of the garbage collector's full walks."""

from __future__ import annotations

import gc
from collections.abc import Callable

from spacesgui.adapters.collector import frozen_for
from spacesgui.app import App, make_store
from spacesgui.demo.server import DEMO_CREDENTIALS, demo_account


def test_a_built_app_has_its_long_lived_objects_frozen_out_of_full_collections(
    build_window: Callable[..., App],
) -> None:
    app = build_window()

    assert app.window.isVisible()
    # A full collection walks every tracked object holding the GIL: with the app's skeleton
    # frozen it no longer freezes the window for ~100 ms (bench/search.py).
    assert "the app built" in frozen_for()  # once per process: an earlier test's app may have done it
    assert gc.get_freeze_count() > 10_000


def test_the_first_s3_client_freezes_botocore_s_model_out_of_full_collections(moto_endpoint: str) -> None:
    store = make_store(demo_account(moto_endpoint), DEMO_CREDENTIALS)

    assert store.list_buckets() is not None  # a working client, built as the app builds it
    assert "the first S3 client" in frozen_for()  # once per process: an earlier test may have done it
