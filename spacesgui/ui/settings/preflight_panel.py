"""The preflight tester: ask the Space what it answers a browser, beside what the rules say it should.

Origin, method and request headers in; the result shows, for the preflight (OPTIONS)
and for a GET with that Origin, the server's answer beside the local rule that should
match, and whether they agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from spacesgui.core.cors import METHODS, CorsRule, origin_problem
from spacesgui.core.cors_preflight import (
    PreflightRequest,
    compare_preflight,
    compare_simple,
    match_preflight,
    match_simple,
    rule_name,
)
from spacesgui.qtmodels.legible_colors import status_text
from spacesgui.services.cors_service import CorsTestResult
from spacesgui.ui.muted_label import MutedLabel
from spacesgui.ui.naming import named
from spacesgui.ui.problem_label import ProblemLabel

Role = QPalette.ColorRole


class VerdictLabel(QLabel):
    """A sentence in green (they agree) or red (they do not), legible in any palette. GUI thread only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.agree: bool | None = None
        self._applying = False

    def set_verdict(self, agree: bool | None, text: str) -> None:
        self.agree = agree
        self.setText(("✔ " if agree else "✘ ") + text if agree is not None else text)
        self._apply_colour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_colour()

    def _apply_colour(self) -> None:
        if self._applying:
            return  # setPalette below sends a PaletteChange of its own
        self._applying = True
        try:
            parent = self.parentWidget()
            source = parent.palette() if parent is not None else QPalette()
            colour = source.color(Role.WindowText) if self.agree is None else status_text(source, self.agree)
            palette = self.palette()
            if palette.color(Role.WindowText) != colour:
                palette.setColor(Role.WindowText, colour)
                self.setPalette(palette)
        finally:
            self._applying = False


