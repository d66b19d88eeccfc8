"""sources.feeds: safe XML first, then feedparser; entries → announcements."""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showtrack.dates import PartialDate, parse_partial
from showtrack.sources.feeds import (
    MAX_FEEDS,
    FeedResult,
    WebPageError,
    discover,
    guess_kind,
    html_to_text,
    parse_feed,
)
from showtrack.sources.http import SourceError, fetch
from sources_helpers import DATA, LocalServer, real, serve

URL = "https://news.example.org/feed.xml"
WORDS = ["Heartstopper"]

# 10,000 cases in the long form (scripts/torture --long), 150 in the fast one.
FUZZ_CASES = 10_000 if os.environ.get("SHOWTRACK_TORTURE") == "long" else 150


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


def parse(data: bytes, words: list[str] | None = None) -> FeedResult:
    return parse_feed(data, show="heartstopper", words=WORDS if words is None else words, url=URL)


def iso(value: PartialDate | None) -> str | None:
    """The stored form, which shows the offset (equal instants compare equal across zones)."""
    return None if value is None else value.iso()


def rss(items: str, title: str = "Test feed") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title>{items}</channel></rss>"
    ).encode()


# --- the hand-written feeds ---------------------------------------------------------------


def test_rss_entries_become_announcements() -> None:
    result = parse((DATA / "heartstopper_rss.xml").read_bytes())
    assert result.title == "TV Fan News & Views"
    assert result.skipped == 0
    by_key = dict(zip(result.keys, result.announcements, strict=True))
    assert list(by_key) == [
        "tvfan-1001",
        "https://news.example.org/heartstopper-trailer",
        "https://news.example.org/bailey",  # no guid: the link is the key
        "tvfan-1004",
        "tvfan-1008",
    ]
    renewed = by_key["tvfan-1001"]
    assert renewed.show == "heartstopper"
    assert renewed.kind == "renewal"
    assert renewed.headline == "Heartstopper renewed for a third season"
    assert renewed.body == "Netflix has renewed Heartstopper for seasons 2 and 3."  # no script
    assert iso(renewed.date) == "2022-05-20T17:30+00:00"
    assert renewed.source == "TV Fan News & Views"
    assert renewed.url == "https://news.example.org/heartstopper-renewed"
    trailer = by_key["https://news.example.org/heartstopper-trailer"]
    # 23:30 at -07:00 is 06:30 the next day in UTC; the offset and the local day are kept
    assert iso(trailer.date) == "2023-06-20T23:30-07:00"
    assert trailer.date == PartialDate(
        2023, 6, 20, at=datetime(2023, 6, 20, 23, 30, tzinfo=timezone(timedelta(hours=-7)))
    )
    assert trailer.kind == "trailer"
    assert iso(by_key["https://news.example.org/bailey"].date) == "2022-09-01T09:00+00:00"  # GMT
    assert by_key["https://news.example.org/bailey"].kind == "casting"
    wrapped = by_key["tvfan-1004"]
    assert wrapped.kind == "filming-wrapped"  # matched through its summary
    assert wrapped.date == PartialDate(2023, 12)  # a month stays a month
    assert wrapped.url is None  # javascript: links are dropped
    impossible = by_key["tvfan-1008"]
    assert impossible.kind == "release-date"
    assert impossible.date is None  # 31 Feb is not invented into a date


def test_words_match_whole_words_case_insensitively() -> None:
    result = parse((DATA / "heartstopper_rss.xml").read_bytes())
    headlines = [item.headline for item in result.announcements]
    assert "Heartstoppers: a different show entirely" not in headlines
    assert "Weather forecast for the weekend" not in headlines
    everything = parse((DATA / "heartstopper_rss.xml").read_bytes(), words=[])
    assert len(everything.announcements) == 7  # all but the duplicate guid
    two_words = parse(
        (DATA / "heartstopper_rss.xml").read_bytes(), words=["jonathan   bailey", "nope"]
    )
    assert [a.headline for a in two_words.announcements] == [
        "HEARTSTOPPER: Jonathan Bailey joins the cast"
    ]


def test_atom_html_titles_are_reduced_to_text() -> None:
    result = parse((DATA / "heartstopper_atom.xml").read_bytes())
    assert result.title == "Alerts Heartstopper"
    first, second, third = result.announcements
    assert first.headline == "Heartstopper season 2 is out & fans love it"
    assert first.body == "All eight episodes of Heartstopper arrived."
    assert iso(first.date) == "2023-08-03T07:00+00:00"  # RFC 3339 "Z" is UTC
    assert second.kind == "filming-started"
    assert iso(second.date) == "2023-10-02T23:30-05:00"  # published wins over updated
    assert (second.date.year, second.date.month, second.date.day) == (2023, 10, 2)  # its own day
    assert third.date == PartialDate(2024)  # a bare year stays a year
    assert third.url is None
    assert result.keys[2] == "tag:alerts.example.org,2024:3"


