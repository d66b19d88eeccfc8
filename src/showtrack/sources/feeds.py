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

An HTML page given as a feed (an ordinary ``<!DOCTYPE html>`` or ``<html>``
document with no entity declarations) is not a safety problem but a mistake:
it raises :class:`WebPageError`, which carries the feeds the page names in its
``<link rel="alternate">`` tags (see :func:`discover`) so the caller can offer
or follow one. An XML feed with a DTD or entities is refused for safety.

Kept entries become :class:`~showtrack.models.Announcement` rows; each carries
an ``entry key`` (the guid, else the link) so a caller can dedupe across syncs.
An entry's date keeps the instant and the UTC offset written in the feed.
"""

from __future__ import annotations

import codecs
import importlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from showtrack.dates import MAX_YEAR, MIN_YEAR, PartialDate
from showtrack.models import Announcement
from showtrack.sources.http import SourceError, show_url
from showtrack.sources.jsonfile import LONG, SHORT

MAX_URL = 2_000
MAX_WORDS = 50
MAX_PAGE = 500_000  # characters of a web page searched for feed links
MAX_FEEDS = 20  # feed links kept from one page
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})

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
_ELEMENT_NAME = re.compile(r"<([\w:.-]{1,40})", re.ASCII)
_PLAIN_DOCTYPE = re.compile(r"<!doctype\s+([\w:.-]{1,40})(?:\s[^<>\[\]]*)?>", re.IGNORECASE)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "rdf:rdf"})

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


class WebPageError(SourceError):
    """The address is a web page, not a feed.

    ``feeds`` are the absolute http(s) feed URLs the page names (maybe none), in
    the page's order, so ``feed add`` can offer the first and ``sync`` can say
    which address to follow instead.
    """

    def __init__(self, message: str, *, url: str | None = None, feeds: list[str]) -> None:
        super().__init__(message, url=url)
        self.feeds = feeds


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


# --- feed autodiscovery ------------------------------------------------------

_CHUNK = 131_072  # few pieces: html.parser re-scans an unclosed tag at each one


class _FeedLinks(HTMLParser):
    """The hrefs of feed ``<link>`` tags and the first ``<base href>``, up to the body.

    A page names its feeds in its head; once the head is over (``</head>`` or
    ``<body>``) the rest of the page is not read.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base: str | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "body":
            self.done = True
            return
        values: dict[str, str] = {}
        for name, value in attrs:  # a repeated attribute: the first one counts, as in HTML
            if value is not None:
                values.setdefault(name, value)
        if tag == "base" and self.base is None and "href" in values:
            self.base = values["href"]
        elif tag == "link" and _names_a_feed(values) and len(self.hrefs) < MAX_FEEDS * 5:
            self.hrefs.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.done = True


def _names_a_feed(attrs: dict[str, str]) -> bool:
    """``rel`` has the token ``alternate`` and ``type`` is RSS or Atom (parameters ignored)."""
    rel = attrs.get("rel", "").lower().split()
    kind = attrs.get("type", "").split(";", 1)[0].strip().lower()
    return "alternate" in rel and kind in FEED_TYPES and "href" in attrs


def discover(body: bytes, base_url: str) -> list[str]:
    """The feeds an HTML page names in ``<link rel="alternate" type="application/rss+xml">``
    (or ``application/atom+xml``), as absolute http(s) URLs in the page's order.

    Relative hrefs are resolved against the page's ``<base href>``, else
    ``base_url`` (the address the page came from, after redirects). Duplicates,
    the page itself and anything not http(s) are left out; at most
    :data:`MAX_FEEDS` are returned. The work is bounded: at most
    :data:`MAX_PAGE` characters are read, in pieces, and the parser is never
    asked to finish an unclosed tag at the end (html.parser re-scans such a tag,
    which hostile input can make slow), so a cut-off tag is simply dropped.
    """
    if not isinstance(body, bytes | bytearray) or not isinstance(base_url, str):
        return []
    return _discover_text(_decode(bytes(body[: MAX_PAGE * 4])), base_url)


def _discover_text(text: str, base_url: str) -> list[str]:
    finder = _FeedLinks()
    try:
        for start in range(0, min(len(text), MAX_PAGE), _CHUNK):
            finder.feed(text[start : min(start + _CHUNK, MAX_PAGE)])
            if finder.done:
                break
    except Exception:  # html.parser on hostile input (e.g. AssertionError): keep what was found
        pass
    base = base_url
    if finder.base is not None:
        base = _absolute(base_url, finder.base) or base_url
    found: list[str] = []
    for href in finder.hrefs:
        url = _absolute(base, href)
        if url is not None and url not in found and url != base_url:
            found.append(url)
            if len(found) >= MAX_FEEDS:
                break
    return found


def _absolute(base: str, href: str) -> str | None:
    """An href as a browser reads it, made absolute; None unless it is a usable http(s) URL.

    Surrounding whitespace and inner tabs and newlines are dropped and spaces are
    escaped, as browsers do; the old ``feed:`` prefix is unwrapped.
    """
    cleaned = href.strip(" \t\n\r\f")
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace(" ", "%20")
    if not cleaned or len(cleaned) > MAX_URL:
        return None
    if cleaned[:5].lower() == "feed:":
        cleaned = cleaned[5:]
        if cleaned.startswith("//"):
            cleaned = "http:" + cleaned
    try:
        url = urljoin(base, cleaned)
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return _link(url) if host else None


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


