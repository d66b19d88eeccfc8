"""RSS and Atom feeds → announcements, parsed only after the XML is known to be safe.

The order matters. Feed bytes are first decoded to text by us (BOM, then the
declared encoding if it is ASCII-compatible, then UTF-8, then cp1252), and
refused if the prolog, the part before the first element, holds a DOCTYPE or
any declaration (billion laughs, quadratic blowup, external entities such as
``file:///etc/passwd``, external DTDs): nothing is expanded and nothing is
loaded. The same text is then checked by defusedxml (``forbid_dtd``,
``forbid_entities``, ``forbid_external``) and only then handed, re-encoded as
UTF-8 with a matching declaration, to feedparser, so feedparser parses exactly
the text that was checked. Both expat and feedparser read declarations only in
the prolog, so "<!DOCTYPE" inside an entry's HTML is plain text. feedparser's
lenient mode still reads feeds that are not well-formed XML, which is common
in the wild, because by then no DTD can be present. Bytes are passed to
feedparser as a stream, never as a string it could take for a path or URL.

Kept entries become :class:`~showtrack.models.Announcement` rows; each carries
an ``entry key`` (the guid, else the link) so a caller can dedupe across syncs.
"""

from __future__ import annotations

import codecs
import importlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from showtrack.dates import MAX_YEAR, MIN_YEAR, PartialDate
from showtrack.models import Announcement
from showtrack.sources.http import SourceError, show_url
from showtrack.sources.jsonfile import LONG, SHORT

MAX_URL = 2_000
MAX_WORDS = 50

