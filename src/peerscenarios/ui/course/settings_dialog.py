"""Course connection settings: where the server is, who signs in, the password in the keyring.

The settings themselves are a plain ``CourseSettings`` the caller persists
(e.g. under a ``course/`` group of the app's settings file); the password is
never returned for storage: with "Remember" ticked it goes to the operating
system's password store, otherwise it is used for this session only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from peerscenarios.course.errors import CourseError
from peerscenarios.course.settings import (
    DEFAULT_DATABASE,
    DEFAULT_PORT,
    CourseSettings,
    forget_password,
    load_password,
    save_password,
)
from peerscenarios.ui.course.common import Background, MessageLine, plain_error

Connect = Callable[[CourseSettings, str], Any]


@dataclass(frozen=True, slots=True)
class ConnectionChoice:
    """What the person entered: the settings to persist and the password for this session."""

    settings: CourseSettings
    password: str


def _default_connect(settings: CourseSettings, password: str) -> Any:
    from peerscenarios.course.client import connect

    return connect(settings, password)


class CourseSettingsDialog(QDialog):
    """Host, port, database, user, CA file and password, with "Test connection"."""

    def __init__(self, parent: QWidget | None, settings: CourseSettings, *,
                 connect: Connect = _default_connect) -> None:
        super().__init__(parent)
        self.setWindowTitle("Course server connection")
        self._connect = connect
        self._background = Background(self)
        self._base = settings
        form = QFormLayout(self)
        self.host_edit = QLineEdit(settings.host, self)
        self.host_edit.setPlaceholderText("course.example.org")
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(settings.port or DEFAULT_PORT)
        self.database_edit = QLineEdit(settings.database or DEFAULT_DATABASE, self)
        self.user_edit = QLineEdit(settings.user, self)
        self.user_edit.setPlaceholderText("the login name you were given")
        ca_row = QHBoxLayout()
        self.ca_edit = QLineEdit(settings.ca_file, self)
        self.ca_edit.setPlaceholderText("your organisation's CA certificate (.pem), if it gave one")
        self.ca_button = QPushButton("Choose…", self)
        self.ca_button.setAccessibleName("Choose the CA certificate file")
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_button)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = QCheckBox("&Remember the password in this computer's password "
                                        "store", self)
        self.remember_check.setChecked(True)
        for label, widget, name in (("&Server:", self.host_edit, "Server host name"),
                                    ("&Port:", self.port_spin, "Port"),
                                    ("&Database:", self.database_edit, "Database"),
                                    ("&User name:", self.user_edit, "User name"),
                                    ("P&assword:", self.password_edit, "Password")):
            widget.setAccessibleName(name)
            form.addRow(label, widget)
        self.ca_edit.setAccessibleName("CA certificate file")
        ca_label = QLabel("&CA certificate:", self)
        ca_label.setBuddy(self.ca_edit)
        # A field and a button, so not part of the loop above; it goes before the password.
        form.insertRow(4, ca_label, ca_row)
        form.addRow(self.remember_check)
        self.message = MessageLine(self)
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        # Says what it does: it writes the settings and the password store.
        self.ok_button.setText("Save")
        self.test_button = QPushButton("&Test connection", self)
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.on_test_clicked)
        self.ca_button.clicked.connect(self.on_ca_clicked)
        self._prefill_password()
        self.resize(620, self.sizeHint().height())

    def _prefill_password(self) -> None:
        if not self._base.configured:
            return
        try:
            saved = load_password(self._base)
        except CourseError as exc:
            # Information, not a problem: without a password store it is asked for each time.
            self.message.show_info(str(exc))
            return
        if saved is not None:
            self.password_edit.setText(saved)

    def settings(self) -> CourseSettings:
        """The settings as entered (TLS mode and timeouts kept from before)."""
        # No field for the TLS mode: this dialog can never turn verify-full off.
        return CourseSettings.from_dict({
            **self._base.to_dict(), "host": self.host_edit.text().strip(),
            "port": self.port_spin.value(), "database": self.database_edit.text().strip(),
            "user": self.user_edit.text().strip(), "ca_file": self.ca_edit.text().strip()})

    @Slot()
    def on_ca_clicked(self) -> None:
        """Pick the CA certificate file."""
        name, _ = QFileDialog.getOpenFileName(self, "CA certificate", self.ca_edit.text(),
                                              "Certificates (*.pem *.crt);;All files (*)")
        if name:
            self.ca_edit.setText(str(Path(name)))

    @Slot()
    def on_test_clicked(self) -> None:
        """Try to sign in with what is entered, in the background; the outcome shows below."""
        # Read here on the GUI thread: the background call gets copies, never the widgets.
        settings, password = self.settings(), self.password_edit.text()
        if not settings.configured:
            self.message.show_problem("Enter the server and your user name first.")
            return
        self.test_button.setEnabled(False)
        self.message.show_info("Connecting…")
        connect = self._connect

        def attempt() -> str:
            client = connect(settings, password)
            try:
                return f"Signed in as {client.user}, a {client.role.value} of this course."
            finally:
                # Signed out at once: a test must not leave a connection on the server.
                client.close()

        self._background.call(attempt, self._tested, self._test_failed)

    def _tested(self, result: object) -> None:
        self.test_button.setEnabled(True)
        self.message.show_info(str(result))

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.message.show_problem(plain_error(exc))

    def accept(self) -> None:
        """Save: the password into the keyring (or forget it), then close."""
        settings = self.settings()
        if not settings.configured:
            self.message.show_problem("Enter the server and your user name, or Cancel.")
            return
        try:
            if self.remember_check.isChecked() and self.password_edit.text():
                save_password(settings, self.password_edit.text())
            elif not self.remember_check.isChecked():
                # Unticked means forget: a password saved earlier is removed too.
                forget_password(settings)
        except CourseError as exc:
            # Not fatal: the settings still apply; the password is asked for each time.
            self.message.show_problem(str(exc))
        super().accept()

    def done(self, result: int) -> None:
        # A test still running must finish: its result would reach a deleted dialog.
        self._background.wait()
        super().done(result)

    def choice(self) -> ConnectionChoice:
        """The settings and the password as entered."""
        return ConnectionChoice(self.settings(), self.password_edit.text())

    @classmethod
    def ask(cls, parent: QWidget | None, settings: CourseSettings, *,
            connect: Connect = _default_connect) -> ConnectionChoice | None:
        """Run the dialog; the new settings and password, or None if cancelled."""
        dialog = cls(parent, settings, connect=connect)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