def _safe_bytes(data: bytes, url: str, base: str) -> bytes:
    """UTF-8 bytes safe for feedparser; WebPageError for an HTML page, SourceError if
    the XML could expand anything."""
    where = show_url(url)
    text = _DECLARATION.sub("", _decode(data).lstrip("\ufeff"), count=1)
    first = _FIRST_ELEMENT.search(text)
    prolog = text if first is None else text[: first.start()]
    root = _ELEMENT_NAME.match(text, first.start()) if first is not None else None
    if _is_web_page(prolog, root[1].lower() if root else None):
        raise _web_page_error(text, url=url, base=base)
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


def _is_web_page(prolog: str, root: str | None) -> bool:
    """HTML, not XML with declarations: at most one plain DOCTYPE (no internal subset,
    no ENTITY or other declaration) and an ``<html>`` root, or ``<!DOCTYPE html>``
    and a root that is not a feed's. Such a page is never parsed as XML, so calling
    it a web page cannot let a declaration through."""
    bare = _without_comments(prolog)
    found = [match.start() for match in _DANGEROUS.finditer(bare)]
    doctype = None
    if found:
        plain = _PLAIN_DOCTYPE.match(bare, found[0])
        if len(found) > 1 or plain is None:
            return False
        doctype = plain[1].lower()
    if root == "html":
        return True
    return doctype == "html" and root not in _FEED_ROOTS


def _without_comments(text: str) -> str:
    """``text`` without ``<!-- … -->`` comments (an unclosed one runs to the end), in one
    pass: IE's conditional comments before ``<html>`` hold brackets and tags."""
    parts: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) != -1:
        parts.append(text[position:start])
        end = text.find("-->", start + 4)
        position = len(text) if end == -1 else end + 3
    parts.append(text[position:])
    return "".join(parts)


def _web_page_error(text: str, *, url: str, base: str) -> WebPageError:
    feeds = _discover_text(text, base)
    where = show_url(url)
    if not feeds:
        return WebPageError(
            f"{where} is a web page, not a feed, and it names no RSS or Atom feed.",
            url=url,
            feeds=[],
        )
    more = f" (and {len(feeds) - 1} more)" if len(feeds) > 1 else ""
    return WebPageError(
        f"{where} is a web page, not a feed; it names a feed at {show_url(feeds[0])}{more}.",
        url=url,
        feeds=feeds,
    )


# --- the parse ---------------------------------------------------------------


def parse_feed(
    data: bytes, *, show: str, words: list[str], url: str, base: str | None = None
) -> FeedResult:
    """Entries of an RSS/Atom feed that mention any of ``words``, as announcements.

    Raises :class:`WebPageError` (a SourceError) for an HTML page, with the feeds
    it names resolved against ``base`` (the address after redirects,
    ``FetchResult.url``; ``url`` when not given); SourceError for XML that
    declares a DTD or entities and for bytes that are not a feed at all. An entry
    whose title or summary breaks the limits (500 and 20,000 characters after
    cleaning) is skipped and counted; an empty ``words`` keeps every entry.
    """
    if not isinstance(data, bytes | bytearray):
        raise SourceError(f"{show_url(url)}: the feed is not bytes.", url=url)
    clean = _safe_bytes(bytes(data), url, url if base is None else base)
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
    """The entry's date at its real precision: a bare year or month stays one, a date
    a day, and a time keeps its instant with the offset the feed wrote.

    feedparser's ``*_parsed`` values are converted to UTC and lose the offset
    ("23:30 -07:00" becomes the next day), so the raw text is read here and the
    parsed value is only the fallback for formats read by feedparser alone.
    """
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
            written = _written_date(stripped)
            if written is not None:
                return written
        parsed = dict.get(entry, f"{name}_parsed")
        if parsed is not None:
            return _from_struct(parsed)
    return None


def _written_date(text: str) -> PartialDate | None:
    """A date as written: RFC 3339 / ISO 8601 (Atom) or RFC 822 (RSS); None if unreadable.

    A time without an offset (or with RFC 822's "-0000", zone unknown) is not an
    instant, so only its day is kept, as for a plain date.
    """
    try:
        if text[:4].isdigit():
            moment = datetime.fromisoformat(text)
        else:
            moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            return None
        return PartialDate(moment.year, moment.month, moment.day)
    return _at(moment)


def _at(moment: datetime) -> PartialDate | None:
    """An exact instant as PartialDate stores it: to the minute (seconds dropped, as
    ``dates.parse_partial`` does), in the offset given unless it is not whole minutes."""
    offset = moment.utcoffset() or timedelta(0)
    try:
        if offset % timedelta(minutes=1):
            moment = moment.astimezone(UTC)  # "+05:30:15" can't be written as ISO minutes
        moment = moment.replace(second=0, microsecond=0)
    except (ValueError, OverflowError):
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return PartialDate(moment.year, moment.month, moment.day, at=moment)


def _from_struct(parsed: Any) -> PartialDate | None:
    """feedparser's UTC reading: the instant in UTC, or only the day at 00:00:00, which is
    also what feedparser gives for a date that has no time."""
    try:
        year, month, day, hour, minute, second = (int(part) for part in parsed[:6])
        date(year, month, day)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if hour == minute == second == 0:
        return PartialDate(year, month, day)
    try:
        moment = datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None
    return PartialDate(year, month, day, at=moment)


__all__ = ["FeedResult", "WebPageError", "discover", "guess_kind", "html_to_text", "parse_feed"]
