"""What the store derives from a page's Markdown (crawler/text_digest.py, domain/link_share.py) and the
login form's first look (crawler/login_form.py): the faster forms give what the plain regexes gave, for
any text, the characters a case-blind regex takes for an ASCII letter included."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from quaero_desktop.crawler.login_form import may_show_login
from quaero_desktop.crawler.text_digest import change_fingerprint, text_digest
from quaero_desktop.domain.link_share import link_share

# link_share as first written (issue 21): the reference the counting on bytes must equal.
_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\([^)\n]*\)")
_TARGET = re.compile(r"\]\([^)\n]*\)")
_NOT_A_LETTER = re.compile(r"[\W_]+")


def reference_link_share(markdown: str) -> float:
    letters = len(_NOT_A_LETTER.sub("", _TARGET.sub("]", markdown)))
    if not letters:
        return 0.0
    linked = sum(len(_NOT_A_LETTER.sub("", found.group(1))) for found in _LINK.finditer(markdown))
    return min(1.0, linked / letters)


MARKDOWN_BITS = st.sampled_from(
    ["[", "]", "(", ")", "!", "\n", " ", "_", "a", "Z", "7", "é", "\u00b2", "\u0660", "\u2167", "\u0301", "\u017f", "-"]
)


@settings(max_examples=400)
@given(st.lists(st.one_of(MARKDOWN_BITS, st.characters()), max_size=60).map("".join))
def test_link_share_is_the_share_the_regexes_give(text: str) -> None:
    assert link_share(text) == reference_link_share(text)


def test_link_share_of_a_page() -> None:
    page = "# Index\n\n* [Boats](boats.html)\n* [Sails](https://x.example/sails)\n\n![Logo](logo.png) Read on, café.\n"
    assert link_share(page) == reference_link_share(page) > 0
    assert link_share("[" + "x" * 10 + "](a)") == 1.0
    assert link_share("](only a target)") == 0.0


def test_relative_times_are_masked_in_any_case_even_with_a_long_s() -> None:
    assert change_fingerprint("Edited 3 minutes AGO by Ann") == "Edited some time ago by Ann"
    assert (
        change_fingerprint("Posted JU\u017fT NOW") == "Posted some time ago"
    )  # a long s (U+017F): the regex takes it for s
    assert change_fingerprint("1,234 views") == "# views"
    assert text_digest("Edited 3 minutes ago").content_hash == text_digest("Edited 5 days ago").content_hash
    assert text_digest("Edited 3 minutes ago").content_hash != text_digest("Edited by Bob").content_hash


def test_a_password_field_is_seen_in_any_case() -> None:
    assert may_show_login('<input type="password">')
    assert may_show_login("<INPUT TYPE = 'PASSWORD'>")
    assert may_show_login('<input type="pa\u017f\u017fword">')  # a long s: the case-blind regex takes it for s
    assert not may_show_login("<p>Forgot your password? Type it again.</p>")
