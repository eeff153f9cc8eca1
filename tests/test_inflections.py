"""A query word's inflections (search matches them one tier below the word) and a page's link share."""

from __future__ import annotations

import pytest

from quaero_desktop.domain.inflections import inflections
from quaero_desktop.domain.link_share import link_share


@pytest.mark.parametrize(
    ("word", "finds", "never"),
    [
        ("generator", {"generators"}, {"general", "generic", "generation", "generate"}),
        ("signal", {"signals", "signalled", "signaled", "signaling"}, {"signature"}),
        ("signals", {"signal"}, set()),
        ("copied", {"copy", "copies", "copying"}, set()),
        ("indexes", {"index", "indexed"}, set()),
        ("functions", {"function"}, {"functional"}),
        ("class", {"classes"}, {"classification"}),
    ],
)
def test_a_word_finds_its_inflections_and_no_other_words(word, finds, never):
    forms = set(inflections(word))
    assert inflections(word)[0] == word and finds <= forms and not never & forms


def test_short_words_numbers_and_other_scripts_are_taken_as_typed():
    assert inflections("os") == ("os",)
    assert inflections("sqlite3") == ("sqlite3",)
    assert inflections("über") == ("über",)


def test_link_share_is_the_part_of_the_text_inside_links():
    assert link_share("[One](/1) · [Two](/2)") == 1.0
    assert link_share("No links here at all.") == 0.0
    assert link_share("") == 0.0
    assert link_share("![a picture](/p.png) and words") == 0.0  # an image is no link
    assert (
        0.25 < link_share("Read the [guide](https://example.com/a/very/long/target/that/counts/nothing) first.") < 0.35
    )
