"""Keep secrets out of logs: known secret values and cookie/token-shaped text are masked."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

MASK = "•••"
_HEADER_SECRETS = re.compile(r"(?i)\b(cookie|set-cookie|authorization|x-api-key|x-auth-token)(\s*[:=]\s*)([^\r\n]+)")
_MIN_SECRET_LENGTH = 4


class Redactor:
    """Masks registered secret values (cookie values, tokens) wherever they appear."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None

    def add_secrets(self, values: Iterable[str]) -> None:
        with self._lock:
            self._secrets.update(v for v in values if v and len(v) >= _MIN_SECRET_LENGTH)
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        text = _HEADER_SECRETS.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
        pattern = self._pattern
        return pattern.sub(MASK, text) if pattern else text
