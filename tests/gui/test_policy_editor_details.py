"""The policy editor names the real JSON fault, and Delete Policy needs a policy (trial item 11)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pytestqt.qtbot import QtBot

from spacesgui.app import App
from spacesgui.core.accounts import Account
from spacesgui.ui.settings.policy_section import PolicySection
from tests.gui.test_space_settings import open_from_sidebar, page


def test_a_bracket_that_does_not_close_is_named_and_delete_policy_waits_for_a_stored_policy(
    browse_moto: Callable[[Iterable[str]], App], qtbot: QtBot, moto_account: Account, moto_bucket: str
) -> None:
    app = browse_moto([])
    window = open_from_sidebar(qtbot, app, moto_account.id, moto_bucket)
    policy = page(window, "Policy", PolicySection)
    assert isinstance(policy, PolicySection)
    assert policy.loaded == ""  # the Space has no policy
    assert not policy.delete_button.isEnabled()

    policy.editor.setPlainText('{"Version": "2012-10-17", "Statement": [}')

    said = policy.problems_label.text()
    assert said == "Line 1, column 41: “}” does not close the “[” before it: “]” was expected."
    assert "comma" not in said  # there is none
    assert not policy.delete_button.isEnabled()  # nothing on the server to delete
    assert "no policy to delete" in policy.delete_button.toolTip()
