"""Code samples an application renders as rows of elements, written as one fenced code block.

Viewers and highlighters draw a sample one element per line (a ``div`` or a ``span class="line"``,
list items for a collapsible JSON tree), often with a line number in front of each line. The writer
would make each row a paragraph or a bullet of inline code; here the rows become the lines of one
``<pre><code>``: line numbers out, a JSON tree's nesting as indentation, the language kept where a
class or a ``data-lang`` names it.
"""

from __future__ import annotations

import re
import textwrap
from itertools import islice, pairwise
from typing import Final

from lxml import etree
from lxml.etree import _Element

from quaero_desktop.crawler.html_tree import text_of

# Elements that are a line of their own inside a code container.
_ROW_TAGS: Final = frozenset({"div", "p", "li", "tr", "pre", "ul", "ol", "table", "tbody", "thead", "section", "dd"})
_LISTS: Final = frozenset({"ul", "ol"})
# A class part ("token-line", "cm-line", "CodeMirror-line", "line") naming a line of code.
_LINE_CLASS: Final = re.compile(r"(?<![a-z0-9])line(?![a-z0-9])")
# Class parts of a code viewer's container (split at "-", "_" and spaces: "redoc-json", "json-tree").
_CODE_CLASS: Final = re.compile(
    r"(?<![a-z0-9])(?:code|codeblock|highlight|hljs|prism|syntax|sourcecode|json|yaml|xml|codemirror|cm|monaco|shiki)"
    r"(?![a-z0-9])"
)
# Class parts of line numbers and their gutters; removed when they hold nothing but digits.
_NUMBER_CLASS: Final = re.compile(
    r"(?<![a-z0-9])(?:ln|lineno|linenos|line-?nums?|line-?numbers?|gutters?|blob-num|ln-n|ln-numbers)(?![a-z0-9])"
)
_NUMBER_ATTRIBUTES: Final = ("data-line-number", "data-linenumber", "data-line")
# A highlighter's token for a value: digits in it are the sample's own (a JSON array of numbers).
_VALUE_CLASS: Final = re.compile(r"(?<![a-z0-9])(?:token|number|num|integer|literal|mi|mf|m)(?![a-z0-9])")
_PRE_STYLE: Final = re.compile(r"white-space\s*:\s*(?:pre|break-spaces)", re.IGNORECASE)
_DIGITS: Final = re.compile(r"\s*\d*\s*")
# Headings and paragraphs: a container holding them is prose that only looks like code ("code-of-conduct").
_PROSE: Final = etree.XPath(
    "boolean(.//p or .//h1 or .//h2 or .//h3 or .//h4 or .//h5 or .//h6 or .//blockquote or .//dl or .//figure)"
)
_LANGUAGE_CLASS: Final = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)")
# Language names a class may carry as one of its parts ("redoc-json", "json-tree", "hljs yaml").
_LANGUAGE_PARTS: Final = frozenset(
    {"json", "yaml", "yml", "xml", "javascript", "typescript", "python", "bash", "sql", "java", "ruby", "php"}
    | {"csharp", "kotlin", "swift", "rust", "graphql", "toml"}
)
_CLASS_PARTS: Final = re.compile(r"[a-z0-9+#]+")
_ROW_TEST: Final = (
    "self::div or self::p or self::li or self::tr or self::pre or self::ul or self::ol or self::table"
    " or self::tbody or self::thead or self::section or self::dd"
    " or contains(@class, 'line') or contains(@class, 'Line')"
)
# _ROW_TEST asked of the tags' and the classes' own walks (a highlighted block's tokens were each asked all of it).
_ROW_INSIDE: Final = (
    " or ".join(f"descendant::{tag}" for tag in sorted(_ROW_TAGS))
    + " or descendant::*/@class[contains(., 'line') or contains(., 'Line')]"
)
_ROWS_IN_CODE: Final = etree.XPath(f"descendant::pre[{_ROW_INSIDE}] | descendant::code[{_ROW_INSIDE}]")
_MULTILINE_PRE: Final = etree.XPath("boolean(descendant::pre[contains(., '\n')])")
_NUMBERS: Final = re.compile(r"[\d\s]*")
_BLOCK_IN_CELL: Final = etree.XPath(
    "boolean(.//p or .//div or .//pre or .//ul or .//ol or .//table or .//h1 or .//h2 or .//h3 or .//h4"
    " or .//h5 or .//h6 or .//blockquote or .//dl or .//section)"
)
_TEXT_LEAVES: Final = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "li")
# Rows holding no row: a line each (a pre among them holds a whole block, and is one).
_LEAF_ROWS: Final = etree.XPath(f"count(descendant::*[{_ROW_TEST}][not(descendant::*[{_ROW_TEST}])])")


