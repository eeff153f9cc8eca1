"""What an application shows, kept as content: its controls' text, collapsed panels and tabs, code
drawn as rows, and items side by side that must not glue.

``keep_app_content`` runs on the whole page before markdown.py removes junk and hidden elements:
* a collapsed panel is content still in the DOM: a ``role=tabpanel``, what a disclosure or a tab names
  with ``aria-controls``, a hidden block right after a button or an ``aria-expanded`` control, the
  panels of a row of buttons that shows one of as many siblings (a tab bar without ARIA); it is
  revealed, unless it is hidden junk (a dialog, a menu, a tooltip, a list of links...). When every
  panel of a tab bar has text, each panel starts with its tab's label and the bar goes.
* a button's text is kept when it is content (markdown_controls.py: a disclosure, a tab, a header
  such as "GET /boats — List boats" or "200 OK", a sentence), written inline; other buttons go.

``prepare_elements`` runs on the content just before the writer: code drawn as rows becomes one
fenced block, a table holding code samples becomes blocks (markdown_code_rows.py), and styled inline
items side by side get a space between them ("GET /boats", not "GET/boats").
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree
from lxml.etree import _Element

from quaero_desktop.crawler.html_tree import remove_element, text_of
from quaero_desktop.crawler.markdown_code_rows import is_markup, write_code_rows
from quaero_desktop.crawler.markdown_controls import (
    BLOCK_TAGS,
    DISPLAY_NONE,
    JUNK_MARKS,
    is_content_button,
    is_control,
    is_hidden,
    one_line,
    opens_popup,
    shown_text,
    space_side_by_side,
    write_inline,
)

# Hidden junk, never revealed: dialogs, menus, tooltips, navigation.
_JUNK_TAGS: Final = frozenset({"dialog", "template", "nav", "form", "menu", "select", "datalist", "header", "footer"})
_JUNK_ROLES: Final = frozenset(
    {"dialog", "alertdialog", "menu", "menubar", "listbox", "tooltip", "navigation", "combobox", "search"}
    | {"banner", "contentinfo", "complementary", "status", "alert", "tree"}
)
# A class part marking the chosen one of a row of buttons.
_SELECTED_MARKS: Final = frozenset({"active", "selected", "current", "primary", "checked"})
_CLASS_PARTS: Final = re.compile(r"[a-z0-9]+")
_HIDDEN: Final = etree.XPath(
    "/descendant::*[@hidden or @aria-hidden='true'"
    " or @style[contains(translate(., 'DISPLAYNOE ', 'displaynoe'), 'display:none')]]"
)
SHOWN_MARK: Final = "data-quaero-shown"
"""Set on what keep_app_content kept (a panel revealed, a button kept as text): markdown.py counts them."""
_HIDDEN_STYLE: Final = "display:none"
_STYLE_CASE: Final = str.maketrans("DISPLAYNOE", "displaynoe", " ")  # the XPath's translate(), in Python
# _HIDDEN's elements, buttons and those with a role or controlling another (tab parts, narrowed down in Python).
_APP_PARTS: Final = etree.XPath(
    f"/descendant::*[@{SHOWN_MARK} or @role or @aria-controls or self::button or @hidden or @aria-hidden='true'"
    " or @style[contains(translate(., 'DISPLAYNOE ', 'displaynoe'), 'display:none')]]"
)
_BUTTONS: Final = etree.XPath("/descendant::button")
_WITH_ID: Final = etree.XPath("/descendant::*[@id]")


def keep_app_content(document: _Element) -> int:
    """Reveal collapsed panels, label tab panels, and keep the text of buttons that is content. Returns how
    many such parts it kept (tab bars shown, panels revealed, buttons kept as text) and how many elements the
    page marked with ``SHOWN_MARK`` itself: 0 on a plain page, whose elements then carry no such mark."""
    kept = 0
    by_id: dict[str, _Element] = {}
    # The page's tab parts, hidden elements and buttons in one walk: the later lists as read before anything
    # changed, good for as long as nothing did (most pages have no tabs nor panels: nothing changes).
    parts = _elements(_APP_PARTS, document)
    tab_parts = [
        element for element in parts if element.get("aria-controls") or element.get("role") in ("tab", "tabpanel")
    ]
    buttons = [element for element in parts if element.tag == "button"]
    marked_before = sum(1 for element in parts if element.get(SHOWN_MARK) is not None)
    if tab_parts:
        by_id = {element.get("id", ""): element for element in _elements(_WITH_ID, document)}
    for tabs, panels in [*_aria_tab_bars(tab_parts, by_id), *_button_tab_bars(buttons)]:
        _show_tab_bar(tabs, panels)
        kept += 1
    not_content: list[_Element] = []
    for control in tab_parts:
        panels = _controlled(control, by_id)
        if any(_is_junk(panel) for panel in panels):
            not_content.append(control)  # opens a menu or a dialog
        elif panels and ((is_control(control) and not opens_popup(control)) or control.get("role") == "tabpanel"):
            for panel in panels:
                _reveal(panel)
                kept += 1
        elif not panels and control.get("role") == "tab" and control.get("aria-selected") != "true":
            not_content.append(control)  # a tab whose panel is not in the page: its label tells nothing
    unchanged = kept == 0  # no bar shown, no panel revealed, no button made a tab
    for hidden in (
        [element for element in parts if _found_hidden(element)] if unchanged else _elements(_HIDDEN, document)
    ):
        shown_by_control = (
            hidden.get("role") == "tabpanel" or hidden.get("hidden") == "until-found" or _follows_control(hidden)
        )
        if shown_by_control and not _is_junk(hidden):
            _reveal(hidden)
            kept += 1
    for element in not_content:
        if element.getparent() is not None:
            remove_element(element)
    if kept or not_content:  # some changed: buttons may have gone or come
        buttons = _elements(_BUTTONS, document)
    for button in buttons:
        if button.getparent() is None:
            continue
        if is_content_button(button):
            button.set(SHOWN_MARK, "")
            write_inline(button)
            kept += 1
        else:
            remove_element(button)
    return kept + marked_before


def prepare_elements(content: _Element) -> None:
    """Code drawn as rows becomes one block; items side by side get a space between them."""
    write_code_rows(content)
    space_side_by_side(content)


def _elements(query: etree.XPath | str, context: _Element) -> list[_Element]:
    found = query(context) if isinstance(query, etree.XPath) else context.xpath(query)
    assert isinstance(found, list), f"XPath {query!r} selects no nodes"
    return [node for node in found if isinstance(node, _Element) and is_markup(node)]


# --- tabs and panels -------------------------------------------------------------------------------


def _aria_tab_bars(
    tab_parts: list[_Element], by_id: dict[str, _Element]
) -> list[tuple[list[_Element], list[_Element]]]:
    """Each tab bar (its ``role=tab`` elements, grouped by their tablist or parent) with its panels,
    found by the tabs' ``aria-controls`` or the panels' ``aria-labelledby``; a tab without a panel
    in the DOM leaves the panel list short."""
    labelled = {
        name: element
        for element in tab_parts
        if element.get("role") == "tabpanel"
        for name in (element.get("aria-labelledby") or "").split()
    }
    bars: dict[_Element, tuple[list[_Element], list[_Element]]] = {}  # keyed by the bar (kept alive)
    for tab in (element for element in tab_parts if element.get("role") == "tab"):
        bar = next((a for a in tab.iterancestors() if a.get("role") == "tablist"), tab.getparent())
        if bar is None:
            continue
        tabs, panels = bars.setdefault(bar, ([], []))
        controlled = _controlled(tab, by_id)
        panel = controlled[0] if controlled else labelled.get(tab.get("id", ""))
        tabs.append(tab)
        if panel is not None:
            panels.append(panel)
    return list(bars.values())


def _button_tab_bars(buttons: list[_Element]) -> list[tuple[list[_Element], list[_Element]]]:
    """Rows of buttons that act as tabs without saying so: one of them marked as chosen, and after
    the row (or after one of its three closest ancestors) as many sibling panels, one shown; a row
    of one button when its class names it a tab."""
    bars = []
    rows = {id(parent): parent for button in buttons if (parent := button.getparent()) is not None}
    for row in rows.values():
        buttons = [child for child in row if child.tag == "button" and shown_text(child).strip()]
        chosen = [button for button in buttons if _is_marked_chosen(button)]
        # A row of one is a tab bar only when its class says so (an API's only response: "200 OK").
        if len(chosen) != 1 or (len(buttons) < 2 and not _is_named_tab(buttons[0])):
            continue
        anchor: _Element | None = row
        for _ in range(4):
            if anchor is None:
                break
            panels = _sibling_panels(anchor, len(buttons))
            if panels:
                for button in buttons:
                    button.set("role", "tab")  # a tab: its label is content (see is_content_button)
                bars.append((buttons, panels))
                break
            anchor = anchor.getparent()
    return bars


def _sibling_panels(anchor: _Element, count: int) -> list[_Element]:
    """The ``count`` siblings right after ``anchor`` if they share a tag and exactly one is shown."""
    panels: list[_Element] = []
    following = anchor.getnext()
    while following is not None and len(panels) < count:
        if not is_markup(following) or (panels and following.tag != panels[0].tag):
            break
        panels.append(following)
        following = following.getnext()
    if len(panels) != count or (following is not None and following.tag == panels[0].tag):
        return []
    shown = [panel for panel in panels if not is_hidden(panel)]
    return panels if len(shown) == 1 else []


def _show_tab_bar(tabs: list[_Element], panels: list[_Element]) -> None:
    """Reveal the panels; when each tab has its panel and every panel has text, each panel starts
    with its tab's label and the tabs go (they would only repeat the labels)."""
    if any(_is_junk(panel) for panel in panels):
        return
    for panel in panels:
        _reveal(panel)
    labels = [one_line(shown_text(tab)) for tab in tabs]
    if len(panels) != len(tabs) or not all(labels) or not all(text_of(panel).strip() for panel in panels):
        return
    for label, panel in zip(labels, panels, strict=True):
        if not one_line(text_of(panel)).startswith(label):
            heading = etree.Element("p")
            etree.SubElement(heading, "strong").text = label
            heading.tail, panel.text = panel.text, None
            panel.insert(0, heading)
    for tab in tabs:
        if tab.getparent() is not None:
            remove_element(tab)


