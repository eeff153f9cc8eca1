"""A word's English inflections, for search: "signal" finds "signals", "signalled" and "signaling".

Search used FTS5's Porter stemmer, which also merges words that only share a root: generator,
generic, general and generation all became "gener" (issue 21). Here a word is matched exactly and,
one tier below, in its inflected forms only — plural, past, -ing — built by rule from the word as
typed; forms that are no words cost nothing (they are in no document). No derivations: "general" is
never "generator".
"""

from __future__ import annotations

MIN_LENGTH = 3  # shorter words are taken as typed ("is", "id", "os")
_VOWELS = frozenset("aeiou")


def inflections(word: str) -> tuple[str, ...]:
    """``word`` (lower case) and its inflected forms, the word first; only the word for short words,
    numbers and words with digits or non-ASCII letters (the rules are English)."""
    if len(word) < MIN_LENGTH or not (word.isascii() and word.isalpha()):
        return (word,)
    forms = dict.fromkeys([word])
    bases = _bases(word)
    for base in bases[1:] or bases:  # an inflected word: the forms of what it was made from
        forms.update(dict.fromkeys(_forms_of(base)))
    return tuple(form for form in forms if len(form) >= MIN_LENGTH - 1)


def _bases(word: str) -> list[str]:
    """The forms ``word`` may be inflected from (itself included)."""
    bases = [word]
    if word.endswith("ies") and len(word) > 4:
        bases.append(word[:-3] + "y")
    elif word.endswith("es") and len(word) > 4:
        bases += [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        bases.append(word[:-1])
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_LENGTH:
            stem = word[: -len(suffix)]
            bases += [stem, stem + "e"]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
                bases.append(stem[:-1])  # signalled -> signal, running -> run
            if suffix == "ed" and stem.endswith("i"):
                bases.append(stem[:-1] + "y")  # copied -> copy
    return bases


def _forms_of(base: str) -> list[str]:
    forms = [base]
    if base.endswith("y") and base[-2:-1] not in _VOWELS:
        forms += [base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    elif base.endswith("e"):
        forms += [base + "s", base + "d", base[:-1] + "ing"]
    elif base.endswith(("s", "x", "z", "ch", "sh")):
        forms += [base + "es", base + "ed", base + "ing"]
    else:
        forms += [base + "s", base + "ed", base + "ing"]
        if len(base) > 2 and base[-1] not in _VOWELS and base[-1] not in "wxy" and base[-2] in _VOWELS:
            forms += [base + base[-1] + "ed", base + base[-1] + "ing"]  # signal -> signalled, run -> running
    return forms