def write_code_rows(content: _Element) -> None:
    """Every code sample drawn as rows under ``content`` becomes one ``<pre><code>`` block."""
    found = _ROWS_IN_CODE(content)
    assert isinstance(found, list), "the XPath selects nodes"
    containers = [element for element in found if isinstance(element, _Element)]
    line_parents: dict[int, _Element] = {}
    kinds: dict[str, tuple[bool, bool]] = {}  # per class: names code, names a line (a page repeats a few)
    for element in content.iter("*"):
        marks = element.get("class")
        if not marks:
            continue
        kind = kinds.get(marks)
        if kind is None:
            lowered = marks.lower()
            kind = kinds[marks] = (bool(_CODE_CLASS.search(lowered)), bool(_LINE_CLASS.search(lowered)))
        names_code, names_line = kind
        in_code_block = names_code and len(element) and element.tag not in ("pre", "code")
        # A container already holding a block of several lines (a table of line numbers beside the
        # code) is not drawn as rows: _unwrap_table below keeps its code.
        if in_code_block and not _PROSE(element) and not _MULTILINE_PRE(element) and _leaf_rows(element) >= 2:
            containers.append(element)
        if names_line and (parent := element.getparent()) is not None:
            line_parents[id(parent)] = parent
    for parent in line_parents.values():
        lines = sum(1 for child in parent if _LINE_CLASS.search((child.get("class") or "").lower()))
        if lines >= 2 and not _PROSE(parent):
            containers.append(parent)
    ids = {id(container) for container in containers}  # the containers stay alive in the list
    outermost = {
        id(container): container
        for container in containers
        if not any(id(ancestor) in ids for ancestor in container.iterancestors())
    }
    for container in outermost.values():
        _replace_by_block(container)
    for table in [table for table in content.iter("table") if _has_code_in_cells(table)]:
        if not any(ancestor.tag == "table" for ancestor in table.iterancestors()):
            _unwrap_table(table)


def _has_code_in_cells(table: _Element) -> bool:
    """Whether a cell of ``table`` holds a code block of several lines: read from its blocks of code, as
    most tables have none (an XPath asking each cell walked every table's cells)."""
    for pre in table.iter("pre"):
        if "\n" not in text_of(pre):
            continue
        for up in pre.iterancestors():
            if up is table:
                break
            if up.tag in ("td", "th"):
                return True
    return False


def _unwrap_table(table: _Element) -> None:
    """A table whose cells hold code blocks (an API's responses: code, description, sample) is layout,
    not a grid: a pipe table cannot hold a block, the writer would squeeze each sample onto one line.
    Its rows become blocks; the cells without blocks lead the row's first line ("200 OK"), column
    headers go (they label a grid no longer there), and a cell of line numbers goes."""
    for row in list(table.iter("tr")):
        cells = [cell for cell in row if is_markup(cell) and cell.tag in ("td", "th")]
        section = row.getparent()
        if (section is not None and section.tag == "thead") or (cells and all(cell.tag == "th" for cell in cells)):
            _drop(row)
            continue
        leading: list[_Element] = []
        for cell in cells:
            if cell.find(".//pre") is not None and _NUMBERS.fullmatch(text_of(cell)) is not None:
                _drop(cell)  # line numbers beside the code
            elif not _BLOCK_IN_CELL(cell):
                cell.tag = "span"
                cell.tail = " "
                leading.append(cell)
            else:
                cell.tag = "div"
                first = next((block for block in cell.iter(*_TEXT_LEAVES) if _leaf_block(block)), None)
                if leading and first is not None:
                    for position, lead in enumerate(leading):
                        first.insert(position, lead)
                    leading[-1].tail = " " + (first.text or "").lstrip()
                    first.text = None
                leading = []
        row.tag = "div"
    for part in [table, *table.iter("tbody", "thead", "tfoot", "caption")]:
        part.tag = "div"


def _leaf_block(block: _Element) -> bool:
    return bool(text_of(block).strip()) and not _BLOCK_IN_CELL(block)


def _leaf_rows(element: _Element) -> int:
    count = _LEAF_ROWS(element)
    assert isinstance(count, float), "count() is a number"
    return int(count)


def is_markup(element: _Element) -> bool:
    """False for a comment or processing instruction (lxml gives those a function as their tag)."""
    tag: object = element.tag
    return isinstance(tag, str)


def _is_row(element: _Element) -> bool:
    if not is_markup(element):
        return False
    return element.tag in _ROW_TAGS or bool(_LINE_CLASS.search((element.get("class") or "").lower()))


def _is_line_number(element: _Element) -> bool:
    marked = _NUMBER_CLASS.search((element.get("class") or "").lower()) or any(
        element.get(name) is not None for name in _NUMBER_ATTRIBUTES
    )
    return bool(marked) and _DIGITS.fullmatch(text_of(element)) is not None


def _replace_by_block(container: _Element) -> None:
    for number in [element for element in container.iterdescendants() if _is_line_number(element)]:
        _drop(number)
    text = _code_text(container)
    if not text.strip():
        return
    block = etree.Element("pre")
    code = etree.SubElement(block, "code")
    code.text = text
    language = _language(container)
    if language:
        code.set("class", f"language-{language}")
    parent = container.getparent()
    if parent is None:  # the content root itself: keep the element, replace what it holds
        for child in list(container):
            container.remove(child)
        container.text = None
        container.append(block)
        return
    block.tail = container.tail
    parent.replace(container, block)