@pytest.mark.parametrize(
    ("headline", "kind"),
    [
        ("Heartstopper renewed for season 4", "renewal"),
        ("Netflix renews Heartstopper", "renewal"),
        ("New teaser for Heartstopper", "trailer"),
        ("Heartstopper season 3 release date revealed", "release-date"),
        ("Heartstopper wraps filming on season 3", "filming-wrapped"),
        ("Filming begins in Kent", "filming-started"),
        ("Production begins on season 2", "filming-started"),
        ("Casting call: extras wanted", "casting-call"),
        ("Olivia Colman joins Heartstopper", "casting"),
        ("Weather forecast for the broadcast", "other"),
        ("Heartstopper", "other"),
    ],
)
def test_kind_is_guessed_from_keywords(headline: str, kind: str) -> None:
    assert guess_kind(headline) == kind


# --- dates keep the instant and the offset the feed wrote -----------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Tue, 20 Jun 2023 23:30:45 -0700", "2023-06-20T23:30-07:00"),  # seconds dropped
        ("Mon, 01 May 2023 10:00:00 EST", "2023-05-01T10:00-05:00"),
        ("Mon, 1 May 2023 10:00 +0530", "2023-05-01T10:00+05:30"),
        ("Thu, 14 May 2020 10:00:18 Z", "2020-05-14T10:00+00:00"),
        ("2019-07-09T23:59:57Z", "2019-07-09T23:59+00:00"),
        ("2023-05-01T10:00:00.123456+02:00", "2023-05-01T10:00+02:00"),
        ("2023-05-01T23:00:00+05:30:15", "2023-05-01T17:29+00:00"),  # no ISO form: UTC
        # no offset, or "-0000" (zone unknown): not an instant, so only the day
        ("Mon, 01 May 2023 23:30:00 -0000", "2023-05-01"),
        ("Mon, 01 May 2023 23:30:00", "2023-05-01"),
        ("2023-05-01T23:30:00", "2023-05-01"),
        ("2023-05-01", "2023-05-01"),
        ("2023-05", "2023-05"),
        ("2023", "2023"),
        # read by feedparser only: its UTC reading is the fallback
        ("Κυρ, 11 Ιούλ 2004 12:00:00 EST", "2004-07-11T17:00+00:00"),
        ("Fri, 31 Feb 2023 10:00:00 GMT", None),
        ("Mon, 01 May 1850 10:00:00 GMT", None),
        ("yesterday", None),
    ],
)
def test_entry_dates_keep_the_written_instant_and_offset(written: str, stored: str | None) -> None:
    data = rss(
        f"<item><title>Heartstopper</title><guid>g</guid><pubDate>{written}</pubDate></item>"
    )
    (item,) = parse(data).announcements
    assert iso(item.date) == stored
    if item.date is not None:  # what the store writes reads back as the same date
        assert parse_partial(item.date.iso()) == item.date
        assert iso(parse_partial(item.date.iso())) == stored


def test_a_date_without_a_time_is_not_given_midnight() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>Heartstopper'
        b"</title><id>a</id><published>2023-08-03</published></entry></feed>"
    )
    (item,) = parse(data).announcements
    assert item.date == PartialDate(2023, 8, 3)
    assert item.date.at is None


def test_html_to_text() -> None:
    assert html_to_text("<p>A &amp; B</p>\n\n<p>C&nbsp;&lt;D&gt;</p>") == "A & B C <D>"
    assert html_to_text("<p>one</p><p>two</p>", lines=True) == "one\ntwo"
    assert html_to_text("<style>x{}</style><script>alert(1)</script>ok") == "ok"
    assert html_to_text("a\x00b \x1b[31m") == "ab \x1b[31m"
    assert html_to_text("I <3 TV & a < b") == "I <3 TV & a < b"


# --- text from data stays data --------------------------------------------------------------


def test_rich_markup_and_control_characters_are_kept_as_data() -> None:
    title = (
        "Heartstopper [red]x[/red] [link=file:///etc/passwd]y[/link] [/] \x1b]0;pwn\x07 :warning:"
    )
    data = rss(
        f"<item><title>{title}\x00!</title><guid>g1</guid><description>[bold]Heartstopper"
        "</description></item>"
    )
    result = parse(data)
    (item,) = result.announcements
    assert item.headline == title + "!"  # NUL stripped; everything else is kept, literally
    assert item.body == "[bold]Heartstopper"