def _found_hidden(element: _Element) -> bool:
    """Whether ``_HIDDEN`` finds ``element``."""
    get = element.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    return style is not None and _HIDDEN_STYLE in style.translate(_STYLE_CASE)


def _controlled(control: _Element, by_id: dict[str, _Element]) -> list[_Element]:
    names = (control.get("aria-controls") or "").split()
    return [by_id[name] for name in names if name in by_id and by_id[name] is not control]


def _follows_control(hidden: _Element) -> bool:
    """A hidden block right after a button or an ``aria-expanded`` control (or what wraps one): an
    accordion's panel."""
    if hidden.tag not in BLOCK_TAGS:
        return False
    previous = hidden.getprevious()
    if previous is None or not is_markup(previous) or opens_popup(previous):
        return False
    if previous.get("aria-expanded") is not None:
        return True
    if previous.tag == "button" or previous.get("role") == "button":
        return is_content_button(previous)
    return previous.find(".//*[@aria-expanded]") is not None


def _is_marked_chosen(button: _Element) -> bool:
    if "true" in (button.get("aria-pressed"), button.get("aria-selected"), button.get("aria-current")):
        return True
    return not _SELECTED_MARKS.isdisjoint(_CLASS_PARTS.findall((button.get("class") or "").lower()))


def _is_named_tab(element: _Element) -> bool:
    return "tab" in _CLASS_PARTS.findall((element.get("class") or "").lower())


def _reveal(element: _Element) -> None:
    element.set(SHOWN_MARK, "")
    for name in ("hidden", "aria-hidden"):
        if name in element.attrib:
            del element.attrib[name]
    style = element.get("style")
    if style is not None:
        element.set("style", DISPLAY_NONE.sub("", style))


def _is_junk(element: _Element) -> bool:
    """Hidden junk rather than a collapsed panel: a dialog, a menu, a tooltip, navigation, a form, or
    a block that is mostly links (an off-screen menu)."""
    if element.tag in _JUNK_TAGS or element.get("role") in _JUNK_ROLES:
        return True
    if element.get("aria-modal") is not None or element.get("popover") is not None:
        return True
    if JUNK_MARKS.search(f"{element.get('class') or ''} {element.get('id') or ''}".lower()):
        return True
    links = [text_of(link) for link in element.iter("a") if link.get("href") is not None]
    text = len(one_line(text_of(element)))
    return len(links) >= 2 and sum(len(one_line(link)) for link in links) >= 0.7 * text