def _drop(element: _Element) -> None:
    """Remove the element, keeping its tail."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


class _Lines:
    """The lines of a code container, read row by row: each with its nesting and the line number its
    row started with (a separate element holding only digits), if any. Nesting is counted in lists
    (a JSON tree of ``ul``/``li``) or, with ``by_rows``, in rows holding two rows or more (a tree of
    ``div``)."""

    def __init__(self, *, by_rows: bool) -> None:
        self.rows: list[tuple[int, str | None, str]] = []
        self._by_rows = by_rows
        self._parts: list[str] = []
        self._number: str | None = None

    def add(self, text: str | None) -> None:
        if text:
            self._parts.append(text)

    def end_line(self, depth: int, *, always: bool = False) -> None:
        text = "".join(self._parts)
        if always or text.strip() or self._number is not None:
            self.rows.append((depth, self._number, text))
        self._parts.clear()
        self._number = None

    def read(self, element: _Element, depth: int) -> None:
        tag = element.tag
        if not isinstance(tag, str):
            return
        if tag == "br":
            self._parts.append("\n")
            return
        row = _is_row(element)
        if row:
            self.end_line(depth)
        self.add(element.text)
        children = list(element)
        if self._by_rows:
            inner = depth + 1 if row and sum(1 for child in children if _is_row(child)) >= 2 else depth
        else:
            inner = depth + 1 if tag in _LISTS else depth
        if row and children and not (element.text or "").strip() and _is_number_cell(children[0]):
            self._number = text_of(children[0]).strip()
            self.add(children[0].tail)
            children = children[1:]
        for child in children:
            self.read(child, inner)
            self.add(child.tail)
        if row:
            leaf = not any(_is_row(descendant) for descendant in element.iterdescendants())
            self.end_line(depth, always=leaf)


def _is_number_cell(element: _Element) -> bool:
    """An unmarked element that may hold a line number: digits alone, not a highlighter's token."""
    if not is_markup(element) or (_is_row(element) and next(element.iterdescendants(), None) is not None):
        return False
    if _VALUE_CLASS.search((element.get("class") or "").lower()):
        return False
    text = text_of(element).strip()
    return text.isdigit() and len(text) <= 6


def _code_text(container: _Element) -> str:
    """The container's lines. Spaces are the code's own in a ``pre`` (or under ``white-space: pre``)
    and where the page wrote its rows without line breaks between tags, as scripts do; otherwise the
    HTML's layout is not the code's: spaces collapse, as the browser shows them, and nesting indents."""
    in_lists = container.find(".//ul") is not None or container.find(".//ol") is not None
    verbatim = _keeps_spaces(container) or not any("\n" in text for text in container.itertext())
    lines = _Lines(by_rows=not in_lists and not verbatim)
    lines.add(container.text)
    for child in container:
        lines.read(child, 0)
        lines.add(child.tail)
    lines.end_line(0)
    rows = lines.rows
    numbers = [number for _, number, _ in rows]
    numbered = len(rows) >= 2 and all(number is not None for number in numbers)
    if numbered:
        values = [int(number or "0") for number in numbers]
        numbered = all(later == earlier + 1 for earlier, later in pairwise(values))
    written: list[str] = []
    shallowest = min((depth for depth, _, _ in rows), default=0)
    for depth, number, text in rows:
        text = text.lstrip("\r\n").rstrip() if verbatim else " ".join(text.split())
        if number is not None and not numbered:
            text = f"{number} {text}" if text else number
        indent = depth - shallowest if in_lists or not verbatim else 0
        written.append("  " * indent + text if text else "")
    return textwrap.dedent("\n".join(written)).strip("\n")


def _keeps_spaces(container: _Element) -> bool:
    """Whether the browser keeps the container's spaces and line breaks: in a ``pre``, or a style says so."""
    for element in [container, *container.iterancestors()]:
        if element.tag == "pre" or _PRE_STYLE.search(element.get("style") or ""):
            return True
    return False


def _language(container: _Element) -> str:
    """The language a class (``language-json``, ``lang-yaml``, a part such as ``redoc-json``) or a
    ``data-lang`` of the container, of an element in it or of its close ancestors names; "" if none."""
    nearby = [container, *islice(container.iterdescendants(), 200), *islice(container.iterancestors(), 3)]
    for element in nearby:
        if not is_markup(element):
            continue
        named = element.get("data-lang") or element.get("data-language")
        if named and named.strip():
            return named.strip().lower()
        match = _LANGUAGE_CLASS.search(element.get("class") or "")
        if match:
            return match.group(1).lower()
    for element in nearby:
        if is_markup(element):
            parts = _LANGUAGE_PARTS.intersection(_CLASS_PARTS.findall((element.get("class") or "").lower()))
            if parts:
                return sorted(parts)[0]
    return ""
