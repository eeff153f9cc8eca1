"""The search box's syntax, one parser for the window, the command line and the MCP server.

    fog signal          both words (every word must match; "signals" matches "signal")
    "fog signal"        the exact phrase
    fog OR mist         either word (OR in capitals, between two words or phrases)
    -horn               leave out documents with this word (also -"a phrase", -site:…, -source:…)
    sign*               words that start with "sign"
    site:example.com    documents from this host or its subdomains (several: any of them)
    title:keeper        the word in the title (title:"a phrase" too)
    source:team-wiki    documents of this crawl definition (several: any of them)

Anything else is taken literally: punctuation separates words (``zebra-striped`` is the phrase
"zebra striped"), ``AND``/``NOT``/``NEAR`` and brackets are plain text, an unknown ``field:`` is
two words. Parsing never fails; what the store makes of the result can never be a syntax error
(``store/search_query.py`` quotes every term).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A word as SQLite's unicode61 tokenizer sees it: letters and digits (the underscore separates).
WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FIELDS = ("site", "title", "source")
_FIELD = re.compile(r"(?i)(site|title|source):(?=\S)")

# A query's bounds. FTS5 ranks and makes snippets in time that grows with the square of a query's
# terms (a 400-word query took a minute, issue 21); nobody types more than a few words, and an
# assistant's long question gains nothing past these. The rest of a longer query is left out, said.
MAX_QUERY_WORDS = 32  # words of terms and phrases, excluded ones too; each site:/source: filter counts one
MAX_QUERY_CHARS = 2000  # read at most this much of what was typed (a pasted page is not parsed whole)

# While typing, the last word counts as a prefix from this many characters on: "t*" or "to*" would
# match most of a knowledge base and rank slowly, and one or two letters rarely mean a word yet.
MIN_TYPING_PREFIX = 3

# The syntax with what each form means, for the window's Help (the docstring above says the same).
SYNTAX_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("fog signal", 'both words (every word must match; "signals" matches "signal")'),
    ('"fog signal"', "the exact phrase"),
    ("fog OR mist", "either word (OR in capitals, between two words or phrases)"),
    ("-horn", 'leave out documents with this word (also -"a phrase", -site:…, -source:…)'),
    ("sign*", 'words that start with "sign"'),
    ("site:example.com", "documents from this host or its subdomains (several: any of them)"),
    ("title:keeper", 'the word in the title (title:"a phrase" too)'),
    ("source:team-wiki", "documents of this crawl definition, by its id (several: any of them)"),
)

SYNTAX_HELP = (
    'fog signal: both words · "fog signal": the phrase · fog OR mist: either · -horn: without · '
    "sign*: words starting with · site:example.com · title:keeper · source:DEFINITION_ID"
)


@dataclass(frozen=True)
class Term:
    """Words that must appear together (one word, or a phrase), in any column or only the title."""

    words: tuple[str, ...]
    prefix: bool = False  # the last word is a prefix (typed with *, or still being typed)
    title_only: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class SearchQuery:
    """What a user asked for. ``clauses`` must all match; each clause is one term or several joined by OR."""

    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    sites: tuple[str, ...] = ()
    excluded_sites: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    excluded_sources: tuple[str, ...] = ()
    cut: str = ""  # what was left out of a query over its bounds, in words for the user ("" when nothing was)

    @property
    def has_text(self) -> bool:
        """True when full-text terms must match (else the query only filters, or is empty)."""
        return bool(self.clauses)

    @property
    def is_empty(self) -> bool:
        return self == SearchQuery()

    @property
    def has_prefix(self) -> bool:
        return any(term.prefix for clause in self.clauses for term in clause)

    def positive_terms(self) -> list[Term]:
        """The terms a matching document may contain (what a preview highlights)."""
        return [term for clause in self.clauses for term in clause]


@dataclass
class _Token:
    negated: bool
    field: str | None  # site, title, source, or None for plain text
    value: str
    quoted: bool
    prefix: bool  # ended with *
    is_or: bool = False
    at_end: bool = False  # the last token, with nothing typed after it


@dataclass
class _Builder:
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    excluded_sites: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    excluded_sources: list[str] = field(default_factory=list)


def parse_query(text: str, *, as_you_type: bool = False) -> SearchQuery:
    """Parse what the user typed. ``as_you_type``: a last word not followed by a space is a prefix
    (the window searches while the user types; the command line and MCP take whole words)."""
    tokens, cut = _within_bounds(_tokens(text[:MAX_QUERY_CHARS]), len(text))
    if as_you_type and tokens and not cut and not text[-1:].isspace():
        tokens[-1].at_end = True
    built = _Builder()
    pending_or = False
    for position, token in enumerate(tokens):
        if token.is_or:
            previous_is_text = position > 0 and _is_positive_text(tokens[position - 1])
            next_is_text = position + 1 < len(tokens) and _is_positive_text(tokens[position + 1])
            if previous_is_text and next_is_text and built.clauses:
                pending_or = True
                continue
            if _is_filter(tokens, position - 1) or _is_filter(tokens, position + 1):
                continue  # site:a OR site:b: several sites are alternatives anyway
            token = _Token(negated=False, field=None, value="OR", quoted=False, prefix=False, at_end=token.at_end)
        if token.field in ("site", "source"):
            _add_filter(built, token)
            continue
        term = _term(token)
        if term is None:
            pending_or = False
            continue
        if token.negated:
            built.excluded.append(term)
        elif pending_or:
            built.clauses[-1].append(term)
        else:
            built.clauses.append([term])
        pending_or = False
    return SearchQuery(
        clauses=tuple(dict.fromkeys(tuple(dict.fromkeys(clause)) for clause in built.clauses)),
        excluded=tuple(dict.fromkeys(built.excluded)),
        sites=tuple(dict.fromkeys(built.sites)),
        excluded_sites=tuple(dict.fromkeys(built.excluded_sites)),
        sources=tuple(dict.fromkeys(built.sources)),
        excluded_sources=tuple(dict.fromkeys(built.excluded_sources)),
        cut=cut,
    )


def _within_bounds(tokens: list[_Token], length: int) -> tuple[list[_Token], str]:
    """The tokens within MAX_QUERY_WORDS (a phrase that would pass it cut short), and what was left out."""
    kept: list[_Token] = []
    budget = MAX_QUERY_WORDS
    for token in tokens:
        if token.is_or:
            kept.append(token)
            continue
        words = 1 if token.field in ("site", "source") else len(WORD.findall(token.value))
        if words > budget:
            if budget > 0 and token.field not in ("site", "source"):
                last = list(WORD.finditer(token.value))[budget - 1]
                kept.append(dataclasses.replace(token, value=token.value[: last.end()], prefix=False))
            return kept, _cut_note(length)
        budget -= words
        kept.append(token)
    if length > MAX_QUERY_CHARS:
        return kept, _cut_note(length)
    return kept, ""


def _cut_note(length: int) -> str:
    if length > MAX_QUERY_CHARS:
        return (
            f"The query is {length:,} characters long: only its first {MAX_QUERY_CHARS:,} characters and at most "
            f"{MAX_QUERY_WORDS} words were searched."
        )
    return f"The query has more than {MAX_QUERY_WORDS} words: only its first {MAX_QUERY_WORDS} were searched."


def normalise_site(value: str) -> str:
    """``https://Wiki.Example.com/docs`` -> ``wiki.example.com``; "" when it names no host."""
    value = value.strip().lower()
    if "://" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    return host.strip(".")


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position, length = 0, len(text)
    while position < length:
        if text[position].isspace():
            position += 1
            continue
        negated = False
        if text[position] == "-" and position + 1 < length and not text[position + 1].isspace():
            negated = True
            position += 1
        field_name: str | None = None
        matched = _FIELD.match(text, position)
        if matched:
            field_name = matched.group(1).lower()
            position = matched.end()
        if position < length and text[position] == '"':
            closing = text.find('"', position + 1)
            end = length if closing < 0 else closing
            value = text[position + 1 : end]
            position = end + 1
            prefix = position < length and text[position] == "*"
            if prefix:
                position += 1
            tokens.append(_Token(negated, field_name, value, quoted=True, prefix=prefix))
            continue
        start = position
        while position < length and not text[position].isspace() and text[position] != '"':
            position += 1
        value = text[start:position]
        is_or = value == "OR" and not negated and field_name is None
        tokens.append(
            _Token(negated, field_name, value, quoted=False, prefix=value.endswith("*") and not is_or, is_or=is_or)
        )
    return tokens


def _is_positive_text(token: _Token) -> bool:
    return not token.negated and not token.is_or and token.field in (None, "title") and bool(WORD.search(token.value))


def _is_filter(tokens: list[_Token], position: int) -> bool:
    return 0 <= position < len(tokens) and tokens[position].field in ("site", "source")


def _add_filter(built: _Builder, token: _Token) -> None:
    if token.field == "site":
        site = normalise_site(token.value)
        if site:
            (built.excluded_sites if token.negated else built.sites).append(site)
        return
    source = token.value.strip().lower()
    if source:
        (built.excluded_sources if token.negated else built.sources).append(source)


def _term(token: _Token) -> Term | None:
    words = tuple(WORD.findall(token.value))
    if not words:
        return None
    # A prefix: a * right after the last letter or the closing quote ("zebra-*" is no prefix), or,
    # while typing, a last word of MIN_TYPING_PREFIX letters or more.
    typed_star = token.prefix and (token.quoted or re.search(r"[^\W_]\*+$", token.value) is not None)
    typing = token.at_end and not token.quoted and not token.negated and len(words[-1]) >= MIN_TYPING_PREFIX
    prefix = typed_star or typing
    return Term(words=words, prefix=prefix, title_only=token.field == "title")
