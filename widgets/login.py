"""The login dialog: pick who you are (the last user is remembered), a password only for a shared server,
and the start-up progress (the first run builds the demo network)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from widgets.i18n import english


class LoginDialog(QDialog):
    sig_login_requested = Signal(str, str)  # login, password ('' when none is needed)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("登录 · 售后服务网络控制中心"))
        font = QFont()
        font.setPointSize(14)
        self.setFont(font)
        self.setMinimumWidth(560)
        title = QLabel(self.tr("售后服务网络控制中心"))
        title.setFont(QFont(font.family(), 22, QFont.Weight.Bold))
        subtitle = QLabel("After-sales Network Control Center")
        subtitle.setVisible(not english())  # the title is already English then
        self.status = QLabel(self.tr("正在启动数据库…"))
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.users = QComboBox()
        self.users.setMinimumHeight(40)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMinimumHeight(40)
        self.login_button = QPushButton(self.tr("登录"))
        self.login_button.setMinimumHeight(48)
        self.login_button.setDefault(True)
        self.login_button.setEnabled(False)
        self.login_button.clicked.connect(self._login)
        form = QFormLayout()
        form.addRow(self.tr("用户"), self.users)
        self.password_label = QLabel(self.tr("密码"))
        form.addRow(self.password_label, self.password)
        layout = QVBoxLayout(self)
        for w in (title, subtitle, self.status, self.progress):
            layout.addWidget(w)
        layout.addLayout(form)
        layout.addWidget(self.login_button)
        self.set_password_needed(False)

    def set_users(self, users: Sequence[tuple[str, str]], last: str = "") -> None:
        """users: (login, display name); the last user is preselected."""
        self.users.clear()
        for login, name in users:
            self.users.addItem(f"{name} ({login})", login)
        index = self.users.findData(last)
        self.users.setCurrentIndex(max(index, 0))
        self.progress.hide()
        self.status.setText(self.tr("请选择您的账号") if users else self.tr("没有可用的账号；请联系总部。"))
        self.login_button.setEnabled(bool(users))

    def set_password_needed(self, needed: bool) -> None:
        self.password.setVisible(needed)
        self.password_label.setVisible(needed)

    @Slot(float, str)
    def show_progress(self, fraction: float, message: str) -> None:
        self.progress.show()
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(message)

    def show_error(self, text: str) -> None:
        self.progress.hide()
        self.status.setText(text)
        self.status.setStyleSheet("color: #D55E00; font-weight: bold;")
        self.login_button.setEnabled(self.users.count() > 0)

    def _login(self) -> None:
        login = self.users.currentData()
        if login:
            self.login_button.setEnabled(False)
            self.status.setText(self.tr("正在登录…"))
            self.sig_login_requested.emit(str(login), self.password.text())