_DANGEROUS = re.compile(r"<!\s*(?:doctype|entity|attlist|element|notation)", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(r"<\w", re.ASCII)  # where feedparser, too, ends the prolog
_DECLARATION = re.compile(r"\A\s*<\?xml[^>]{0,500}?\?>")
_DECLARED_ENCODING = re.compile(
    rb"""\A\s*<\?xml[^>]{0,300}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")
_LINE_SPACES = re.compile(r"[ \t\r\f\xa0]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TAG = re.compile(r"<[^>]{0,2000}>")

#: Keyword rules for guessing an announcement's kind from its headline, first match wins.
KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("renewal", r"\brenew(?:s|ed|al)?\b"),
        ("trailer", r"\b(?:trailer|teaser)s?\b"),
        ("release-date", r"\b(?:premiere|release|air) dates?\b|\bpremieres? on\b"),
        ("filming-wrapped", r"\bwrap(?:s|ped)?\b"),
        ("filming-started", r"\bfilming\b|\bproduction (?:begins|began|starts|started)\b"),
        ("casting-call", r"\bcasting call\b"),
        ("casting", r"\bcast(?:s|ing)?\b|\bjoins?\b"),
    )
)


@dataclass(slots=True)
class FeedResult:
    """A parsed feed: its title, the kept entries, and how many entries were unusable.

    ``keys[i]`` is the dedupe key of ``announcements[i]``: the entry's guid, else
    its link, else ``"id:"`` + the announcement id.
    """

    title: str | None
    announcements: list[Announcement] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


# --- HTML to plain text ------------------------------------------------------

_BLOCK = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
    "h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
)
_SKIP = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg"})


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(value: str, *, lines: bool = False) -> str:
    """Plain text from an HTML fragment: tags dropped, entities unescaped, NUL removed.

    Whitespace runs become one space; with ``lines`` paragraph breaks are kept as
    newlines. Other control characters stay: they are data, escaped when shown.
    """
    import html

    parser = _TextParser()
    try:
        parser.feed(value)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # html.parser on hostile input: fall back to a regex
        text = html.unescape(_TAG.sub(" ", value))
    text = text.replace("\x00", "")
    if not lines:
        return _SPACES.sub(" ", text).strip()
    kept = (_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in kept if line)


# --- safety ------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """The feed as text, decoded the way an XML parser would (BOM, declaration, UTF-8)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "replace")
    for prefix, codec in (
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00?\x00", "utf-16-le"),
        (b"\x00<\x00?", "utf-16-be"),
    ):
        if data.startswith(prefix):
            return data.decode(codec, "replace")
    declared = _DECLARED_ENCODING.match(data)
    if declared:
        name = declared[1].decode("ascii").lower()
        try:
            info = codecs.lookup(name)
        except LookupError:
            info = None
        # Only ASCII-compatible encodings: UTF-7 and friends could hide a "<!DOCTYPE".
        if info is not None and info.name not in ("utf-7",) and _ascii_compatible(info.name):
            return data.decode(info.name, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _ascii_compatible(codec: str) -> bool:
    sample = "<?xml version='1.0' encoding='x'?><!DOCTYPE>abcxyz"
    try:
        return sample.encode(codec) == sample.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def _safe_bytes(data: bytes, url: str) -> bytes:
    """UTF-8 bytes safe for feedparser, or SourceError if the XML could expand anything."""
    where = show_url(url)
    text = _DECLARATION.sub("", _decode(data).lstrip("\ufeff"), count=1)
    first = _FIRST_ELEMENT.search(text)
    prolog = text if first is None else text[: first.start()]
    if _DANGEROUS.search(prolog):
        raise SourceError(
            f"{where}: the feed declares a DTD or entities (<!DOCTYPE …>); refused for safety.",
            url=url,
        )
    clean = ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8", "replace")
    from xml.etree.ElementTree import ParseError

    defusedxml: Any = importlib.import_module("defusedxml")
    safe_tree: Any = importlib.import_module("defusedxml.ElementTree")

    try:
        safe_tree.fromstring(clean, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise SourceError(
            f"{where}: the feed declares a DTD or entities; refused for safety.", url=url
        ) from None
    except (ParseError, ValueError, RecursionError):
        pass  # not well-formed: feedparser's lenient mode reads it, and nothing can expand
    return clean


# --- the parse ---------------------------------------------------------------


def parse_feed(data: bytes, *, show: str, words: list[str], url: str) -> FeedResult:
    """Entries of an RSS/Atom feed that mention any of ``words``, as announcements.

    Raises SourceError for XML that declares a DTD or entities and for bytes that
    are not a feed at all. An entry whose title or summary breaks the limits
    (500 and 20,000 characters after cleaning) is skipped and counted; an empty
    ``words`` keeps every entry.
    """
    if not isinstance(data, bytes | bytearray):
        raise SourceError(f"{show_url(url)}: the feed is not bytes.", url=url)
    clean = _safe_bytes(bytes(data), url)
    feedparser: Any = importlib.import_module("feedparser")  # untyped; imported when used
    try:
        parsed: Any = feedparser.parse(io.BytesIO(clean))
    except Exception as err:  # a feedparser bug must not crash a sync
        raise SourceError(
            f"{show_url(url)}: the feed can't be read ({type(err).__name__}).", url=url
        ) from None
    feed = parsed.get("feed") or {}
    entries = parsed.get("entries") or []
    if not entries and not feed.get("title") and parsed.get("bozo"):
        raise SourceError(f"{show_url(url)}: this is not an RSS or Atom feed.", url=url)
    title = _short_text(feed.get("title"))
    result = FeedResult(title=title)
    source = title or _host(url)
    matcher = _matcher(words)
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        try:
            kept = _entry(entry, show=show, source=source, matcher=matcher)
        except ValueError as err:
            result.skipped += 1
            result.warnings.append(f"entry {index + 1}: {err}")
            continue
        if kept is None or kept[0] in seen:
            continue
        seen.add(kept[0])
        result.keys.append(kept[0])
        result.announcements.append(kept[1])
    return result


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host[:SHORT] if host else None


def _short_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = html_to_text(value)
    if not text or len(text) > SHORT or _SURROGATE.search(text):
        return None
    return text


def _matcher(words: list[str]) -> re.Pattern[str] | None:
    cleaned = []
    for word in words[:MAX_WORDS]:
        if not isinstance(word, str):
            continue
        parts = word.replace("\x00", "").split()
        if parts and len(word) <= SHORT:
            cleaned.append(r"\s+".join(re.escape(part) for part in parts))
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(cleaned) + r")(?!\w)", re.IGNORECASE)


def guess_kind(headline: str) -> str:
    """An announcement kind from keywords in a headline; 'other' when nothing fits."""
    for kind, pattern in KIND_RULES:
        if pattern.search(headline):
            return kind
    return "other"


def _entry(
    entry: Any, *, show: str, source: str | None, matcher: re.Pattern[str] | None
) -> tuple[str, Announcement] | None:
    """One feed entry → (key, announcement); None if it doesn't match; ValueError if unusable."""
    if not isinstance(entry, dict):
        raise ValueError("not an entry")
    get = dict.get  # plain lookups: FeedParserDict's aliases warn and guess
    raw_title = get(entry, "title")
    if not isinstance(raw_title, str):
        raise ValueError("it has no title")
    headline = html_to_text(raw_title)
    if not headline:
        raise ValueError("it has no title")
    if len(headline) > SHORT:
        raise ValueError(f"the title is {len(headline):,} characters long; the limit is {SHORT}")
    raw_summary = get(entry, "summary")
    body = html_to_text(raw_summary, lines=True) if isinstance(raw_summary, str) else ""
    if len(body) > LONG:
        raise ValueError(f"the summary is {len(body):,} characters long; the limit is {LONG:,}")
    if _SURROGATE.search(headline) or _SURROGATE.search(body):
        raise ValueError("the text is not valid Unicode")
    if matcher is not None and not (matcher.search(headline) or matcher.search(body)):
        return None
    link = _link(get(entry, "link"))
    when = _entry_date(entry)
    announcement = Announcement(
        show=show,
        kind=guess_kind(headline),
        headline=headline,
        date=when,
        body=body or None,
        source=source,
        url=link,
    )
    guid = get(entry, "id")
    key: str
    if isinstance(guid, str) and guid.strip() and len(guid) <= MAX_URL:
        key = guid.strip().replace("\x00", "")
    elif link is not None:
        key = link
    else:
        key = "id:" + announcement.id
    if _SURROGATE.search(key):
        key = "id:" + announcement.id
    return key, announcement


def _link(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    link = value.strip()
    if not link or len(link) > MAX_URL or re.search(r"[\x00-\x20\x7f-\x9f\ud800-\udfff]", link):
        return None
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return link


def _entry_date(entry: dict[str, Any]) -> PartialDate | None:
    """The entry's date at its real precision: a bare year or month stays one."""
    for name in ("published", "updated", "created"):
        raw = dict.get(entry, name)
        if isinstance(raw, str) and len(raw) < 100:
            stripped = raw.strip()
            if match := re.fullmatch(r"(\d{4})(?:-(\d{2}))?", stripped):
                year = int(match[1])
                month = int(match[2]) if match[2] else None
                if MIN_YEAR <= year <= MAX_YEAR and (month is None or 1 <= month <= 12):
                    return PartialDate(year, month)
                return None
        parsed = dict.get(entry, f"{name}_parsed")
        if parsed is not None:
            return _day(parsed)
    return None


def _day(parsed: Any) -> PartialDate | None:
    try:
        year, month, day = int(parsed[0]), int(parsed[1]), int(parsed[2])
        date(year, month, day)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return PartialDate(year, month, day)


__all__ = ["FeedResult", "guess_kind", "html_to_text", "parse_feed"]
