"""Secrets that URLs carry, masked in whatever leaves the store: answers, exports, command line output.

A page's links, a start URL, a job's error can hold a credential: ``?token=…``, ``&api_key=…``,
``;jsessionid=…``, ``https://user:password@host``. The store keeps them as crawled (the crawl
needs them); everything a user or an assistant is handed goes through this module, which replaces
the value of a token-like parameter with ``URL_MASK`` and a URL's password likewise, leaving the
rest of the link as it was (it still leads to the page, without the credential).

Only URLs are touched: absolute ones (``https://…``, in text, in ``<…>`` autolinks or in a link),
Markdown link targets (``](…)``, relative ones too) and ``href=``/``src=`` values; other text is
left alone. A text is first scanned once for what a secret needs (a secret-looking name before
"=", a password before "@"); only then are its URLs found, in one pass of one compiled expression,
and only those holding such a name are taken apart: a document of megabytes costs a scan or two.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final
from urllib.parse import unquote

URL_MASK: Final = "***"  # ASCII: a masked URL stays readable as it is (no percent escapes)
# Parameter names whose values are credentials more often than not. "key" and "code" are generic,
# and kept: Google's and many other APIs take their key as ?key=, OAuth's authorisation code comes
# as ?code=; masking a harmless value only hides it, missing a key gives it away. "author" is not
# "auth" (blogs list an author's posts with ?author=2).
SECRET_PARAMETER: Final = re.compile(
    r"(?i)^(?:.*(?:token|secret|passw|pwd|sessid|session|credential|signature|api[-_]?key|hmac"
    r"|auth(?!ors?(?:[-_]?(?:id|name))?$)).*"
    r"|sid|sig|sign|key|jwt|code|ticket|bearer|otp|pass)$"
)
# What a secret needs, each found by one scan in C before any URL is looked at (most texts have
# neither): a parameter whose name holds a secret word, or a password before "@". Each starts with
# a character or a literal, which the scan skips to.
_SECRET_NAME: Final = re.compile(
    r"(?i)[?&;][^=&;#?\s<>\"'`()/|]{0,200}?(?:token|secret|pass|pwd|sess|credential|sig|key|hmac|auth|sid|jwt|code"
    r"|ticket|bearer|otp)"
)
_PASSWORD: Final = re.compile(r"://[^/?#@\s<>\"'`]{0,256}:[^/?#@\s<>\"'`]{0,256}@")
# Where URLs are: an absolute URL, a Markdown link target (relative ones too), an href or src value.
# Each match runs to the next character that ends a URL in text, so the pass is linear.
_URL_SPAN: Final = re.compile(
    r"(?i)\b(?:https?|ftps?|wss?)://[^\s<>\"'`]+"
    r"|\]\(\s*<?[^\s<>\"'`)]+"
    r"|\b(?:href|src)\s*=\s*[\"']?[^\s<>\"'`]+"
)
# A parameter: after ?, & or ; (matrix parameters: ;jsessionid=), a name and "=". Only the name is
# consumed, so a parameter inside another's value (?next=/login?token=…) is found too.
# Markdown escapes an underscore in text (api\\_key=): a backslash in a name is read past.
_PARAMETER: Final = re.compile(r"[?&;]([^=&;#?\s<>\"'`()/|]{1,200})=")
# Where a secret value ends: the next parameter (a matrix parameter's value ends at the query),
# the fragment, or what ends the URL in text (Markdown's emphasis too). No token has these.
_VALUE_END: Final = re.compile(r"[&;?#\s<>\"'`)\]|*]")
# A password in a URL: scheme://user:password@host.
_USERINFO: Final = re.compile(r"(://[^/?#@:\s<>\"'`]*):([^/?#@\s<>\"'`]+)@")
# In a snippet (a passage of text, its URLs possibly cut or their scheme highlighted, and the Markdown
# taken out: "api\\_key=" reads "api key=") any "name=value" is looked at, with up to three words
# before the name: the value goes if one of them, or all of them joined by "_", looks secret.
_SNIPPET_MARKS: Final = ("\ue011", "\ue012")  # private-use characters stand for the caller's marks
_SNIPPET_ASSIGNMENT: Final = re.compile(
    r"((?:[^\s=&;#?<>\"'`()|]{1,100} ){0,3}[^\s=&;#?<>\"'`()|]{1,100})=([^&;?#\s<>\"'`)\]|]+)"
)


def is_secret_parameter(name: str) -> bool:
    """Whether a query parameter of this name (percent escapes allowed) is taken for a credential."""
    name = name.replace("\\", "") if "\\" in name else name
    return SECRET_PARAMETER.match(unquote(name) if "%" in name else name) is not None


def mask_url_text(text: str) -> str:
    """``text`` with the credentials in its URLs masked (token-like query values, passwords); the rest as it was."""
    if not _may_hold_secret(text):
        return text
    return _URL_SPAN.sub(_masked_span, text)


def mask_snippet(snippet: str, mark: tuple[str, str] = ("", "")) -> str:
    """A search snippet with token-like parameter values masked wherever they are: a snippet is a
    passage of text whose URLs may be cut or have a highlighted word (``mark`` around it) in them."""
    if "=" not in snippet:
        return snippet
    plain = snippet
    if mark[0]:
        plain = plain.replace(mark[0], _SNIPPET_MARKS[0])
    if mark[1]:
        plain = plain.replace(mark[1], _SNIPPET_MARKS[1])
    masked = _SNIPPET_ASSIGNMENT.sub(_masked_assignment, _USERINFO.sub(_masked_password, plain))
    if masked == plain:
        return snippet
    return masked.replace(_SNIPPET_MARKS[0], mark[0]).replace(_SNIPPET_MARKS[1], mark[1])


def masked_values(value: object) -> object:
    """A JSON-like value (dicts, lists, strings) with ``mask_url_text`` applied to every string in it."""
    if isinstance(value, str):
        return mask_url_text(value)
    if isinstance(value, Mapping):
        return {key: masked_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked_values(item) for item in value]
    return value


def _may_hold_secret(text: str) -> bool:
    if "=" in text and _SECRET_NAME.search(text) is not None:
        return True
    return "@" in text and _PASSWORD.search(text) is not None


def _masked_span(match: re.Match[str]) -> str:
    span = match.group(0)
    if not _may_hold_secret(span):
        return span
    if "@" in span:
        span = _USERINFO.sub(_masked_password, span, count=1)
    return _masked_parameters(span) if "=" in span else span


def _masked_parameters(span: str) -> str:
    """``span`` with the value of every token-like parameter masked."""
    pieces: list[str] = []
    done = 0  # span[:done] is in pieces
    for parameter in _PARAMETER.finditer(span):
        if parameter.start() < done or not is_secret_parameter(parameter.group(1)):
            continue
        value_start = parameter.end()
        end = _VALUE_END.search(span, value_start)
        value_end = end.start() if end else len(span)
        if value_end > value_start:
            pieces += [span[done:value_start], URL_MASK]
            done = value_end
    return "".join(pieces) + span[done:] if pieces else span


def _masked_assignment(match: re.Match[str]) -> str:
    words = match.group(1).replace(_SNIPPET_MARKS[0], "").replace(_SNIPPET_MARKS[1], "").split(" ")
    if any(map(is_secret_parameter, words)) or is_secret_parameter("_".join(words)):
        return f"{match.group(1)}={URL_MASK}"
    return match.group(0)


def _masked_password(match: re.Match[str]) -> str:
    return f"{match.group(1)}:{URL_MASK}@"


__all__ = ["SECRET_PARAMETER", "URL_MASK", "is_secret_parameter", "mask_snippet", "mask_url_text", "masked_values"]
