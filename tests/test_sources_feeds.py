"""sources.feeds: safe XML first, then feedparser; entries → announcements."""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showtrack.dates import PartialDate
from showtrack.sources.feeds import FeedResult, guess_kind, html_to_text, parse_feed
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
    assert renewed.date == PartialDate(2022, 5, 20)
    assert renewed.source == "TV Fan News & Views"
    assert renewed.url == "https://news.example.org/heartstopper-renewed"
    # 23:30 at -07:00 is the next day in UTC; the date is the UTC day.
    assert by_key["https://news.example.org/heartstopper-trailer"].date == PartialDate(2023, 6, 21)
    assert by_key["https://news.example.org/heartstopper-trailer"].kind == "trailer"
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
    assert first.date == PartialDate(2023, 8, 3)
    assert second.kind == "filming-started"
    assert second.date == PartialDate(2023, 10, 3)  # published wins over updated
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
    with pytest.raises(SourceError, match="not an RSS or Atom feed"):
        parse(b"<html><body><p>Hello</p></body></html><<<")


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
    assert result.announcements[0].date == PartialDate(2019, 7, 10)
    assert "<b>" not in result.announcements[0].headline


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