def test_a_doctype_inside_content_is_not_a_dtd() -> None:
    data = rss(
        "<item><title>Heartstopper</title><guid>g</guid><description><![CDATA["
        "<!DOCTYPE html><p>text about <!ENTITY x></p>]]></description></item>"
    )
    (item,) = parse(data).announcements
    assert item.body is not None
    assert item.body.startswith("text about")  # the markup is text, nothing was declared


def test_over_long_titles_and_summaries_are_skipped_and_counted() -> None:
    data = rss(
        f"<item><title>Heartstopper {'a' * 600}</title><guid>1</guid></item>"
        f"<item><title>Heartstopper</title><description>{'b' * 20_001}</description>"
        "<guid>2</guid></item>"
        "<item><title>  </title><guid>3</guid></item>"
        "<item><title>Heartstopper fine</title><guid>4</guid></item>"
    )
    result = parse(data)
    assert [item.headline for item in result.announcements] == ["Heartstopper fine"]
    assert result.skipped == 3
    assert len(result.warnings) == 3
    assert "limit is 500" in result.warnings[0]


def test_not_well_formed_feeds_are_still_read_leniently() -> None:
    data = rss("<item><title>Heartstopper &nbsp; & friends</title><guid>x</guid></item>")
    (item,) = parse(data).announcements
    assert item.headline.startswith("Heartstopper")


def test_latin1_feed_is_decoded() -> None:
    data = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
        "<title>Caf\xe9</title><item><title>Heartstopper \xe0 Paris</title><guid>1</guid>"
        "</item></channel></rss>"
    ).encode("latin-1")
    result = parse(data)
    assert result.title == "Café"
    assert result.announcements[0].headline == "Heartstopper à Paris"


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(WebPageError, match="is a web page, not a feed") as caught:
        parse(b"<html><body><p>Hello</p></body></html><<<")
    assert caught.value.feeds == []
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        parse(b"<p>Hello</p> <<< not a feed")


# --- web pages and feed autodiscovery -------------------------------------------------------

PAGE = "https://news.example.org/shows/heartstopper"


def test_a_web_page_names_its_feeds() -> None:
    page = (DATA / "web_page.html").read_bytes()
    with pytest.raises(WebPageError) as caught:
        parse_feed(page, show="heartstopper", words=WORDS, url=PAGE)
    err = caught.value
    assert isinstance(err, SourceError)
    assert "DTD" not in str(err)
    assert str(err) == (
        f"{PAGE} is a web page, not a feed; it names a feed at "
        "https://news.example.org/feeds/rss.xml (and 2 more)."
    )
    assert err.url == PAGE
    assert err.feeds == [
        "https://news.example.org/feeds/rss.xml",  # relative, whitespace around it, charset
        "https://news.example.org/tags/heartstopper/atom.xml",
        "http://news.example.org/old.rss",  # feed:// unwrapped
    ]  # no stylesheet, text/html, JSON, javascript:, file:, broken, duplicate or body link


def test_discover_resolves_against_the_base_element_and_skips_the_page_itself() -> None:
    xhtml = (DATA / "web_page_base.html").read_bytes()
    assert discover(xhtml, PAGE) == ["https://cdn.example.net/blog/atom.xml"]
    with pytest.raises(WebPageError, match="names a feed at https://cdn.example.net/blog/atom"):
        parse_feed(xhtml, show="x", words=[], url=PAGE)  # an XHTML DOCTYPE is a web page too
    self_link = b'<html><head><link rel=alternate type=application/rss+xml href="/x"></head>'
    assert discover(self_link, "https://a.example/x") == []
    assert discover(self_link, "https://a.example/y/") == ["https://a.example/x"]
    assert discover(b"\xff\xfe<<>>", PAGE) == []
    assert discover("not bytes", PAGE) == []  # type: ignore[arg-type]


def test_a_page_without_a_feed_says_so() -> None:
    page = (DATA / "web_page_no_feed.html").read_bytes()
    with pytest.raises(WebPageError, match="web page, not a feed, and it names no") as caught:
        parse_feed(page, show="x", words=[], url=PAGE)
    assert caught.value.feeds == []


