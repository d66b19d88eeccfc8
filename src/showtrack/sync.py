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
from showtrack.models import Show
from showtrack.sources.jsonfile import Dataset
from showtrack.store import Feed, Store

SEEN_LIMIT = 2000  # feed entry keys remembered per feed, newest kept


@dataclass(slots=True)
class SyncReport:
    merged: MergeReport | None = None
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: int = 0
    unchanged_feeds: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "failures": self.failures,
            "warnings": self.warnings,
            "unchanged_feeds": self.unchanged_feeds,
            "merge": None if self.merged is None else self.merged.to_dict(),
        }


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def plan(store: Store, show: Show | None) -> tuple[list[Show], list[Feed]]:
    """The linked shows and feeds a sync would fetch."""
    if show is not None:
        return ([show] if show.tvmaze is not None else []), store.feeds(show.slug)
    return store.linked_shows(), store.feeds()


def sync(
    store: Store,
    *,
    now: datetime,
    show: Show | None = None,
    progress: Progress = _quiet,
    fetch: Callable[..., Any] | None = None,
) -> SyncReport:
    """Fetch every source of ``show`` (or of all shows) and merge what came back."""
    from showtrack.sources import feeds as feed_source
    from showtrack.sources import http, tvmaze

    fetcher = fetch or http.fetch
    shows, feeds = plan(store, show)
    report = SyncReport(sources=len(shows) + len(feeds))
    incoming = Dataset()
    for linked in shows:
        progress(f"TVmaze: {linked.title}")
        try:
            assert linked.tvmaze is not None
            payload = tvmaze.fetch_show(linked.tvmaze, fetcher=fetcher)
            mapped = tvmaze.map_show(payload, slug=linked.slug, now=now)
        except ShowtrackError as err:
            report.failures.append(f"TVmaze {linked.title}: {err.message}")
            continue
        report.warnings.extend(f"TVmaze {linked.title}: {warning}" for warning in mapped.warnings)
        incoming.extend(mapped.dataset)
    feed_updates: list[Feed] = []
    for feed in feeds:
        progress(f"Feed: {feed.title or feed.url}")
        try:
            fetched = fetcher(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            if fetched.not_modified:
                report.unchanged_feeds += 1
                continue
            words = list(feed.words) or _show_words(store, feed.show)
            parsed = feed_source.parse_feed(fetched.body, show=feed.show, words=words, url=feed.url)
        except ShowtrackError as err:
            report.failures.append(f"Feed {feed.url}: {err.message}")
            continue
        seen = set(feed.seen)
        fresh_keys: list[str] = []
        for item, key in zip(parsed.announcements, parsed.keys, strict=True):
            if key in seen:
                continue
            seen.add(key)
            fresh_keys.append(key)
            incoming.announcements.append(item)
        feed_updates.append(
            feed._replace(
                title=parsed.title or feed.title,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                seen=tuple([*fresh_keys, *feed.seen][:SEEN_LIMIT]),
            )
        )

    def save_feeds(tables: Any) -> None:
        for updated in feed_updates:
            tables.put_feed(updated)

    progress("Saving")
    report.merged = merge(store, incoming, now=now, origin="sync", also=save_feeds)
    return report


def _show_words(store: Store, slug: str) -> list[str]:
    shows = [item for item in store.shows() if item.slug == slug]
    return [name for show in shows for name in (show.title, *show.aliases)]
