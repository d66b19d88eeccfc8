"""Sync: fetch linked shows from TVmaze and followed feeds, then merge once.

Every source is fetched before the database is locked, so a slow server never
holds the lock. One failing source does not stop the others: what succeeded is
merged in one atomic write (with the feeds' ETag/Last-Modified state), and
each failure is reported as one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from showtrack.errors import ShowtrackError
from showtrack.merge import MergeReport, merge
from showtrack.models import Dataset, Feed, Show
from showtrack.store import ChangeSet, Snapshot, Store

SEEN_LIMIT = 2000  # feed entry keys remembered per feed, newest kept


@dataclass(slots=True)
class SyncReport:
    merged: MergeReport | None = None
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: int = 0
    unchanged_feeds: int = 0
    dropped: list[str] = field(default_factory=list)  # removed or relinked while fetching

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "failures": self.failures,
            "warnings": self.warnings,
            "unchanged_feeds": self.unchanged_feeds,
            "dropped": self.dropped,
            "merge": None if self.merged is None else self.merged.to_dict(),
        }


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def plan(snapshot: Snapshot, show: Show | None) -> tuple[list[Show], list[Feed]]:
    """The linked shows and feeds a sync would fetch."""
    if show is not None:
        return ([show] if show.tvmaze is not None else []), snapshot.feeds(show.slug)
    return snapshot.linked_shows(), snapshot.feeds()


class _Fetched:
    """What one source brought, to be merged if its show (or feed) is still there."""

    __slots__ = ("data", "feed", "label", "linked", "updated")

    def __init__(
        self,
        label: str,
        data: Dataset,
        *,
        linked: Show | None = None,
        feed: Feed | None = None,
        updated: Feed | None = None,
    ) -> None:
        self.label = label
        self.data = data
        self.linked = linked  # the show as it was when it was fetched from TVmaze
        self.feed = feed  # the feed as it was when it was fetched
        self.updated = updated  # its new ETag, Last-Modified, title and seen keys


SOURCE_SECONDS = 60.0  # a source's whole time: every try and every wait
RUN_SECONDS = 300.0  # a whole sync's: sources not begun by then fail as "not tried"


class Deadlines:
    """Time limits for one sync: each source has ``per_source`` seconds (tries and
    waits included), and none starts after ``total`` seconds of the run."""

    __slots__ = ("end", "per_source", "total")

    def __init__(self, per_source: float = SOURCE_SECONDS, total: float = RUN_SECONDS) -> None:
        import time

        self.per_source = per_source
        self.total = total
        self.end = time.monotonic() + total

    def left(self) -> float:
        import time

        return self.end - time.monotonic()

    def for_source(self) -> float | None:
        """The time the next source may take, or None when the run is out of time."""
        left = self.left()
        return None if left <= 0 else min(self.per_source, left)


def sync(
    store: Store,
    *,
    now: datetime,
    show: Show | None = None,
    progress: Progress = _quiet,
    fetch: Callable[..., Any] | None = None,
    deadlines: Deadlines | None = None,
) -> SyncReport:
    """Fetch every source of ``show`` (or of all shows), then merge what came back
    into the database as it is when the lock is taken. One slow source can't hold
    the others: each has its own time limit, and the run has one too."""
    import functools

    from showtrack.sources import feeds as feed_source
    from showtrack.sources import http, tvmaze

    fetcher = fetch or http.fetch
    limits = deadlines or Deadlines()
    snapshot = store.snapshot
    shows, feeds = plan(snapshot, show)
    report = SyncReport(sources=len(shows) + len(feeds))
    fetched: list[_Fetched] = []

    def timed(label: str) -> Callable[..., Any] | None:
        seconds = limits.for_source()
        if seconds is None:
            report.failures.append(
                f"{label}: not tried, the sync ran out of time ({limits.total:.0f} s in all; "
                "SHOWTRACK_SYNC_TIMEOUT sets it)."
            )
            return None
        return functools.partial(fetcher, total=seconds)

    for linked in shows:
        progress(f"TVmaze: {linked.title}")
        source_fetch = timed(f"TVmaze {linked.title}")
        if source_fetch is None:
            continue
        try:
            assert linked.tvmaze is not None
            payload = tvmaze.fetch_show(linked.tvmaze, fetcher=source_fetch)
            mapped = tvmaze.map_show(payload, slug=linked.slug, now=now)
        except ShowtrackError as err:
            report.failures.append(f"TVmaze {linked.title}: {err.message}")
            continue
        report.warnings.extend(f"TVmaze {linked.title}: {warning}" for warning in mapped.warnings)
        fetched.append(_Fetched(f"TVmaze {linked.title}", mapped.dataset, linked=linked))
    for feed in feeds:
        owner = snapshot.show(feed.show)
        if owner is None:
            report.failures.append(
                f"Feed {feed.url}: it is followed for {feed.show!r}, which is not in the "
                f"database; remove it with 'showtrack feed remove {feed.show} {feed.url}'."
            )
            continue
        progress(f"Feed: {feed.title or feed.url}")
        source_fetch = timed(f"Feed {feed.url}")
        if source_fetch is None:
            continue
        try:
            got = source_fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            if got.not_modified:
                report.unchanged_feeds += 1
                continue
            words = list(feed.words) or [owner.title, *owner.aliases]
            parsed = feed_source.parse_feed(
                got.body, show=feed.show, words=words, url=feed.url, base=got.url
            )
        except feed_source.WebPageError as err:
            hint = (
                f" Follow its feed instead: showtrack feed remove {feed.show} {feed.url} && "
                f"showtrack feed add {feed.show} {err.feeds[0]}"
                if err.feeds
                else ""
            )
            report.failures.append(f"Feed {feed.url}: {err.message}{hint}")
            continue
        except ShowtrackError as err:
            report.failures.append(f"Feed {feed.url}: {err.message}")
            continue
        seen = set(feed.seen)
        fresh_keys: list[str] = []
        data = Dataset()
        for item, key in zip(parsed.announcements, parsed.keys, strict=True):
            if key in seen:
                continue
            seen.add(key)
            fresh_keys.append(key)
            data.announcements.append(item)
        updated = feed._replace(
            title=parsed.title or feed.title,
            etag=got.etag,
            last_modified=got.last_modified,
            seen=tuple(fresh_keys),
        )
        fetched.append(_Fetched(f"Feed {feed.url}", data, feed=feed, updated=updated))

    def incoming(current: Snapshot) -> Dataset:
        """What is still wanted now: nothing for a show removed or relinked, or a
        feed no longer followed, while the sources were fetched."""
        data = Dataset()
        for source in fetched:
            if source.linked is not None:
                now_show = current.show(source.linked.slug)
                if now_show is None or now_show.tvmaze != source.linked.tvmaze:
                    report.dropped.append(source.label)
                    continue
            if source.feed is not None and not _followed(current, source.feed):
                report.dropped.append(source.label)
                continue
            data.extend(source.data)
        return data

    def save_feeds(current: Snapshot, changes: ChangeSet) -> None:
        for source in fetched:
            if source.feed is None or source.updated is None:
                continue
            now_feed = _followed(current, source.feed)
            if now_feed is None:
                continue
            keys = [
                *source.updated.seen,
                *(k for k in now_feed.seen if k not in source.updated.seen),
            ]
            changes.put_record(
                now_feed._replace(
                    title=source.updated.title,
                    etag=source.updated.etag,
                    last_modified=source.updated.last_modified,
                    seen=tuple(keys[:SEEN_LIMIT]),
                )
            )

    progress("Saving")
    report.merged = merge(store, incoming, origin="sync", also=save_feeds)
    return report


def _followed(snapshot: Snapshot, feed: Feed) -> Feed | None:
    return next((f for f in snapshot.feeds(feed.show) if f.url == feed.url), None)