def test_a_web_page_served_over_http_resolves_against_the_final_address(
    server: LocalServer,
) -> None:
    server.static(
        "/show", (DATA / "web_page.html").read_bytes(), headers={"Content-Type": "text/html"}
    )
    server.static("/old-show", b"", status=301, headers={"Location": "/show"})
    got = fetch(server.url("/old-show"))
    with pytest.raises(WebPageError) as caught:
        parse_feed(got.body, show="x", words=[], url=server.url("/old-show"), base=got.url)
    assert caught.value.feeds[0] == server.url("/feeds/rss.xml")
    assert server.url("/old-show") in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE html [<!ENTITY x "boom">]><html><p>&x;</p></html>',
        b"<!DOCTYPE html><!ENTITY x 'boom'><rss><channel><title>&x;</title></channel></rss>",
        b'<!DOCTYPE html SYSTEM "http://127.0.0.1:9/evil.dtd"><rss version="2.0"></rss>',
        b'<!DOCTYPE rss SYSTEM "file:///etc/passwd"><rss version="2.0"></rss>',
    ],
)
def test_xml_with_declarations_is_still_refused_for_safety(data: bytes) -> None:
    with pytest.raises(SourceError, match="DTD or entities") as caught:
        parse(data)
    assert not isinstance(caught.value, WebPageError)


@pytest.mark.parametrize(
    "page",
    [
        b"<" * 5_000_000,
        b"<a " + b"b=c " * 2_000_000,
        b"<!--" * 1_000_000,
        b"<![" * 1_000_000,
        b"<html><head>"
        + b"".join(
            b'<link rel="alternate" type="application/rss+xml" href="/f%d">' % n
            for n in range(100_000)
        ),
    ],
)
def test_discovery_is_bounded_on_hostile_pages(page: bytes) -> None:
    started = time.monotonic()
    found = discover(page, PAGE)
    assert time.monotonic() - started < 2.0
    assert len(found) <= MAX_FEEDS
    with pytest.raises(SourceError):
        parse_feed(b"<!DOCTYPE html>" + page, show="x", words=[], url=PAGE)


def test_bytes_that_look_like_a_path_are_never_opened() -> None:
    with pytest.raises(SourceError):
        parse(b"/etc/passwd")


# --- XML attacks ------------------------------------------------------------------------------


ATTACKS = [
    "billion_laughs.xml",
    "quadratic.xml",
    "xxe_file.xml",
    "external_dtd.xml",
    "parameter_entity.xml",
]


@pytest.mark.parametrize("name", ATTACKS)
def test_xml_attacks_are_refused_quickly_with_nothing_expanded(name: str) -> None:
    data = (DATA / name).read_bytes()
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(SourceError, match="DTD or entities") as caught:
            parse(data)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 50_000_000
    message = str(caught.value)
    assert "root:" not in message
    assert "lol" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig", "cp1252"]
)
def test_attacks_in_other_encodings_are_refused(encoding: str) -> None:
    text = (DATA / "xxe_file.xml").read_text().replace('encoding="utf-8"', f'encoding="{encoding}"')
    with pytest.raises(SourceError, match="DTD or entities"):
        parse(text.encode(encoding))


def test_utf7_cannot_hide_a_doctype() -> None:
    hidden = '<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY x SYSTEM "file:///etc/passwd"+AD4-+AF0-+AD4-<rss version="2.0"><channel><title>Heartstopper &x;</title></channel></rss>'
    try:
        result = parse(hidden.encode("ascii"))
    except SourceError:
        return
    assert "root:" not in repr(result)


def test_xxe_served_over_http_leaks_nothing(server: LocalServer) -> None:
    url = server.static(
        "/xxe.xml",
        (DATA / "xxe_file.xml").read_bytes(),
        headers={"Content-Type": "application/rss+xml"},
    )
    fetched = fetch(url)
    with pytest.raises(SourceError) as caught:
        parse_feed(fetched.body, show="heartstopper", words=WORDS, url=url)
    assert "root:" not in str(caught.value)


# --- served over HTTP, including the recorded real feeds -------------------------------------


def test_feed_over_http_with_conditional_get(server: LocalServer) -> None:
    body = (DATA / "heartstopper_atom.xml").read_bytes()

    def feed(handler: object) -> None:
        from sources_helpers import Handler

        assert isinstance(handler, Handler)
        if handler.header("If-None-Match") == '"a1"':
            handler.reply(304, b"", {})
        else:
            handler.reply(200, body, {"ETag": '"a1"', "Content-Type": "application/atom+xml"})

    url = server.route("/atom", feed)
    first = fetch(url)
    result = parse_feed(first.body, show="heartstopper", words=WORDS, url=url)
    assert len(result.announcements) == 3
    assert fetch(url, etag=first.etag).not_modified


