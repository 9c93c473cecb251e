"""An account's CA certificate path is used only as a full path, never from the folder the app started in."""

from __future__ import annotations

from pathlib import Path

import pytest

from spacesgui.adapters.tls_trust import botocore_verify
from spacesgui.core.errors import InvalidInput
from tests.tls_certs import make_private_ca, tls_account


def test_a_relative_ca_path_is_refused_even_when_the_working_folder_holds_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_private_ca(tmp_path)  # a usable ca.pem right in the working folder
    monkeypatch.chdir(tmp_path)

    with pytest.raises(InvalidInput) as caught:
        botocore_verify(tls_account("https://127.0.0.1:9", "ca.pem"))

    assert "“ca.pem”" in caught.value.message
    assert "not a full path" in caught.value.message
    assert botocore_verify(tls_account("https://127.0.0.1:9", str(tmp_path / "ca.pem"))) == str(
        tmp_path / "ca.pem"
    )
