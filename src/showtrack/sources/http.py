"""Polite, bounded HTTP GET for every network source (TVmaze, feeds).

One function, :func:`fetch`, with the limits a tool that reads the open web
needs: connect/read timeouts, a total deadline per attempt (a server that
drips one byte a second is cut off), a size cap enforced while streaming and
applied to the *decoded* body (a gzip bomb stops at the cap), a redirect limit
with only ``http``/``https`` allowed, retries with exponential backoff on 429
and 5xx that honour ``Retry-After``, an optional deadline for the whole call
(all attempts and the waits between them), and conditional GET whose
validators (``ETag``, ``Last-Modified``) are kept only when they are well-formed.

Every failure is a :class:`SourceError` whose message is one plain line that
names the URL. httpx is imported inside the functions that use it, so importing
this module costs nothing.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from showtrack import __version__
from showtrack.errors import SourceError, one_line

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"showtrack/{__version__} (command-line TV show tracker; personal use)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_WAIT = 60.0
BACKOFF_BASE = 1.0
MAX_ETAG = 200  # characters; real ETags are hashes or version stamps, far shorter
MAX_HTTP_DATE = 64

_ETAG = rf"[\x21-\x7e]{{1,{MAX_ETAG}}}"  # RFC 7232: visible ASCII, no spaces
_HTTP_DATE = rf"[\x20-\x7e]{{1,{MAX_HTTP_DATE}}}"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET brought back. ``body`` is decoded (no gzip) and empty on a 304."""

    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool
    url: str