@pytest.mark.parametrize(
    ("name", "count", "title"),
    [
        ("huffpost_canada_rss2.xml", 2, "HuffPost Canada - Athena2 - All Posts"),
        ("google_alerts_atom.xml", 20, "Google Alert - Slack"),
    ],
)
def test_real_feeds_served_over_http(
    server: LocalServer, name: str, count: int, title: str
) -> None:
    path: Path = real(f"feeds/{name}")
    url = server.static(f"/{name}", path.read_bytes(), headers={"Content-Type": "text/xml"})
    result = parse_feed(fetch(url).body, show="x", words=[], url=url)
    assert result.title == title
    assert len(result.announcements) == count
    assert result.skipped == 0
    for item in result.announcements:
        assert "<" not in item.headline or "<3" in item.headline
        assert item.date is not None
        assert item.url is not None
        assert item.url.startswith("http")
        assert item.body is None or "<script" not in item.body
    assert len(set(result.keys)) == count


def test_real_google_alerts_match_words() -> None:
    data = real("feeds/google_alerts_atom.xml").read_bytes()
    result = parse_feed(data, show="slack", words=["Slack"], url=URL)
    assert result.announcements
    assert all("slack" in (a.headline + (a.body or "")).lower() for a in result.announcements)
    assert iso(result.announcements[0].date) == "2019-07-10T11:53+00:00"  # 11:53:37Z
    assert "<b>" not in result.announcements[0].headline


def test_real_google_alerts_dates_are_utc_instants() -> None:
    data = real("feeds/google_alerts_atom.xml").read_bytes()
    result = parse_feed(data, show="slack", words=[], url=URL)
    dates = [item.date for item in result.announcements]
    assert all(
        d is not None and d.at is not None and d.at.utcoffset() == timedelta(0) for d in dates
    )
    late = [d for d in dates if d is not None and d.iso() == "2019-07-09T23:59+00:00"]
    assert len(late) == 1  # 2019-07-09T23:59:57Z: still 9 July, seconds dropped
    assert late[0].day == 9


def test_real_huffpost_dates_keep_the_rfc822_offset() -> None:
    data = real("feeds/huffpost_canada_rss2.xml").read_bytes()
    result = parse_feed(data, show="x", words=[], url=URL)
    assert [iso(item.date) for item in result.announcements] == [
        "2017-10-17T22:17+00:00",  # pubDate "+0000", not the <modified> 22:17:32 beside it
        "2017-10-17T21:38+00:00",
    ]
    first = result.announcements[0].date
    assert first is not None
    assert first.at == datetime(2017, 10, 17, 22, 17, tzinfo=UTC)
    assert first.at.utcoffset() == timedelta(0)


def test_real_huffpost_entry_without_guid_is_keyed_by_link() -> None:
    data = real("feeds/huffpost_canada_rss2.xml").read_bytes()
    result = parse_feed(data, show="x", words=[], url=URL)
    assert any(key.startswith("http://www.huffingtonpost.ca/") for key in result.keys)


# --- fuzzing ---------------------------------------------------------------------------------

_TOKENS = (
    "<rss>|</rss>|<channel>|</channel>|<item>|</item>|<title>|</title>|<entry>|"
    "<feed xmlns='http://www.w3.org/2005/Atom'>|</feed>|<pubDate>|</pubDate>|Heartstopper|"
    "&amp;|&lt;|&#0;|&#x1b;|<![CDATA[|]]>|<!--|-->|<!DOCTYPE x>|<!ENTITY a 'b'>|&a;|"
    "Fri, 31 Feb 2023|2023-13-45T99:99|<link>|</link>|javascript:x|\x00|\x1b|\ud800|[red]|"
    "<guid>|</guid>|<?xml version='1.0'?>"
).split("|")
_XMLISH = st.lists(
    st.sampled_from(_TOKENS) | st.text(max_size=20),
    max_size=40,
).map("".join)


@settings(max_examples=FUZZ_CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000) | _XMLISH.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_parse_feed_never_raises_anything_but_source_error(data: bytes) -> None:
    try:
        result = parse_feed(data, show="heartstopper", words=["heartstopper"], url=URL)
    except SourceError as err:
        message = str(err)
    else:
        message = ""
    assert "\n" not in message
    if message:
        return
    for item, key in zip(result.announcements, result.keys, strict=True):
        assert item.headline
        assert "\x00" not in item.headline
        assert len(item.headline) <= 500
        assert key
