"""Every field of the definition format as a form: inputs in a labelled grid, read and written as a mapping."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from quaero_desktop.domain.definition import FIELD_NAMES, RenderMode
from quaero_desktop.gui.definitions.field_checks import (
    BOOL_FIELDS,
    CHOICE_FIELDS,
    HEADER_FIELD,
    LIST_FIELDS,
    NUMBER_FIELDS,
    NumberedLines,
    header_lines,
    number_value,
    numbered_lines,
)
from quaero_desktop.gui.definitions.form_widgets import CheckRow, FieldBox, LinesEdit, LoginCombo, quiet_label
from quaero_desktop.gui.definitions.pattern_tester import PatternTester
from quaero_desktop.gui.definitions.schedule_builder import ScheduleBuilder

FIELD_LABELS = {
    "id": "ID", "name": "Name", "description": "Description", "start_urls": "Start URLs",
    "include_patterns": "Include", "exclude_patterns": "Exclude", "max_depth": "Max depth",
    "max_pages": "Max pages", "concurrency": "Concurrency", "timeout": "Timeout", "auth_id": "Login",
    "schedule": "Schedule", "follow_links": "Follow links", "same_domain": "Same domain",
    "use_default_excludes": "Default excludes", "enabled": "Enabled", "auto_start": "Auto start",
    "keep_hash_routes": "Hash routes", "stay_under_start_path": "Start folder",
    "request_delay": "Request delay", "obey_robots_txt": "robots.txt", "user_agent": "User agent",
    "headers": "Headers", "proxy": "Proxy", "render": "Rendering", "obey_noindex": "Noindex",
    "obey_nofollow": "Nofollow", "obey_canonical": "Canonical URLs", "logged_in_selector": "Logged in when",
    "logged_out_selector": "Logged out when", "content_selector": "Content root", "exclude_selectors": "Leave out",
}  # fmt: skip
_CHECKBOX_TEXTS = {
    "follow_links": "Follow links found on pages",
    "same_domain": "Stay on the start URLs' sites (same scheme, host and port)",
    "use_default_excludes": "Skip logout links and links that change the site (revert, delete…)",
    "enabled": "Enabled: runs on its schedule",
    "auto_start": "Run when Quaero Desktop starts",
    "keep_hash_routes": "Crawl #/ and #! routes of single-page apps as pages of their own",
    "stay_under_start_path": "Stay under the start URLs' folders (started at /signals/: keep to /signals/)",
    "obey_noindex": 'Skip pages that ask not to be indexed (robots "noindex")',
    "obey_nofollow": 'Don\'t follow links marked "nofollow", nor the links of nofollow pages',
    "obey_canonical": 'One document per canonical URL (rel="canonical" within the crawl)',
}
SIGNALS_HELP = (
    "What a site says about its pages: wikis and forums mark their edit, history and login pages so. "
    "Skipped pages are counted in the job's account with their reason."
)
LOGIN_MARKER_HELP = (
    "How the crawl tells that its login still works. Empty: a page showing a login form (a password field) "
    "means the session ended, and the crawl stops so you can capture the login again. A CSS selector here "
    "decides instead, e.g. #user-menu (shown only when logged in) or form#login."
)
ROBOTS_CHOICES = (("Settings' default", None), ("Obey robots.txt", True), ("Ignore robots.txt", False))
JAVASCRIPT_HELP = (
    "Pages are read once their JavaScript has rendered them: nothing left loading and no change for a "
    "moment (at most 5 s after loading). A page still empty after one longer wait is stored with the note "
    '"rendered empty (the app did not finish rendering)". Text and links inside web components (open '
    "shadow roots) and same-origin frames are part of the page; frames from other sites are left out. "
    "Other #fragments never make a page of their own."
)

CONTENT_ROOT_HELP = (
    "What of each page is stored. Empty: the page's main content as the page marks it (main, a single "
    "article, else the body), without navigation, header, footer, sidebars and cookie banners. A CSS selector "
    "names the content's root instead (its first match; where nothing matches, the page's own choice). "
    "Test a URL above shows the Markdown a crawl would store."
)
LEAVE_OUT_HELP = "One CSS selector per line: what it matches is removed first, wherever it is on the page."

RENDER_CHOICES = (
    (RenderMode.AUTO, "Auto: plain HTTP, the browser only for pages that need JavaScript"),
    (RenderMode.BROWSER, "Browser: render every page in the browser"),
    (RenderMode.HTTP, "HTTP only: never start the browser"),
)
RENDER_HELP = (
    "Auto reads pages over plain HTTP, several times faster, and renders in the browser the pages whose "
    "HTML shows they need JavaScript; a few pages of each site are checked in the browser too, and a site "
    "whose pages differ there is crawled in the browser from then on (the job log says so). Choose Browser "
    "for sites that block plain HTTP clients or need the login's localStorage; HTTP only for static sites, "
    "when no browser may start."
)


class DefinitionFields(QWidget):
    """The inputs (``inputs[field]``) and, for fields that can be wrong, their boxes (``boxes[field]``)."""

    fieldChanged = Signal(str)  # a field's name, whenever its input changes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inputs: dict[str, QWidget] = {}
        self.boxes: dict[str, FieldBox] = {}
        self._rows = 0
        form = QGridLayout(self)  # not QFormLayout: it mis-sizes rows whose wrapped problem text appears
        form.setContentsMargins(0, 0, 12, 8)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.setColumnStretch(1, 1)
        for heading, fill in (
            ("Definition", self._identity_rows),
            ("What to crawl", self._scope_rows),
            ("Content", self._content_rows),
            ("Reading pages", self._reading_rows),
            ("Limits", self._limit_rows),
            ("Politeness and requests", self._request_rows),
            ("Login and schedule", self._login_schedule_rows),
        ):
            self._heading(self, form, heading)
            fill(self, form)

    def _heading(self, parent: QWidget, form: QGridLayout, text: str) -> None:
        label = QLabel(text, parent)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 0 if self._rows == 0 else 10, 0, 0)
        form.addWidget(label, self._rows, 0, 1, 2)
        self._rows += 1

    def _add_row(self, form: QGridLayout, label_text: str, field: QWidget) -> None:
        label = QLabel(label_text, field.parentWidget())
        label.setBuddy(field if not isinstance(field, FieldBox) else field.input)
        label.setMinimumHeight(min(field.sizeHint().height(), 26))
        form.addWidget(label, self._rows, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.addWidget(field, self._rows, 1)
        self._rows += 1

    def _identity_rows(self, parent: QWidget, form: QGridLayout) -> None:
        self._add_text(parent, form, "name", "e.g. Team wiki")
        self._add_text(
            parent,
            form,
            "id",
            "e.g. team-wiki",
            hint="Names the definition on the command line: quaero-desktop run <id>",
        )
        description = LinesEdit(2, "What this crawl is for (optional)", parent)
        description.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._add(form, "description", description)

    def _scope_rows(self, parent: QWidget, form: QGridLayout) -> None:
        self._add(
            form, "start_urls", LinesEdit(3, "e.g. https://wiki.example.com/start", parent), hint="One URL per line."
        )
        self._add(
            form,
            "include_patterns",
            LinesEdit(2, "e.g. /wiki/", parent),
            hint="One regular expression per line, searched in the full URL; empty = every URL.",
        )
        self._add(
            form,
            "exclude_patterns",
            LinesEdit(2, "e.g. /admin", parent),
            hint="One regular expression per line; checked before the include patterns.",
        )
        self._add_row(
            form,
            "Links",
            self._checkboxes(parent, ("follow_links", "same_domain", "stay_under_start_path", "use_default_excludes")),
        )
        self._add_row(
            form,
            "Site signals",
            self._checkboxes(parent, ("obey_noindex", "obey_nofollow", "obey_canonical"), hint=SIGNALS_HELP),
        )
        self.tester = PatternTester(parent)
        self._add_row(form, "Test a URL", self.tester)

    def _content_rows(self, parent: QWidget, form: QGridLayout) -> None:
        self._add_text(parent, form, "content_selector", "The page's own main content", hint=CONTENT_ROOT_HELP)
        self._add(form, "exclude_selectors", LinesEdit(2, "e.g. .comments", parent), hint=LEAVE_OUT_HELP)

    def _reading_rows(self, parent: QWidget, form: QGridLayout) -> None:
        render = QComboBox(parent)
        for value, text in RENDER_CHOICES:
            render.addItem(text, value)
        render.setToolTip("render in a definition file")
        # As wide as the form allows, not as its longest choice: a narrow window cut the form.
        render.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        render.setMinimumContentsLength(16)
        self._add(form, "render", render, hint=RENDER_HELP)
        self._add_row(form, "JavaScript", self._checkboxes(parent, ("keep_hash_routes",), hint=JAVASCRIPT_HELP))

    def _limit_rows(self, parent: QWidget, form: QGridLayout) -> None:
        self._add_text(parent, form, "max_depth", "2", width=90, note="link levels from the start URLs (0 = only them)")
        self._add_text(parent, form, "max_pages", "100", width=90, note="pages in the whole crawl")
        self._add_text(parent, form, "concurrency", "4", width=90, note="browser tabs at once")
        self._add_text(parent, form, "timeout", "30m", width=90, note="for the whole job, such as 30m or 1h30m")

    def _request_rows(self, parent: QWidget, form: QGridLayout) -> None:
        self._add_text(
            parent,
            form,
            "request_delay",
            "Settings",
            width=90,
            note="between two requests to the same host, e.g. 250ms",
        )
        robots = QComboBox(parent)
        for text, value in ROBOTS_CHOICES:
            robots.addItem(text, value)
        robots.setToolTip("obey_robots_txt in a definition file: skipped pages are listed with the reason")
        self._add(form, "obey_robots_txt", robots)
        self._add_text(parent, form, "user_agent", "Settings' default (the browser's own)")
        self._add(
            form,
            "headers",
            LinesEdit(2, "e.g. Accept-Language: en", parent),
            hint="One header per line as Name: value, added to the default headers in Settings. "
            "Cookies and passwords never go here: use a saved login.",
        )
        self._add_text(
            parent,
            form,
            "proxy",
            "Settings' default (the system's proxy)",
            hint='"system", "none", or http://host:port or socks5://host:port. '
            "A proxy's user name and password go in Settings (kept in the keyring).",
        )

    def _login_schedule_rows(self, parent: QWidget, form: QGridLayout) -> None:
        login = LoginCombo(parent)
        login.setToolTip("A saved login (auth_id) whose cookies every page of the crawl gets")
        self._add(form, "auth_id", login)
        self._add_text(parent, form, "logged_in_selector", "CSS, e.g. #user-menu (optional)")
        self._add_text(parent, form, "logged_out_selector", "CSS, e.g. form#login (optional)", hint=LOGIN_MARKER_HELP)
        self.schedule_builder = ScheduleBuilder(parent)
        self.schedule_builder.setToolTip("Writes the schedule below; a schedule typed there shows here")
        self._add_row(form, "Repeat", self.schedule_builder)
        self._add_text(
            parent, form, "schedule", "e.g. 0 3 * * *", width=150, note="minute hour day month weekday, empty = manual"
        )
        cron = self.inputs["schedule"]
        assert isinstance(cron, QLineEdit)
        self.schedule_builder.cronChosen.connect(cron.setText)
        self.schedule_builder.customChosen.connect(cron.setFocus)
        cron.textChanged.connect(self.schedule_builder.show_cron)
        self._add_row(form, "Options", self._checkboxes(parent, ("enabled", "auto_start")))

    def _add_text(
        self,
        parent: QWidget,
        form: QGridLayout,
        field: str,
        placeholder: str,
        *,
        width: int = 0,
        note: str = "",
        hint: str = "",
    ) -> None:
        line = QLineEdit(parent)
        line.setPlaceholderText(placeholder)
        if width:
            line.setFixedWidth(width)
        self._add(form, field, line, note=note, hint=hint)

    def _add(self, form: QGridLayout, field: str, field_input: QWidget, *, note: str = "", hint: str = "") -> None:
        field_input.setAccessibleName(FIELD_LABELS[field])
        if not field_input.toolTip():
            field_input.setToolTip(f"{field} in a definition file")
        box = FieldBox(field_input, note=note, hint=hint, parent=field_input.parentWidget())
        self.inputs[field] = field_input
        self.boxes[field] = box
        self._add_row(form, FIELD_LABELS[field], box)
        if isinstance(field_input, QLineEdit):
            field_input.textChanged.connect(lambda _text, f=field: self.fieldChanged.emit(f))
        elif isinstance(field_input, QPlainTextEdit):
            field_input.textChanged.connect(lambda f=field: self.fieldChanged.emit(f))
        elif isinstance(field_input, LoginCombo):
            field_input.currentTextChanged.connect(lambda _text, f=field: self.fieldChanged.emit(f))
        elif isinstance(field_input, QComboBox):
            field_input.currentIndexChanged.connect(lambda _index, f=field: self.fieldChanged.emit(f))

    def _checkboxes(self, parent: QWidget, fields: tuple[str, ...], *, hint: str = "") -> QWidget:
        holder = QWidget(parent)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        for field in fields:
            row = CheckRow(_CHECKBOX_TEXTS[field], holder)
            box = row.box
            row.setToolTip(f"{field} in a definition file")
            box.setToolTip(row.toolTip())
            box.toggled.connect(lambda _on, f=field: self.fieldChanged.emit(f))
            self.inputs[field] = box
            column.addWidget(row)
        if hint:
            column.addWidget(quiet_label(hint, holder))
        holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return holder

    # ----- values -----

    def set_value(self, field: str, value: object, logins: list[tuple[str, str]]) -> None:
        """Show ``value`` (as in a definition file) in ``field``'s input; ``logins`` fill the login picker."""
        widget = self.inputs[field]
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, LoginCombo):
            widget.set_logins(logins, str(value) if value else None)
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)) if value is not None else 0)
        elif field == HEADER_FIELD:
            pairs = (
                list(value.items())
                if isinstance(value, dict)
                else list(value or ())
                if isinstance(value, (list, tuple))
                else []
            )
            assert isinstance(widget, QPlainTextEdit)
            widget.setPlainText("\n".join(f"{name}: {text}" for name, text in pairs))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText("\n".join(value) if isinstance(value, (list, tuple)) else str(value or ""))
        elif isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))

    def read(self) -> tuple[dict[str, object], dict[str, NumberedLines]]:
        """The form as a definition mapping (whole numbers as ints), and list fields' numbered lines."""
        lines = {field: numbered_lines(self.text(field)) for field in (*LIST_FIELDS, HEADER_FIELD)}
        values: dict[str, object] = {field: [text for _number, text in lines[field]] for field in LIST_FIELDS}
        values[HEADER_FIELD] = header_lines(lines[HEADER_FIELD])[0]
        values.update({field: number_value(self.text(field)) for field in NUMBER_FIELDS})
        values.update({field: self._checked(field) for field in BOOL_FIELDS})
        values.update({field: self._choice(field) for field in CHOICE_FIELDS})  # robots.txt may be None
        login = self.inputs["auth_id"]
        assert isinstance(login, LoginCombo)
        values.update(
            id=self.text("id").strip(),
            name=self.text("name"),
            description=self.text("description"),
            auth_id=login.auth_id(),
            schedule=self.text("schedule"),
            timeout=self.text("timeout"),
            request_delay=self.text("request_delay"),
            user_agent=self.text("user_agent"),
            proxy=self.text("proxy"),
            logged_in_selector=self.text("logged_in_selector"),
            logged_out_selector=self.text("logged_out_selector"),
            content_selector=self.text("content_selector"),
        )
        return {field: values[field] for field in FIELD_NAMES}, lines

    def text(self, field: str) -> str:
        widget = self.inputs[field]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        assert isinstance(widget, QLineEdit), f"{field} is not a text field"
        return widget.text()

    def _choice(self, field: str) -> object:
        widget = self.inputs[field]
        assert isinstance(widget, QComboBox)
        return widget.currentData()

    def _checked(self, field: str) -> bool:
        widget = self.inputs[field]
        assert isinstance(widget, QCheckBox)
        return widget.isChecked()
