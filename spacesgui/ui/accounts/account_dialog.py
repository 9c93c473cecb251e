"""Add or edit an account: provider, region, endpoint, keys; test before saving."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.accounts import PROVIDERS, Account, AddressingStyle, check_endpoint_url, provider
from spacesgui.core.errors import SpacesError
from spacesgui.core.naming import bucket_name_problem
from spacesgui.core.transfers import PRIVATE, PUBLIC_READ, check_cache_control
from spacesgui.qtmodels.legible_colors import status_text
from spacesgui.services.account_service import ConnectionReport
from spacesgui.ui.accounts.ca_bundle_row import CaBundleRow
from spacesgui.ui.disclosure import Disclosure
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import DialogGrowth

Tester = Callable[[Account, str], Awaitable[ConnectionReport]]
Saver = Callable[[Account, str, bool], None]  # account, secret, remember in keyring
Spawner = Callable[[Awaitable[None]], object]


PROVIDER_HINTS = {
    "digitalocean": "DigitalOcean: create keys under API → Spaces Keys in the control panel; the secret is shown only once there.",
    "aws": "Amazon S3: use an IAM user's access key, from the IAM console.",
    "r2": "Cloudflare R2: create an API token under R2 → Manage R2 API Tokens; put your account id in the endpoint.",
    "b2": "Backblaze B2: create an application key under App Keys; its key ID is the access key.",
    "wasabi": "Wasabi: create an access key under Access Keys in the Wasabi console.",
    "minio": "MinIO: the server's address (e.g. http://localhost:9000) and an access key from its console.",
    "custom": "Any S3-compatible server: its address, and an access key and secret it accepts.",
}
KEYRING_NOTE = " Secrets are kept in your system keyring, never in a file."
# One sentence: the whole story (the backend found, how to install one) was nine lines here;
# it is the tick box's tooltip, and the log's.
KEYRING_MISSING_NOTE = (
    " No usable system keyring was found, so a secret key is kept only until you quit "
    "(point at the tick box for how to fix that)."
)


class AccountDialog(QDialog):
    """Collects an Account and its secret. Open with `open()`; read `account()` and `secret()`."""

    def __init__(
        self,
        tester: Tester,
        spawn: Spawner,
        parent: QWidget | None = None,
        account: Account | None = None,
        saver: Saver | None = None,
        keyring_problem: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("accountDialog")
        self.setWindowTitle("Edit Account" if account else "Add Account")
        self.setMinimumWidth(520)
        self._tester, self._spawn, self._saver = tester, spawn, saver
        self._existing_id = account.id if account else ""
        self._keyring_problem = keyring_problem  # '' when the keyring can keep secrets
        self.saved: Account | None = None  # the account as saved, once Save succeeded
        self._endpoint_touched = False
        # Why Test Connection failed with the values as they stand ('' when it did not, or
        # they changed since): Save then asks before keeping an account that cannot connect.
        self._test_failure = ""
        self._values_seen = 0  # counts edits: a test's result is for the values it started with
        self.save_anyway_box: QMessageBox | None = None

        self.provider_combo = named(QComboBox(), "providerCombo")
        for p in PROVIDERS:
            self.provider_combo.addItem(p.label, p.key)
        self.region_combo = named(QComboBox(editable=True), "regionCombo")
        self.endpoint_edit = named(
            QLineEdit(placeholderText="https://nyc3.digitaloceanspaces.com"), "endpointEdit"
        )
        self.addressing_combo = named(QComboBox(), "addressingCombo")
        for style, label in (
            (AddressingStyle.AUTO, "Automatic"),
            (AddressingStyle.VIRTUAL, "Virtual-hosted (bucket.host)"),
            (AddressingStyle.PATH, "Path (host/bucket)"),
        ):
            self.addressing_combo.addItem(label, style.value)
        self.name_edit = named(QLineEdit(placeholderText="My Spaces"), "accountNameEdit")
        self.access_key_edit = named(QLineEdit(placeholderText="Access key (e.g. DO00…)"), "accessKeyEdit")
        self.secret_edit = named(QLineEdit(placeholderText="Secret key"), "secretKeyEdit")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_secret = named(QCheckBox("Show"), "showSecretCheck")
        self.show_secret.toggled.connect(self._on_show_secret_toggled)
        self.bucket_edit = named(
            QLineEdit(placeholderText="Optional, for keys limited to one Space"), "bucketEdit"
        )
        self.acl_combo = named(QComboBox(), "uploadAclCombo", "New uploads are")
        self.acl_combo.addItem("Private (only these keys can read them)", PRIVATE)
        self.acl_combo.addItem("Public (anyone with the link can read them)", PUBLIC_READ)
        self.cache_control_edit = named(
            QLineEdit(placeholderText="Optional, e.g. max-age=86400"), "cacheControlEdit", "Cache-Control"
        )
        for widget, name in ((self.provider_combo, "Provider"), (self.region_combo, "Region"), (self.endpoint_edit, "Endpoint"), (self.addressing_combo, "Addressing style"), (self.name_edit, "Account name"), (self.access_key_edit, "Access key"), (self.secret_edit, "Secret key"), (self.bucket_edit, "Open this Space directly")):  # fmt: skip
            widget.setAccessibleName(name)

        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_edit, 1)
        secret_row.addWidget(self.show_secret)
        form = QFormLayout()
        form.addRow("Provider:", self.provider_combo)
        form.addRow("Region:", self.region_combo)
        form.addRow("Endpoint:", self.endpoint_edit)
        form.addRow("Name:", self.name_edit)
        form.addRow("Access key:", self.access_key_edit)
        form.addRow("Secret key:", secret_row)
        form.addRow("Open this Space:", self.bucket_edit)
        # What most accounts leave as the provider sets it, under More Options.
        more_body = QWidget(self)
        more_form = QFormLayout(more_body)
        more_form.setContentsMargins(0, 0, 0, 0)
        more_form.addRow("Addressing:", self.addressing_combo)
        more_form.addRow("New uploads are:", self.acl_combo)
        more_form.addRow("Cache-Control:", self.cache_control_edit)
        self.ca_bundle = CaBundleRow(more_body)
        more_form.addRow("CA certificate:", self.ca_bundle)
        self.more = named(Disclosure("More Options", more_body, self), "moreOptions")
        self.more.button.setObjectName("moreOptionsButton")
        self.remember_check = named(
            QCheckBox("Remember the secret key in the system keyring"), "rememberCheck"
        )
        self.remember_check.setChecked(True)
        self.remember_check.setToolTip(
            "Untick to keep the account without its secret: spacesgui asks for the secret "
            "the first time you use the account after each start."
        )
        form.addRow("", self.remember_check)

        self.hint = named(QLabel(wordWrap=True), "accountHint")
        self.test_button = named(QPushButton("Test Connection"), "testConnectionButton")
        self.test_button.clicked.connect(self._on_test_clicked)
        self.result_label = named(QLabel(wordWrap=True), "testResultLabel")
        self._result_growth = DialogGrowth(
            self.result_label
        )  # a long reason grows the dialog, then gives it back
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.more)
        layout.addWidget(self.hint)
        layout.addLayout(test_row)
        layout.addWidget(self.buttons)

        self.provider_combo.currentIndexChanged.connect(self._on_provider_changed)
        self.region_combo.currentTextChanged.connect(self._on_region_changed)
        self.endpoint_edit.textEdited.connect(self._on_endpoint_edited)
        for edit in (
            self.endpoint_edit,
            self.access_key_edit,
            self.secret_edit,
            self.bucket_edit,
            self.ca_bundle.edit,
        ):
            edit.textEdited.connect(self._clear_result)
        # A result speaks of the settings tested: any that decides the connection clears it.
        self.provider_combo.currentIndexChanged.connect(self._clear_result)
        self.region_combo.currentTextChanged.connect(self._clear_result)
        self.addressing_combo.currentIndexChanged.connect(self._clear_result)
        self.remember_check.toggled.connect(self._clear_result)  # what a keyring refusal asks for
        self._on_provider_changed()
        if account is not None:
            self._load(account)
        if keyring_problem:  # say so before Save, and start with “this session only”
            self.remember_check.setChecked(False)
            self.remember_check.setToolTip(keyring_problem)
        self._order_focus(editing=account is not None)

    def _order_focus(self, *, editing: bool) -> None:
        """Tab goes down the dialog as it reads, More Options' fields last; the cursor starts
        where typing starts. A new account starts at the access key (the name follows the
        region); an edited one at its name.
        """
        chain = [
            self.provider_combo, self.region_combo, self.endpoint_edit, self.name_edit,
            self.access_key_edit, self.secret_edit, self.show_secret, self.bucket_edit,
            self.remember_check, self.more.button, self.addressing_combo, self.acl_combo,
            self.cache_control_edit, self.ca_bundle.edit,
        ]  # fmt: skip
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        (self.name_edit if editing else self.access_key_edit).setFocus(Qt.FocusReason.OtherFocusReason)

    def _load(self, account: Account) -> None:
        self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(account.provider)))
        self.region_combo.setCurrentText(account.region)
        self.endpoint_edit.setText(account.endpoint_url)
        self._endpoint_touched = account.endpoint_url != provider(account.provider).endpoint_for(
            account.region
        )
        self.addressing_combo.setCurrentIndex(
            max(0, self.addressing_combo.findData(account.addressing.value))
        )
        self.name_edit.setText(account.name)
        self.name_edit.setModified(True)  # a name the user chose: changing region keeps it
        self.access_key_edit.setText(account.access_key_id)
        self.bucket_edit.setText(account.bucket)
        self.acl_combo.setCurrentIndex(max(0, self.acl_combo.findData(account.upload_acl)))
        self.cache_control_edit.setText(account.cache_control)
        self.ca_bundle.set_path(account.ca_bundle)
        self.remember_check.setChecked(account.in_keyring)
        preset = provider(account.provider)
        # Settings chosen by hand are shown, not hidden where they could be forgotten.
        self.more.set_open(
            account.addressing != preset.addressing
            or account.upload_acl != PRIVATE
            or bool(account.cache_control or account.ca_bundle)
        )
        self.secret_edit.setPlaceholderText("Leave empty to keep the stored secret")

    def _on_show_secret_toggled(self, shown: bool) -> None:
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def _on_provider_changed(self) -> None:
        preset = provider(self.provider_combo.currentData())
        note = KEYRING_MISSING_NOTE if self._keyring_problem else KEYRING_NOTE
        self.hint.setText(PROVIDER_HINTS.get(preset.key, PROVIDER_HINTS["custom"]) + note)
        self.access_key_edit.setPlaceholderText(
            "Access key (DO00…)" if preset.key == "digitalocean" else "Access key"
        )
        self.region_combo.blockSignals(True)
        self.region_combo.clear()
        self.region_combo.addItems(list(preset.regions))
        self.region_combo.setCurrentText(preset.default_region)
        self.region_combo.blockSignals(False)
        self.addressing_combo.setCurrentIndex(max(0, self.addressing_combo.findData(preset.addressing.value)))
        self._endpoint_touched = False
        self._on_region_changed(preset.default_region)

    def _on_region_changed(self, region: str) -> None:
        preset = provider(self.provider_combo.currentData())
        if not self._endpoint_touched:
            self.endpoint_edit.setText(preset.endpoint_for(region.strip()))
        if not self.name_edit.isModified():
            self.name_edit.setText(f"{preset.label} {region}".strip() if preset.regions else preset.label)

    def _on_endpoint_edited(self, _text: str) -> None:
        self._endpoint_touched = True

    def account(self) -> Account:
        """The account as entered; raises a SpacesError naming the first problem."""
        endpoint = check_endpoint_url(self.endpoint_edit.text())
        bucket = self.bucket_edit.text().strip()
        if bucket and (problem := bucket_name_problem(bucket)):
            raise SpacesError(f"“Open this Space”: {problem}")
        access_key = self.access_key_edit.text().strip()
        if not access_key or not (self.secret() or self._existing_id):
            raise SpacesError("Enter both the access key and the secret key.")
        try:
            cache_control = check_cache_control(self.cache_control_edit.text())
            ca_bundle = self.ca_bundle.checked_path()
        except SpacesError:
            self.more.set_open(True)  # the field the reason names is in sight
            raise
        values = {
            "name": self.name_edit.text().strip() or endpoint,
            "provider": self.provider_combo.currentData(),
            "endpoint_url": endpoint,
            "region": self.region_combo.currentText().strip(),
            "access_key_id": access_key,
            "addressing": AddressingStyle(self.addressing_combo.currentData()),
            "bucket": bucket,
            "upload_acl": self.acl_combo.currentData(),
            "cache_control": cache_control,
            "ca_bundle": ca_bundle,
        }
        return Account(**values, id=self._existing_id) if self._existing_id else Account(**values)

    def secret(self) -> str:
        """The secret typed; empty when editing means “keep the stored one”."""
        return str(self.secret_edit.text().strip())

    def _show_result(self, ok: bool, text: str) -> None:
        colour = status_text(self.palette(), ok).name()
        self.result_label.setStyleSheet(f"color: {colour};")
        self._result_growth.mark()  # the height to give back, before the text lays out
        self.result_label.setText(("✓ " if ok else "✗ ") + text)
        QTimer.singleShot(0, self.result_label, self._result_growth.grow)  # once laid out

    def _on_test_clicked(self) -> None:
        try:
            account = self.account()
        except SpacesError as exc:
            self._show_result(False, exc.message)
            return
        self.test_button.setEnabled(False)
        self._test_failure = ""
        self.result_label.setStyleSheet("")
        self._result_growth.mark()
        self.result_label.setText("Connecting…")
        self._spawn(self._run_test(account, self.secret()))

    async def _run_test(self, account: Account, secret: str) -> None:
        started = self._values_seen
        try:
            report = await self._tester(account, secret)
        finally:
            self.test_button.setEnabled(True)
        if started != self._values_seen:
            return  # edited while it ran: the result is for values no longer there
        self._test_failure = "" if report.ok else report.message
        self._show_result(report.ok, report.message)

    def _clear_result(self, *_: object) -> None:
        self._values_seen += 1
        self._test_failure = ""
        self.result_label.clear()
        self._result_growth.give_back()

    def remember(self) -> bool:
        return self.remember_check.isChecked()

    def _on_save_clicked(self) -> None:
        """Save, and stay open with the reason if saving fails (nothing typed is lost).

        After Test Connection failed with these very values, ask first: an account saved
        that way shows the same error in the window (kept on purpose, it may be for a
        server that is down now, or reached only through a VPN not connected yet).
        """
        try:
            account = self.account()
        except SpacesError as exc:
            self._show_result(False, exc.message)
            return
        if self._test_failure:
            self._ask_save_anyway(account)
            return
        self._save(account)

    def _ask_save_anyway(self, account: Account) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Save Account",
            "Test Connection failed with these settings:\n\n"
            f"{self._test_failure}\n\nSave the account anyway? You can edit it later.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("saveAnywayBox")
        save_button = box.addButton("Save Anyway", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter alone keeps the dialog open
        self.save_anyway_box = box

        def on_finished(_result: int) -> None:
            if box.clickedButton() is save_button:
                self._save(account)

        box.finished.connect(on_finished)
        box.open()

    def _save(self, account: Account) -> None:
        try:
            if self._saver is not None:
                self._saver(account, self.secret(), self.remember())
        except SpacesError as exc:
            self._show_result(False, exc.message)
            return
        self.saved = account.with_changes(in_keyring=self.remember())
        self.accept()
