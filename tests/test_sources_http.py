"""sources.http.fetch against a real server on 127.0.0.1: limits, retries, conditional GET."""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator

import pytest

from showtrack import __version__
from showtrack.errors import ShowtrackError
from showtrack.sources.http import (
    USER_AGENT,
    FetchResult,
    SourceError,
    clean_etag,
    clean_last_modified,
    fetch,
)
from sources_helpers import (
    Handler,
    LocalServer,
    answer,
    drip,
    drip_headers,
    endless,
    gzip_bomb,
    sequence,
    serve,
)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


class Sleeps:
    """An injected sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def assert_one_line(err: SourceError, url: str) -> None:
    message = str(err)
    assert "\n" not in message
    assert "Traceback" not in message
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in message)
    assert url in message


def test_plain_get_sends_a_user_agent_naming_showtrack(server: LocalServer) -> None:
    url = server.static("/a.json", b'{"ok": true}', headers={"ETag": '"v1"'})
    result = fetch(url)
    assert result == FetchResult(200, b'{"ok": true}', '"v1"', None, False, url)
    agent = server.hits("/a.json")[0].headers["user-agent"]
    assert agent == USER_AGENT
    assert f"showtrack/{__version__}" in agent


def test_source_error_is_a_showtrack_error() -> None:
    assert issubclass(SourceError, ShowtrackError)
    assert SourceError("x").exit_code == 1


def test_conditional_get_gives_not_modified(server: LocalServer) -> None:
    def conditional(handler: Handler) -> None:
        if handler.header("If-None-Match") == '"v7"':
            handler.reply(304, b"", {"ETag": '"v7"'})
        else:
            handler.reply(200, b"<rss/>", {"ETag": '"v7"', "Last-Modified": LAST_MODIFIED})

    url = server.route("/feed", conditional)
    first = fetch(url)
    assert first.etag == '"v7"'
    assert first.last_modified == LAST_MODIFIED
    assert not first.not_modified
    again = fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified
    assert again.status == 304
    assert again.body == b""
    assert again.etag == '"v7"'
    assert again.last_modified == LAST_MODIFIED  # kept from the request
    sent = server.hits("/feed")[1].headers
    assert sent["if-none-match"] == '"v7"'
    assert sent["if-modified-since"] == LAST_MODIFIED


LAST_MODIFIED = "Mon, 01 May 2023 10:00:00 GMT"


@pytest.mark.parametrize(
    ("etag", "last_modified"),
    [
        ('"caf\xe9"', "Mon, 01 May 2023 10:00:00 GMT"),  # not ASCII (sent as Latin-1)
        ('"a\tb"', "Mon, 01 May 2023 10:00:00 GMT"),  # a control character
        ('"' + "x" * 10_000 + '"', "Mon, 01 May 2023 10:00:00 GMT"),  # 10 kB
        ("", "Mon, 01 May 2023 10:00:00 GMT"),
        ('"v1"', "garbage"),
        ('"v1"', "Mon, 01 May 2023"),  # a date without a time is not an HTTP date
        ('"v1"', "M\xf6n, 01 May 2023 10:00:00 GMT"),
        ('"v1"', "Mon, 01 May 2023 10:00:00 GMT; " + "x" * 10_000),
    ],
)
def test_hostile_validators_are_not_kept(
    server: LocalServer, etag: str, last_modified: str
) -> None:
    url = server.static("/v", b"<rss/>", headers={"ETag": etag, "Last-Modified": last_modified})
    result = fetch(url)
    assert result.body == b"<rss/>"  # the feed still syncs
    good_etag = etag == '"v1"'
    assert result.etag == (etag if good_etag else None)
    assert result.last_modified == (last_modified if not good_etag else None)
    again = fetch(url, etag=result.etag, last_modified=result.last_modified)  # and again
    assert again.body == b"<rss/>"


def test_a_hostile_validator_in_a_304_keeps_the_one_sent(server: LocalServer) -> None:
    url = server.static(
        "/same", b"", status=304, headers={"ETag": '"\xff"', "Last-Modified": "soon"}
    )
    result = fetch(url, etag='"v2"', last_modified=LAST_MODIFIED)
    assert result.not_modified
    assert (result.etag, result.last_modified) == ('"v2"', LAST_MODIFIED)


def test_stored_validators_that_cannot_be_sent_are_left_out(server: LocalServer) -> None:
    # a database written before validators were checked may hold one; httpx can't
    # encode it, and every later sync of the feed failed
    url = server.static("/old", b"<rss/>")
    result = fetch(url, etag='"caf\u00e9 \u2603"', last_modified="Mon, 01 May 2023\x1b[31m")
    assert result.body == b"<rss/>"
    sent = server.hits("/old")[0].headers
    assert "if-none-match" not in sent
    assert "if-modified-since" not in sent


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ('"33a64df551425fcc55e4d42a148795d9f25f89d4"', True),
        ('W/"0815"', True),
        ("unquoted-but-visible", True),
        ("x" * 200, True),
        ("x" * 201, False),
        ('"a b"', False),
        ('"\x00"', False),
        ('"\u00e9"', False),
        ("", False),
        (None, False),
    ],
)
def test_clean_etag(value: str | None, kept: bool) -> None:
    assert clean_etag(value) == (value if kept else None)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", True),
        ("Sunday, 06-Nov-94 08:49:37 GMT", True),  # RFC 850, obsolete but allowed
        ("Sun Nov  6 08:49:37 1994", True),  # asctime
        ("Sun, 06 Nov 1994 08:49:37 GMT\r\nX-Evil: 1", False),
        ("Sun, 06 Nov 1994 08:49:37 \u00c9ST", False),
        ("1994-11-06T08:49:37Z", False),
        ("yesterday", False),
        (None, False),
    ],
)
def test_clean_last_modified(value: str | None, kept: bool) -> None:
    assert clean_last_modified(value) == (value if kept else None)


def test_gzip_body_is_decoded(server: LocalServer) -> None:
    url = server.static("/z", gzip.compress(b"hello " * 1000), headers={"Content-Encoding": "gzip"})
    assert fetch(url).body == b"hello " * 1000


@pytest.mark.parametrize("raw", [False, True])
def test_deflate_body_is_decoded_with_or_without_zlib_header(
    server: LocalServer, raw: bool
) -> None:
    packer = zlib.compressobj(wbits=-15 if raw else 15)
    body = packer.compress(b"deflated " * 500) + packer.flush()
    url = server.static("/d", body, headers={"Content-Encoding": "deflate"})
    assert fetch(url).body == b"deflated " * 500


def test_damaged_gzip_fails_cleanly(server: LocalServer) -> None:
    url = server.static("/bad", b"\x1f\x8b\x08\x00garbage", headers={"Content-Encoding": "gzip"})
    with pytest.raises(SourceError, match="damaged") as caught:
        fetch(url)
    assert_one_line(caught.value, url)


def test_declared_size_over_the_cap_is_refused_before_reading(server: LocalServer) -> None:
    url = server.static("/big", b"x" * 2000)
    with pytest.raises(SourceError, match="limit") as caught:
        fetch(url, max_bytes=1000)
    assert_one_line(caught.value, url)


def test_fifty_megabytes_are_cut_at_the_cap_while_streaming(server: LocalServer) -> None:
    url = server.route("/huge", endless)
    started = time.monotonic()
    with pytest.raises(SourceError, match="larger than the limit") as caught:
        fetch(url, max_bytes=1_000_000)
    assert time.monotonic() - started < 5
    assert_one_line(caught.value, url)


def test_gzip_bomb_is_cut_at_the_decoded_cap(server: LocalServer) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 1_000_000  # small on the wire, 60 MB decoded
    url = server.static("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    with pytest.raises(SourceError, match="larger than the limit") as caught:
        fetch(url, max_bytes=5_000_000)
    assert time.monotonic() - started < 5
    assert_one_line(caught.value, url)


def test_double_gzip_bomb_is_cut_too(server: LocalServer) -> None:
    body = gzip.compress(gzip_bomb())
    url = server.static("/bomb2", body, headers={"Content-Encoding": "gzip, gzip"})
    with pytest.raises(SourceError, match="larger than the limit"):
        fetch(url, max_bytes=1_000_000)


def test_unknown_content_encoding_is_refused(server: LocalServer) -> None:
    url = server.static("/br", b"??", headers={"Content-Encoding": "br"})
    with pytest.raises(SourceError, match="unsupported content encoding"):
        fetch(url)


@pytest.mark.slow
def test_a_drip_is_cut_at_the_total_deadline(server: LocalServer) -> None:
    url = server.route("/drip", drip)
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        fetch(url, timeout=5.0, deadline=1.5)
    elapsed = time.monotonic() - started
    assert 1.0 < elapsed < 4.0
    assert_one_line(caught.value, url)


@pytest.mark.slow
def test_dripped_headers_are_cut_at_the_total_deadline(server: LocalServer) -> None:
    url = server.route("/slow-headers", drip_headers)
    started = time.monotonic()
    with pytest.raises(SourceError, match="no answer in time|took too long") as caught:
        fetch(url, timeout=5.0, deadline=1.5)
    assert time.monotonic() - started < 4.0
    assert_one_line(caught.value, url)


@pytest.mark.slow
def test_a_silent_server_hits_the_read_timeout(server: LocalServer) -> None:
    def silent(handler: Handler) -> None:
        time.sleep(3)

    url = server.route("/silent", silent)
    started = time.monotonic()
    with pytest.raises(SourceError, match="no answer in time"):
        fetch(url, timeout=0.5, deadline=10.0, retries=0)
    assert time.monotonic() - started < 2.5


def test_redirects_are_followed_to_the_final_url(server: LocalServer) -> None:
    final = server.static("/final", b"done")
    server.static("/hop", b"", status=302, headers={"Location": "/final"})
    result = fetch(server.url("/hop"))
    assert result.body == b"done"
    assert result.url == final


def test_a_redirect_loop_fails(server: LocalServer) -> None:
    server.static("/a", b"", status=301, headers={"Location": "/b"})
    server.static("/b", b"", status=301, headers={"Location": "/a"})
    with pytest.raises(SourceError, match="redirect loop") as caught:
        fetch(server.url("/a"))
    assert_one_line(caught.value, server.url("/a"))


def test_too_many_redirects_fail(server: LocalServer) -> None:
    for index in range(10):
        server.static(f"/r{index}", b"", status=307, headers={"Location": f"/r{index + 1}"})
    server.static("/r10", b"end")
    with pytest.raises(SourceError, match="more than 5 redirects"):
        fetch(server.url("/r0"))
    assert fetch(server.url("/r0"), max_redirects=10).body == b"end"


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x", "javascript:alert(1)"]
)
def test_a_redirect_to_another_scheme_fails(server: LocalServer, target: str) -> None:
    url = server.static("/evil", b"", status=302, headers={"Location": target})
    with pytest.raises(SourceError, match="not http") as caught:
        fetch(url)
    assert "root:" not in str(caught.value)
    assert_one_line(caught.value, url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x/y", "http://", "not a url"])
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(SourceError):
        fetch(url)


def test_500_then_success_is_retried_with_backoff(server: LocalServer) -> None:
    url = server.route("/flaky", sequence(answer(500), answer(503), answer(200, b"finally", {})))
    sleeps = Sleeps()
    assert fetch(url, sleep=sleeps).body == b"finally"
    assert sleeps.waits == [1.0, 2.0]
    assert len(server.hits("/flaky")) == 3


def test_persistent_500_gives_up_after_the_retries(server: LocalServer) -> None:
    url = server.route("/down", answer(500, b"oops"))
    sleeps = Sleeps()
    with pytest.raises(SourceError, match="500") as caught:
        fetch(url, retries=3, sleep=sleeps)
    assert sleeps.waits == [1.0, 2.0, 4.0]
    assert len(server.hits("/down")) == 4
    assert "after 4 tries" in str(caught.value)
    assert_one_line(caught.value, url)


def test_429_honours_retry_after_seconds(server: LocalServer) -> None:
    url = server.route(
        "/busy", sequence(answer(429, b"", {"Retry-After": "7"}), answer(200, b"ok", {}))
    )
    sleeps = Sleeps()
    assert fetch(url, sleep=sleeps).body == b"ok"
    assert sleeps.waits == [7.0]


def test_429_retry_after_http_date_is_read_against_the_server_date(server: LocalServer) -> None:
    headers = {
        "Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT",
        "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
    }

    def busy(handler: Handler) -> None:
        handler.send_response_only(429)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    url = server.route("/busy-date", sequence(busy, answer(200, b"ok", {})))
    sleeps = Sleeps()
    assert fetch(url, sleep=sleeps).body == b"ok"
    assert sleeps.waits == [30.0]


def test_retry_after_is_capped(server: LocalServer) -> None:
    url = server.route(
        "/slowdown", sequence(answer(429, b"", {"Retry-After": "86400"}), answer(200, b"ok", {}))
    )
    sleeps = Sleeps()
    assert fetch(url, sleep=sleeps).body == b"ok"
    assert sleeps.waits == [60.0]


# --- a deadline for the whole call ---------------------------------------------------------


class RealSleeps(Sleeps):
    """Records the waits and really waits (for tests of the whole call's deadline)."""

    def __call__(self, seconds: float) -> None:
        super().__call__(seconds)
        time.sleep(seconds)


def test_a_wait_past_the_total_deadline_fails_at_once(server: LocalServer) -> None:
    url = server.route("/unavailable", answer(503, b"", {"Retry-After": "60"}))
    sleeps = Sleeps()
    started = time.monotonic()
    with pytest.raises(SourceError, match="503") as caught:
        fetch(url, total=2, sleep=sleeps)
    assert time.monotonic() - started < 2.5
    assert sleeps.waits == []  # without ``total``: 60, 60, 60 (3 minutes)
    assert len(server.hits("/unavailable")) == 1
    assert "waiting 60 s to retry would pass the 2 s limit for this source" in str(caught.value)
    assert_one_line(caught.value, url)


def test_waits_that_fit_in_the_total_deadline_are_made(server: LocalServer) -> None:
    url = server.route("/down-again", answer(500, b"oops"))
    sleeps = RealSleeps()
    started = time.monotonic()
    with pytest.raises(SourceError, match="500.*waiting 2 s to retry would pass the 2.5 s"):
        fetch(url, retries=3, total=2.5, sleep=sleeps)
    assert 1.0 <= time.monotonic() - started < 2.5
    assert sleeps.waits == [1.0]  # 1 s fits; the next 2 s would end past 2.5 s
    assert len(server.hits("/down-again")) == 2


def test_no_attempt_starts_after_the_total_deadline(server: LocalServer) -> None:
    url = server.static("/never", b"ok")
    with pytest.raises(SourceError, match="within the 0 s limit for this source"):
        fetch(url, total=0)
    assert server.hits("/never") == []
    assert fetch(url, total=5).body == b"ok"


def test_refused_connections_are_not_retried_past_the_total_deadline() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(SourceError, match="can't connect.*would pass the 0.5 s limit"):
        fetch(f"http://127.0.0.1:{port}/nothing", retries=3, total=0.5, sleep=sleeps)
    assert sleeps.waits == []


@pytest.mark.slow
def test_an_attempt_is_cut_at_the_total_deadline(server: LocalServer) -> None:
    url = server.route("/drip-total", drip)
    started = time.monotonic()
    with pytest.raises(SourceError, match="1.5 s for this source") as caught:
        fetch(url, timeout=5.0, deadline=30.0, total=1.5)
    assert 1.0 < time.monotonic() - started < 3.5
    assert_one_line(caught.value, url)


def test_404_fails_without_retrying(server: LocalServer) -> None:
    url = server.url("/missing")
    sleeps = Sleeps()
    with pytest.raises(SourceError, match="404") as caught:
        fetch(url, sleep=sleeps)
    assert sleeps.waits == []
    assert_one_line(caught.value, url)


def test_refused_connection_is_retried_then_reported(server: LocalServer) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/nothing"
    sleeps = Sleeps()
    with pytest.raises(SourceError, match="can't connect") as caught:
        fetch(url, retries=2, sleep=sleeps)
    assert sleeps.waits == [1.0, 2.0]
    assert_one_line(caught.value, url)


def test_error_messages_hide_credentials_and_control_characters(server: LocalServer) -> None:
    url = server.base.replace("http://", "http://user:secret@") + "/gone"
    with pytest.raises(SourceError) as caught:
        fetch(url)
    assert "secret" not in str(caught.value)
    hostile = server.url("/x\x1b]0;title\x07")
    with pytest.raises(SourceError) as caught:
        fetch(hostile)
    assert "\x1b" not in str(caught.value)
    assert "\x07" not in str(caught.value)


def test_a_host_that_cannot_be_looked_up_fails_at_once() -> None:
    # offline, `search` used to wait 1 + 2 + 4 s before saying so; a lookup that
    # failed is reported at once (the transport raises what httpcore raises for it)
    import socket

    import httpx

    calls: list[str] = []

    def offline(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        lookup = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        raise httpx.ConnectError(str(lookup), request=request) from lookup

    sleeps = Sleeps()
    url = "https://api.tvmaze.example/search/shows?q=x"
    with httpx.Client(transport=httpx.MockTransport(offline)) as client:
        with pytest.raises(SourceError, match="can't connect.*name resolution") as caught:
            fetch(url, retries=3, sleep=sleeps, client=client)
    assert sleeps.waits == []
    assert calls == [url]
    assert_one_line(caught.value, url)
