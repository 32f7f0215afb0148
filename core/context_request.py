"""Context from a CRM, a CTI toolbar or a bookmarklet: a query and a case for the sidebar.

It arrives as ``deskmate search --show TEXT [--case C] [--customer-lang L]`` or as a
``deskmate://search?q=TEXT&case=C&lang=L`` URL, and travels to the running sidebar as
one JSON line over the single-instance channel (:mod:`deskmate.desktop.single_instance`).
Everything here is untrusted: the text is capped and stripped of control characters,
a malformed case is refused, unknown parameters are ignored and any other scheme
(``javascript:``, ``file:``, ``http:``…) is refused; nothing is ever executed or opened.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from deskmate.core.errors import DeskmateError

SCHEME = "deskmate"
MAX_QUERY_CHARS = 500  # a customer's sentence or two; more is a pasted transcript
MAX_CASE_CHARS = 64  # as the gap flag's interaction reference
MAX_URL_CHARS = 8192  # long enough for 500 percent-encoded CJK characters (9 bytes each)
MAX_MESSAGE_BYTES = 16384  # one JSON line on the single-instance channel
CASE_PATTERN = re.compile(r"[A-Za-z0-9._:#/-]{1,64}")
LANG_PATTERN = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")
_SCHEME_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_MESSAGE_KIND = "search"


class ContextError(DeskmateError):
    """A context request (URL, command line or channel message) that is refused."""


def looks_like_url(text: str) -> bool:
    r"""Whether ``text`` starts with a URL scheme (``deskmate:``, ``javascript:``…).

    A Windows path such as ``C:\pack`` is not a URL (one letter before the colon).
    """
    match = _SCHEME_PREFIX.match(text.strip())
    return match is not None and len(match.group()) > 2


def clean_query(text: str) -> str:
    """The query with control characters removed, whitespace collapsed, capped in length.

    Tabs and line breaks become spaces (a copied chat message has them); every other
    control or format character (NUL, ESC, bidi overrides…) is dropped.
    """
    spaced = re.sub(r"[\t\r\n\v\f\u2028\u2029]+", " ", text[: MAX_QUERY_CHARS * 4])
    kept = "".join(ch for ch in spaced if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    return " ".join(kept.split())[:MAX_QUERY_CHARS].strip()


def check_case(case: str) -> str:
    """``case`` if it is a plausible CRM case reference, else :class:`ContextError`.

    Only letters, digits and ``. _ : # / -``, at most 64 characters: enough for
    ``CASE-123``, ``00123456``, ``INC0012345`` or ``sf:5003x/abc``; never markup.
    """
    if not CASE_PATTERN.fullmatch(case):
        raise ContextError(
            f"The case reference is refused: use at most {MAX_CASE_CHARS} letters, digits "
            "and . _ : # / - (it had "
            f"{len(case)} characters)."
        )
    return case


@dataclass(frozen=True)
class ContextRequest:
    """A query to show and, optionally, the case it belongs to.

    Attributes:
        query: The customer's words, cleaned (:func:`clean_query`); may be empty when
            only the case changes.
        case: The CRM case reference, or "" for none.
        customer_lang: The customer's language hint (``zh``, ``en``…), or "".
    """

    query: str
    case: str = ""
    customer_lang: str = ""

    @classmethod
    def build(cls, query: str, case: str = "", customer_lang: str = "") -> ContextRequest:
        """A validated request from untrusted parts.

        Raises:
            ContextError: the case is malformed, or there is neither a query nor a case.
        """
        cleaned = clean_query(query)
        checked = check_case(case) if case else ""
        lang = customer_lang.strip()
        if lang and not LANG_PATTERN.fullmatch(lang):
            lang = ""  # only a hint: a bad one is dropped, not worth refusing the pop
        if not cleaned and not checked:
            raise ContextError("There is nothing to search for: the query is empty.")
        return cls(cleaned, checked, lang.lower())

    @classmethod
    def from_url(cls, url: str) -> ContextRequest:
        """Parse ``deskmate://search?q=…&case=…&lang=…``.

        ``q`` (or ``query``), ``case`` and ``lang`` (or ``customer_lang``) are read; other
        parameters are ignored.

        Raises:
            ContextError: another scheme, another action than ``search``, an overlong URL
                or a malformed case.
        """
        url = url.strip()
        if len(url) > MAX_URL_CHARS:
            # Cut, not refused: a CTI template that pastes a whole transcript still pops.
            url = url[:MAX_URL_CHARS]
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise ContextError("The link cannot be read as a deskmate:// link.") from exc
        if parts.scheme.lower() != SCHEME:
            raise ContextError(
                f"Only deskmate:// links are accepted; a {parts.scheme or 'schemeless'}: "
                "link is refused."
            )
        action = (parts.netloc or parts.path.strip("/")).lower()
        if action != _MESSAGE_KIND or (parts.netloc and parts.path not in ("", "/")):
            raise ContextError("Only deskmate://search links are understood.")
        params: dict[str, str] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            params.setdefault(key.lower(), value)  # the first wins, as in most servers
        return cls.build(
            params.get("q", params.get("query", "")),
            params.get("case", ""),
            params.get("lang", params.get("customer_lang", "")),
        )

    def to_message(self) -> str:
        """One JSON line for the single-instance channel."""
        body = {
            "kind": _MESSAGE_KIND,
            "q": self.query,
            "case": self.case,
            "lang": self.customer_lang,
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_message(cls, line: str) -> ContextRequest:
        """Parse and re-validate a channel message (the sender is not trusted either).

        Raises:
            ContextError: not a JSON object of kind ``search``, too long, or bad values.
        """
        if len(line.encode()) > MAX_MESSAGE_BYTES:
            raise ContextError("The message is too long.")
        try:
            body: Any = json.loads(line)
        except ValueError as exc:
            raise ContextError("The message is not JSON.") from exc
        if not isinstance(body, dict) or body.get("kind") != _MESSAGE_KIND:
            raise ContextError("The message is not a search request.")
        values = [body.get(k, "") for k in ("q", "case", "lang")]
        if not all(isinstance(v, str) for v in values):
            raise ContextError("The message's fields must be text.")
        return cls.build(*values)

    def describe(self) -> str:
        """For the log: lengths and presence only, never the customer's words or the case."""
        return (
            f"query of {len(self.query)} chars, case {'set' if self.case else 'not set'}, "
            f"customer language {self.customer_lang or 'not given'}"
        )