def show_url(url: str) -> str:
    """A URL for messages: without user:password, control characters or huge length."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    except ValueError:
        pass
    return one_line(url, limit=200)


def check_url(url: str) -> None:
    """Raise SourceError unless ``url`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise SourceError(f"{show_url(url)} is not a valid web address.", url=url) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise SourceError(
            f"{show_url(url)}: only http:// and https:// addresses are allowed.", url=url
        )
    if not host or len(url) > 4000 or re.search(r"[\x00-\x1f\x7f-\x9f]", url) or " " in url:
        raise SourceError(f"{show_url(url)} is not a valid web address.", url=url)


def clean_etag(value: str | None) -> str | None:
    """``value`` if it is a usable ETag (1-200 visible ASCII characters), else None.

    A validator is sent back on every later request, so one that is not ASCII
    (httpx can't encode it) or is huge or holds control characters would break
    every future sync of the source; such a value is dropped, never stored.
    """
    if isinstance(value, str) and re.fullmatch(_ETAG, value):
        return value
    return None


def clean_last_modified(value: str | None) -> str | None:
    """``value`` if it is printable ASCII that reads as an HTTP date, else None (see
    :func:`clean_etag`). The text is kept as sent: servers compare it verbatim."""
    if not isinstance(value, str) or not re.fullmatch(_HTTP_DATE, value):
        return None
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return value


class _Stop(Exception):
    """Internal: the request cannot succeed; carries the user's sentence."""


class _Retry(Exception):
    """Internal: the server asked us to come back later (429/5xx)."""

    def __init__(self, status: int, reason: str, wait: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.reason = reason
        self.wait = wait


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 5_000_000,
    timeout: float = 10.0,
    deadline: float = 30.0,
    total: float | None = None,
    max_redirects: int = 5,
    retries: int = 3,
    sleep: Callable[[float], None] = time.sleep,
    client: httpx.Client | None = None,
) -> FetchResult:
    """GET ``url`` within limits; raise :class:`SourceError` on any failure.

    ``timeout`` bounds connecting and each read; ``deadline`` bounds one whole
    attempt (headers and body); ``total``, when given, bounds the whole call in
    seconds: no attempt starts after it, each attempt's deadline is cut to what is
    left of it, and a wait that would end past it is not begun (the call fails at
    once), so one source can't hold a sync for minutes. ``max_bytes`` caps the
    decoded body. On 429 or 5xx, and on a refused connection, the request is
    retried up to ``retries`` times, waiting 1, 2, 4 … seconds or what
    ``Retry-After`` asks, at most 60 seconds; a host name that can't be looked up
    (offline) fails at once. ``etag``/``last_modified`` make the request
    conditional: an unchanged resource gives ``not_modified=True`` and an empty
    body. The result's ``etag``/``last_modified`` are None unless well-formed
    (:func:`clean_etag`), and malformed ones given here are not sent.
    """
    import httpx

    check_url(url)
    where = show_url(url)
    ends = None if total is None else time.monotonic() + max(total, 0.0)
    own_client = client is None
    active = client if client is not None else _make_client(timeout)
    try:
        attempt = 0
        while True:
            limit, budget = _attempt_limit(deadline, total, ends, where, url)
            try:
                return _follow(
                    active,
                    url,
                    etag=clean_etag(etag),
                    last_modified=clean_last_modified(last_modified),
                    max_bytes=max_bytes,
                    deadline=limit,
                    budget=budget,
                    max_redirects=max_redirects,
                )
            except _Retry as retry:
                answered = f"the server answered {retry.status} {retry.reason}"
                if attempt >= retries:
                    tries = f" (after {attempt + 1} tries)" if attempt else ""
                    raise SourceError(f"Can't fetch {where}: {answered}{tries}.", url=url) from None
                wait = BACKOFF_BASE * 2**attempt if retry.wait is None else retry.wait
                _pause(min(max(wait, 0.0), MAX_RETRY_WAIT), sleep, ends, total, answered, url)
            except httpx.ConnectError as err:
                refused = f"can't connect ({_reason(err)})"
                if attempt >= retries or _unresolved(err):
                    raise SourceError(f"Can't fetch {where}: {refused}.", url=url) from None
                wait = min(BACKOFF_BASE * 2**attempt, MAX_RETRY_WAIT)
                _pause(wait, sleep, ends, total, refused, url)
            except _Stop as stop:
                raise SourceError(f"Can't fetch {where}: {stop}", url=url) from None
            except httpx.TimeoutException:
                raise SourceError(
                    f"Can't fetch {where}: no answer in time (limit {timeout:g} s per read, "
                    f"{budget}).",
                    url=url,
                ) from None
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as err:
                raise SourceError(f"Can't fetch {where}: {_reason(err)}.", url=url) from None
            except (OSError, ValueError) as err:  # e.g. an unencodable header from the server
                raise SourceError(f"Can't fetch {where}: {_reason(err)}.", url=url) from None
            attempt += 1
    finally:
        if own_client:
            active.close()


def _attempt_limit(
    deadline: float, total: float | None, ends: float | None, where: str, url: str
) -> tuple[float, str]:
    """Seconds the next attempt may take, and how to name that limit in a message;
    SourceError when the whole call's time is already used up."""
    if ends is None or total is None:
        return deadline, f"{deadline:g} s in all"
    left = ends - time.monotonic()
    if left <= 0:
        raise SourceError(
            f"Can't fetch {where}: no answer within the {total:g} s limit for this source.",
            url=url,
        )
    if left < deadline:
        return left, f"{total:g} s for this source"
    return deadline, f"{deadline:g} s in all"


def _pause(
    wait: float,
    sleep: Callable[[float], None],
    ends: float | None,
    total: float | None,
    what: str,
    url: str,
) -> None:
    """Wait before the next attempt, unless the wait would end past the call's deadline:
    then fail now, since no attempt could start in time anyway."""
    if ends is not None and total is not None and time.monotonic() + wait >= ends:
        retry = f"waiting {wait:g} s to retry" if wait else "a retry"
        raise SourceError(
            f"Can't fetch {show_url(url)}: {what}; {retry} would pass the {total:g} s limit "
            "for this source.",
            url=url,
        )
    sleep(wait)


def _unresolved(err: BaseException) -> bool:
    """The host name could not be looked up: offline, or no such host. Waiting a few
    seconds does not change that, so it is reported at once instead of retried."""
    import socket

    seen: BaseException | None = err
    for _ in range(8):  # httpx -> httpcore -> socket
        if seen is None:
            return False
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return one_line(text, limit=160).rstrip(".")


def _follow(
    client: httpx.Client,
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    deadline: float,
    budget: str,
    max_redirects: int,
) -> FetchResult:
    """One attempt: follow redirects by hand, checking each hop, then read the body.

    ``budget`` names the time limit in messages ("30 s in all")."""
    import httpx

    headers = {
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip, deflate",
        "Accept": "application/json, application/atom+xml, application/rss+xml, "
        "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    end = time.monotonic() + deadline
    seen = {url}
    current = url
    for _hop in range(max_redirects + 1):
        _set_deadline(client, end)
        request = client.build_request("GET", current, headers=headers)
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            # httpx prepares the next request of a redirect even when not following it.
            raise _Stop(
                "the server redirected to an address that is not http(s) or not valid."
            ) from None
        try:
            status = response.status_code
            if status in REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise _Stop(f"the server sent a redirect ({status}) without a Location.")
                try:
                    target = str(httpx.URL(current).join(location))
                except (httpx.InvalidURL, ValueError):
                    raise _Stop("the server redirected to an invalid address.") from None
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise _Stop(f"redirected to {show_url(target)}, which is not http(s).")
                if target in seen:
                    raise _Stop(f"redirect loop (back to {show_url(target)}).")
                seen.add(target)
                current = target
                continue
            if status == 304:
                return FetchResult(
                    304,
                    b"",
                    clean_etag(response.headers.get("etag")) or etag,
                    clean_last_modified(response.headers.get("last-modified")) or last_modified,
                    True,
                    current,
                )
            if status in RETRY_STATUSES:
                raise _Retry(status, _phrase(response), _retry_after(response))
            if not 200 <= status < 300:
                raise _Stop(f"the server answered {status} {_phrase(response)}.")
            body = _read_body(response, max_bytes=max_bytes, end=end, budget=budget)
            return FetchResult(
                status,
                body,
                clean_etag(response.headers.get("etag")),
                clean_last_modified(response.headers.get("last-modified")),
                False,
                current,
            )
        finally:
            response.close()
    raise _Stop(f"more than {max_redirects} redirects.")


def _phrase(response: httpx.Response) -> str:
    return one_line(response.reason_phrase or "", limit=60) or "(no reason given)"


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait: a number, or an HTTP date read against its Date."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{1,10}", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
        sent = response.headers.get("date")
        # The server's own Date header is the reference, so no clock is read here.
        base = parsedate_to_datetime(sent) if sent else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if base is None or when.tzinfo is None or base.tzinfo is None:
        return None
    return max((when - base).total_seconds(), 0.0)


def _read_body(response: httpx.Response, *, max_bytes: int, end: float, budget: str) -> bytes:
    """The body, decoded, streamed under the size cap and the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and (len(declared) > 15 or int(declared) > max_bytes):
        size = f"{int(declared):,} bytes" if len(declared) <= 15 else "enormous"
        raise _Stop(f"the response is {size}; the limit is {max_bytes:,} bytes.")
    encodings = [
        part.strip().lower()
        for part in response.headers.get("content-encoding", "").split(",")
        if part.strip() and part.strip().lower() != "identity"
    ]
    if len(encodings) > 2 or any(e not in ("gzip", "x-gzip", "deflate") for e in encodings):
        raise _Stop(f"unsupported content encoding {', '.join(encodings)!r}.")
    chunks: list[bytes] = []
    total = 0
    for chunk in _decoded(response.iter_raw(), encodings, max_bytes):
        total += len(chunk)
        if total > max_bytes:
            raise _Stop(f"the response is larger than the limit of {max_bytes:,} bytes.")
        chunks.append(chunk)
        if time.monotonic() > end:
            raise _Stop(f"the server took too long to send the response (limit {budget}).")
    if time.monotonic() > end:
        raise _Stop(f"the server took too long to send the response (limit {budget}).")
    return b"".join(chunks)


def _decoded(raw: Iterator[bytes], encodings: list[str], max_bytes: int) -> Iterator[bytes]:
    """Undo the content encodings, never producing more than ``max_bytes + 1`` at once."""
    stream: Iterator[bytes] = raw
    raw_total = 0

    def counted(source: Iterator[bytes]) -> Iterator[bytes]:
        nonlocal raw_total
        for chunk in source:
            raw_total += len(chunk)
            if raw_total > max_bytes:
                raise _Stop(f"the response is larger than the limit of {max_bytes:,} bytes.")
            yield chunk

    stream = counted(stream)
    for encoding in reversed(encodings):  # the last encoding applied is undone first
        stream = _inflate(stream, gzip=encoding != "deflate", limit=max_bytes + 1)
    return stream


def _inflate(source: Iterator[bytes], *, gzip: bool, limit: int) -> Iterator[bytes]:
    """Decompress gzip or deflate (zlib or raw) in bounded steps."""
    wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
    decoder: Any = None
    produced = 0
    try:
        for chunk in source:
            data = chunk
            while data:
                if decoder is None:
                    if not gzip and not _zlib_header(data):  # "deflate" sent as raw deflate
                        wbits = -zlib.MAX_WBITS
                    decoder = zlib.decompressobj(wbits)
                out = decoder.decompress(data, max(limit - produced, 1))
                produced += len(out)
                if out:
                    yield out
                if produced >= limit:
                    return
                data = decoder.unconsumed_tail
                if decoder.eof:
                    data = decoder.unused_data  # another gzip member may follow
                    decoder = None
                    if not gzip:
                        return
        if decoder is not None:  # the stream ended inside a compressed member
            raise _Stop("the compressed response is damaged (cut short).")
    except zlib.error:
        raise _Stop("the compressed response is damaged.") from None


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0


# --- the client --------------------------------------------------------------


def _set_deadline(client: httpx.Client, end: float) -> None:
    """Tell our transport (when it is ours) the instant every socket read must end by."""
    holder = getattr(client, "_showtrack_deadline", None)
    if isinstance(holder, list):
        holder[0] = end


def _make_client(timeout: float) -> httpx.Client:
    """An httpx client whose socket reads never outlive the attempt's deadline.

    httpx's timeouts apply to each read, so a server that sends one byte a second
    would never trip them. The transport below clamps each read (headers included)
    to the time left before the deadline.
    """
    import httpcore
    import httpx

    deadline = [float("inf")]

    def clamp(value: float | None) -> float:
        left = deadline[0] - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the total time limit was reached")
        return left if value is None else min(value, left)

    class DeadlineStream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, clamp(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, clamp(timeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(
            self,
            ssl_context: Any,
            server_hostname: str | None = None,
            timeout: float | None = None,
        ) -> httpcore.NetworkStream:
            inner = self._inner.start_tls(ssl_context, server_hostname, clamp(timeout))
            return DeadlineStream(inner)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class DeadlineBackend(httpcore.NetworkBackend):
        def __init__(self) -> None:
            self._inner = httpcore.SyncBackend()

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore.NetworkStream:
            stream = self._inner.connect_tcp(
                host, port, clamp(timeout), local_address, socket_options
            )
            return DeadlineStream(stream)

        def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Any = None
        ) -> httpcore.NetworkStream:
            raise httpcore.ConnectError("unix sockets are not used")

        def sleep(self, seconds: float) -> None:
            time.sleep(seconds)

    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool):  # no proxy: add the deadline to every read
        transport._pool = httpcore.ConnectionPool(  # httpx has no public hook for this
            ssl_context=httpx.create_ssl_context(),
            network_backend=DeadlineBackend(),
            max_connections=4,
        )
    client = httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )
    client._showtrack_deadline = deadline  # type: ignore[attr-defined]
    return client


__all__ = [
    "USER_AGENT",
    "FetchResult",
    "SourceError",
    "check_url",
    "clean_etag",
    "clean_last_modified",
    "fetch",
    "one_line",
]