def _answer_label(name: str, accessible: str) -> QLabel:
    label = named(QLabel(), name, accessible)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PreflightPanel(QWidget):
    """Asks for the request, says `test_requested(PreflightRequest)`, shows `show_result`.

    Holds no service: the editor sends the request and hands back the result. GUI thread only.
    """

    test_requested = Signal(object)  # PreflightRequest

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.origin_edit = named(QLineEdit(), "preflightOrigin", "Origin")
        self.origin_edit.setPlaceholderText("https://www.example.com")
        self.method_combo = named(QComboBox(), "preflightMethod", "Method")
        self.method_combo.addItems(list(METHODS))
        self.method_combo.setCurrentText("PUT")
        self.headers_edit = named(QLineEdit(), "preflightHeaders", "Request headers")
        self.headers_edit.setPlaceholderText("content-type, x-amz-acl")
        self.send_button = named(QPushButton("Send Test Requests"), "preflightSend", "Send test requests")
        self.send_button.setAutoDefault(False)
        self.send_button.clicked.connect(self._on_send_clicked)
        self.origin_edit.returnPressed.connect(self._on_send_clicked)
        self.headers_edit.returnPressed.connect(self._on_send_clicked)
        self.problem_label = named(ProblemLabel(self), "preflightProblem")

        form = QFormLayout()
        form.addRow("&Origin:", self.origin_edit)
        form.addRow("&Method:", self.method_combo)
        form.addRow("Request &headers:", self.headers_edit)
        intro = MutedLabel(
            "Sends the Space the OPTIONS request a browser sends before a cross-site request, "
            "and a signed GET with the same Origin, then compares each answer with the rule "
            "the Space's stored rules say should answer (the first that matches).",
            self,
        )
        intro.setWordWrap(True)
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_button)
        send_row.addStretch(1)

        self.preflight_server = _answer_label("preflightServerAnswer", "Server's answer to the preflight")
        self.preflight_local = _answer_label("preflightLocalAnswer", "What the rules say about the preflight")
        self.preflight_verdict = named(VerdictLabel(self), "preflightVerdict", "Preflight verdict")
        self.get_server = _answer_label("getServerAnswer", "Server's answer to the GET")
        self.get_local = _answer_label("getLocalAnswer", "What the rules say about the GET")
        self.get_verdict = named(VerdictLabel(self), "getVerdict", "GET verdict")
        self.note_label = named(MutedLabel("", self), "preflightNote")
        self.note_label.setWordWrap(True)
        self.url_label = named(MutedLabel("", self), "preflightUrl")
        self.url_label.setWordWrap(True)
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.results = named(QGroupBox("Result"), "preflightResults")
        grid = QGridLayout(self.results)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        row = 0
        for title, server, local, verdict in (
            ("Preflight (OPTIONS)", self.preflight_server, self.preflight_local, self.preflight_verdict),
            ("GET with this Origin", self.get_server, self.get_local, self.get_verdict),
        ):
            heading = QLabel(f"<b>{title}</b>")
            grid.addWidget(heading, row, 0, 1, 2)
            grid.addWidget(MutedLabel("The server answered", self.results), row + 1, 0)
            grid.addWidget(MutedLabel("The stored rules say", self.results), row + 1, 1)
            grid.addWidget(server, row + 2, 0)
            grid.addWidget(local, row + 2, 1)
            grid.addWidget(verdict, row + 3, 0, 1, 2)
            row += 4
        grid.addWidget(self.note_label, row, 0, 1, 2)
        grid.addWidget(self.url_label, row + 1, 0, 1, 2)
        self.results.hide()

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(send_row)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.results)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def request(self) -> PreflightRequest:
        return PreflightRequest.typed(
            self.origin_edit.text(), self.method_combo.currentText(), self.headers_edit.text()
        )

    def set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.send_button.setText("Sending…" if busy else "Send Test Requests")

    def show_problem(self, text: str) -> None:
        """Say what is wrong; the result of an earlier request then goes (it is not this one's)."""
        self.problem_label.set_problem(text)
        if text:
            self.results.hide()

    def _on_send_clicked(self) -> None:
        request = self.request()
        problem = (
            "Type the Origin a page would send, such as https://www.example.com."
            if not request.origin
            else ""
        )
        if request.origin and request.origin != "*":
            problem = origin_problem(request.origin)
        if request.origin == "*":
            problem = (
                "A browser sends its page's own origin, never “*”: type one, such as https://www.example.com."
            )
        self.show_problem(problem)
        if not problem:
            self.test_requested.emit(request)

    def show_result(self, result: CorsTestResult, draft: Sequence[CorsRule]) -> None:
        """Show both answers beside the stored rules' verdict; `draft` is what the editor holds."""
        request, stored = result.request, result.stored
        self.show_problem("")
        local = match_preflight(stored, request)
        self.preflight_server.setText(result.preflight.describe())
        self.preflight_local.setText(_local_text(stored, local.rule, local.reason, request.origin))
        agreement = compare_preflight(result.preflight, local, request)
        self.preflight_verdict.set_verdict(agreement.agree, agreement.text)

        get_local = match_simple(stored, request.origin)
        self.get_server.setText(result.get.describe())
        self.get_local.setText(
            _local_text(stored, get_local.rule, get_local.reason, request.origin, method="GET")
        )
        expose = stored[get_local.rule].expose_headers if get_local.rule is not None else ()
        get_agreement = compare_simple(result.get, get_local, request.origin, expose)
        self.get_verdict.set_verdict(get_agreement.agree, get_agreement.text)

        self.note_label.setText(_draft_note(stored, draft, request))
        self.note_label.setVisible(bool(self.note_label.text()))
        self.url_label.setText(f"Sent to {result.preflight.url}")
        self.results.show()


def _local_text(
    rules: Sequence[CorsRule], rule: int | None, reason: str, origin: str, method: str = ""
) -> str:
    if rule is None:
        return reason
    chosen = rules[rule]
    name = rule_name(rules, rule)
    lines = [f"{name[:1].upper()}{name[1:]} should answer:"]
    lines.append(f"Access-Control-Allow-Origin: {'*' if '*' in chosen.origins else origin}")
    if not method:
        lines.append(f"Access-Control-Allow-Methods: {', '.join(chosen.methods)}")
    if chosen.expose_headers and method:
        lines.append(f"Access-Control-Expose-Headers: {', '.join(chosen.expose_headers)}")
    if chosen.max_age_seconds is not None and not method:
        lines.append(f"Access-Control-Max-Age: {chosen.max_age_seconds}")
    return "\n".join(lines)


def _draft_note(stored: Sequence[CorsRule], draft: Sequence[CorsRule], request: PreflightRequest) -> str:
    if tuple(draft) == tuple(stored):
        return ""
    now = match_preflight(stored, request)
    after = match_preflight(draft, request)
    if now.allows == after.allows:
        return "The rules in the editor have unapplied changes; they would not change this answer."
    verb = "allow" if after.allows else "refuse"
    return f"The rules in the editor have unapplied changes: once applied, the server should {verb} this preflight."
