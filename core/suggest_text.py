"""Suggestions from what the agent already has: copied, selected or pasted text (issue #18).

The clipboard, the X11 selection and the "paste the customer's message" box hand over
text nobody typed for Deskmate: it may be an image, a whole document, or a password the
agent copied into a login form. :func:`suggestion_query` turns such text into the query
of a normal search, or refuses it with a reason (a :class:`SuggestTextError` subclass):

- **not plain text** (an image, files, rich content without a text form): refused;
- **over** :data:`MAX_INPUT_CHARS` (2,000) characters: refused, not cut. A copy that long
  is a document, a log or a transcript, not the customer's question; searching its first
  lines would show suggestions for the wrong thing, and 10 MB is never even scanned
  (``len`` is checked first). Up to the limit, the query is the first
  :data:`~deskmate.core.context_request.MAX_QUERY_CHARS` (500) characters after cleaning
  (a bounded excerpt, :attr:`SuggestQuery.excerpt` says so);
- **looks like a secret** (long base64 or hex runs, a JWT, a card number passing the
  Luhn check, ``password=…``-style assignments, bearer tokens, private keys, cloud
  access keys): refused without saying which part matched, so nothing of it is logged;
- **nothing to search**: only whitespace, control characters, punctuation or URLs.

Control characters are removed and whitespace collapsed by the context pop's cleaner
(:func:`~deskmate.core.context_request.clean_query`). Qt-free; the desktop decides where
the text came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deskmate.core.context_request import MAX_QUERY_CHARS, clean_query
from deskmate.core.errors import DeskmateError

MAX_INPUT_CHARS = 2000  # a long chat message fits; a copied document or log does not

_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]", re.UNICODE)  # a letter or digit in any script
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"\b(?:bearer|token)\s+[A-Za-z0-9._~+/-]{16,}=*", re.IGNORECASE)
_ASSIGNMENT = re.compile(
    # No \b: a Chinese character before 密码 is a word character too.
    r"(?<![A-Za-z])(?:password|passwd|passcode|pwd|secret|api[_-]?key|access[_-]?key|token"
    r"|密码|口令|密钥)"
    r"\s*[:=：]\s*\S+",
    re.IGNORECASE,
)
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_CLOUD_KEY = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b")
_HEX_RUN = re.compile(r"\b[0-9a-fA-F]{32,}\b")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{32,}={0,2}")
_DIGIT_RUN = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")


class SuggestTextError(DeskmateError):
    """Text that is not searched for suggestions; ``code`` says why."""

    code = "suggest.refused"


class NotPlainTextError(SuggestTextError):
    """The clipboard holds an image, files or other content without plain text."""

    code = "suggest.not_text"


class TextTooLongError(SuggestTextError):
    """More than :data:`MAX_INPUT_CHARS` characters."""

    code = "suggest.too_long"


class LooksSecretError(SuggestTextError):
    """The text looks like a password, token, key or card number."""

    code = "suggest.secret"


class NothingToSearchError(SuggestTextError):
    """Only whitespace, punctuation or web addresses."""

    code = "suggest.no_words"


@dataclass(frozen=True)
class SuggestQuery:
    """The query to search for suggestions.

    Attributes:
        query: The cleaned text, at most ``MAX_QUERY_CHARS`` characters.
        excerpt: True when the cleaned text was longer and only its start is searched.
    """

    query: str
    excerpt: bool = False


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (payment card numbers do)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mixed_run(run: str) -> bool:
    """A 32+ character run of letters AND digits: a key or token, not a word or a number."""
    return any(c.isdigit() for c in run) and any(c.isalpha() for c in run)


def looks_secret(text: str) -> bool:
    """Whether ``text`` holds something that looks like a credential or a card number."""
    if any(
        pattern.search(text)
        for pattern in (_JWT, _BEARER, _ASSIGNMENT, _PRIVATE_KEY, _CLOUD_KEY, _HEX_RUN)
    ):
        return True
    if any(_mixed_run(m.group()) for m in _BASE64_RUN.finditer(text)):
        return True
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


def suggestion_query(text: str | None, *, plain_text: bool = True) -> SuggestQuery:
    """The search for ``text`` copied, selected or pasted by the agent, or why not.

    Args:
        text: The text, or None when the clipboard has no text form.
        plain_text: False when the clipboard's content is not text (an image, files),
            even if it also offers a text form (e.g. a file path).

    Raises:
        NotPlainTextError: not text.
        TextTooLongError: over :data:`MAX_INPUT_CHARS` characters (never scanned further).
        LooksSecretError: a credential, key or card number is in it.
        NothingToSearchError: nothing but whitespace, punctuation or web addresses.
    """
    if text is None or not plain_text:
        raise NotPlainTextError("Only plain text is searched for suggestions.")
    if len(text) > MAX_INPUT_CHARS:
        raise TextTooLongError(
            f"The text has {len(text)} characters; suggestions are made only for text of "
            f"at most {MAX_INPUT_CHARS} characters.",
            length=len(text),
        )
    if looks_secret(text):
        # No detail: the message and the log must not repeat what looked secret.
        raise LooksSecretError("The text looks like a password, key or card number; it is ignored.")
    words = _URL.sub(" ", text)
    cleaned = clean_query(words)  # control characters out, whitespace collapsed, capped
    if not _WORD.search(cleaned):
        raise NothingToSearchError("The text has no words to search for.")
    # Informational: the search is on the first MAX_QUERY_CHARS characters only.
    excerpt = len(" ".join(words.split())) > MAX_QUERY_CHARS
    return SuggestQuery(cleaned, excerpt)
