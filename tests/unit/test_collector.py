"""Long-lived objects are frozen out of the collector's full walks, once per fixed point."""

from __future__ import annotations

import gc

from spacesgui.adapters.collector import freeze_long_lived


def test_freezing_takes_what_is_alive_out_of_full_collections_once_per_reason() -> None:
    skeleton = [{"shape": index} for index in range(1000)]  # like botocore's model: containers for life
    assert any(entry is skeleton for entry in gc.get_objects())

    assert freeze_long_lived("a test's skeleton")

    assert not any(entry is skeleton for entry in gc.get_objects())  # a full collection no longer walks it
    later = [{"made": "after"}]
    assert not freeze_long_lived("a test's skeleton")  # once per reason: the frozen set stays bounded
    assert any(entry is later for entry in gc.get_objects())
    # Not unfrozen afterwards: that would also thaw what the app froze, in a shared test process.
