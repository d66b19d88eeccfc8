"""TVmaze: search shows, fetch one with its cast, seasons and episodes, map it to models.

TVmaze (https://www.tvmaze.com/api) is free, needs no key, and licenses its
data under CC BY-SA 4.0: credit "Data from TVmaze" wherever it is shown.

What the payload means, as mapped here:

- ``airdate``/``airtime`` are local to the network's (or web channel's) zone,
  ``country.timezone``; ``airstamp`` is the same moment with a UTC offset.
- ``""`` and ``null`` both mean unknown.
- A global streamer (a web channel whose ``country`` is null) has no local air
  time: its episodes keep ``airstamp`` as given, or only the date.

Everything from the payload is validated: a bad season, cast entry or episode is
skipped with a reason in ``MappedShow.warnings``; only a payload that is not a
show at all raises :class:`SourceError`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import quote

from showtrack.dates import MAX_YEAR, MIN_YEAR, PartialDate, zone
from showtrack.errors import json_problem
from showtrack.models import SHOW_STATUSES, Credit, Episode, Season, Show, name_key
from showtrack.sources.feeds import html_to_text
from showtrack.sources.http import FetchResult, SourceError, check_url, fetch, show_url
from showtrack.sources.jsonfile import LONG, SHORT, SLUG, Dataset

DEFAULT_URL = "https://api.tvmaze.com"
ENV_URL = "SHOWTRACK_TVMAZE_URL"
SOURCE = "TVmaze"
ATTRIBUTION = "Show data from TVmaze (https://www.tvmaze.com), CC BY-SA 4.0."
MAX_ID = 10**9
MAX_NUMBER = 10_000
MAX_ITEMS = 20_000  # episodes, seasons or cast entries read from one payload
MAX_QUERY = 200

Fetcher = Callable[[str], FetchResult]

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def base_url() -> str:
    """The API root: SHOWTRACK_TVMAZE_URL (for tests and mirrors) or the public API."""
    url = os.environ.get(ENV_URL, "").strip() or DEFAULT_URL
    check_url(url)
    return url.rstrip("/")


# --- requests ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: enough to pick a show and link it by id."""

    id: int
    name: str
    premiered: int | None = None  # year
    ended: int | None = None  # year
    network: str | None = None
    url: str | None = None

    @property
    def years(self) -> str | None:
        """'2014–2019', '2014–' (still running or unknown end) or None."""
        if self.premiered is None:
            return None
        if self.ended is None:
            return f"{self.premiered}–"
        if self.ended == self.premiered:
            return str(self.premiered)
        return f"{self.premiered}–{self.ended}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "years": self.years,
            "premiered": self.premiered,
            "ended": self.ended,
            "network": self.network,
            "url": self.url,
        }


def search(query: str, *, fetcher: Fetcher = fetch) -> list[SearchHit]:
    """Shows whose title matches ``query``, best first (``/search/shows?q=``)."""
    words = " ".join(query.replace("\x00", "").split())
    if not words:
        raise SourceError("Give some words of the title to search for.")
    if len(words) > MAX_QUERY:
        raise SourceError(f"The search is {len(words)} characters long; the limit is {MAX_QUERY}.")
    url = f"{base_url()}/search/shows?q={quote(words, safe='')}"
    doc = parse_json(fetcher(url).body, url)
    if not isinstance(doc, list):
        raise SourceError(f"{show_url(url)}: expected a list of results from TVmaze.", url=url)
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for item in doc[:MAX_ITEMS]:
        hit = _hit(item.get("show") if isinstance(item, dict) else None)
        if hit is not None and hit.id not in seen:
            seen.add(hit.id)
            hits.append(hit)
    return hits


def _hit(show: Any) -> SearchHit | None:
    if not isinstance(show, dict):
        return None
    try:
        ident = _int(show.get("id"), "id", low=1, high=MAX_ID, required=True)
        name = _text(show.get("name"), "name", required=True)
        network = _channel(show)[0]
    except ValueError:
        return None
    assert ident is not None
    assert name is not None
    return SearchHit(
        id=ident,
        name=name,
        premiered=_year_of(show.get("premiered")),
        ended=_year_of(show.get("ended")),
        network=network,
        url=_web_url(show.get("url")),
    )


def show_url_for(tvmaze_id: int) -> str:
    """The one request that brings a show with its cast, seasons and episodes."""
    if isinstance(tvmaze_id, bool) or not isinstance(tvmaze_id, int):
        raise SourceError(f"{tvmaze_id!r} is not a TVmaze show id.")
    if not 1 <= tvmaze_id <= MAX_ID:
        raise SourceError(f"{tvmaze_id} is not a TVmaze show id.")
    return f"{base_url()}/shows/{tvmaze_id}?embed[]=cast&embed[]=seasons&embed[]=episodes"


def fetch_show(tvmaze_id: int, *, fetcher: Fetcher = fetch) -> dict[str, Any]:
    """The show's JSON with embedded cast, seasons and episodes, in ONE request.

    The payload must be the show asked for: a mirror, a cache or a redirect that
    answers with another show would otherwise relink the local show to it and
    pour another show's cast and seasons into it.
    """
    url = show_url_for(tvmaze_id)
    doc = parse_json(fetcher(url).body, url)
    if not isinstance(doc, dict):
        raise SourceError(f"{show_url(url)}: expected a show object from TVmaze.", url=url)
    _check_id(doc.get("id"), tvmaze_id, url)
    return doc


def _check_id(answered: Any, asked: int, url: str) -> None:
    """SourceError unless the payload's ``id`` is exactly the id asked for."""
    if isinstance(answered, int) and not isinstance(answered, bool) and answered == asked:
        return
    if answered is None:
        what = "a show without an id"
    elif isinstance(answered, int) and not isinstance(answered, bool) and abs(answered) < 10**12:
        what = f"show {answered}"
    else:
        what = f"a show whose id is {_kind(answered)}"
    raise SourceError(f"TVmaze answered with {what} for id {asked}; nothing was changed.", url=url)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not allowed in JSON")


def parse_json(body: bytes, url: str) -> Any:
    """Decode an API response; SourceError for anything that is not sane JSON.

    Refuses invalid UTF-8 or JSON, NaN/Infinity, floats that overflow
    (``1e999999``), integers longer than Python's digit limit, and nesting
    deep enough to exhaust the parser.
    """
    where = show_url(url)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceError(
            f"{where}: not UTF-8 (bad byte at offset {err.start}).", url=url
        ) from None
    if not text.strip():
        raise SourceError(f"{where}: the response is empty; expected JSON.", url=url)
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise SourceError(
            f"{where}: not valid JSON ({json_problem(err)}).",
            url=url,
        ) from None
    except RecursionError:
        raise SourceError(f"{where}: the JSON is nested too deeply.", url=url) from None
    except ValueError as err:  # int digit limit, 1e999999, NaN
        reason = str(err).split(":")[0][:120]
        raise SourceError(f"{where}: unusable JSON ({reason}).", url=url) from None


# --- validation helpers --------------------------------------------------------


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number"}
    if value is None:
        return "null"
    return names.get(type(value), type(value).__name__)


def _text(
    value: Any, name: str, *, required: bool = False, limit: int = SHORT, html: bool = False
) -> str | None:
    """Validated text: None/"" are unknown; too long, wrong type or bad Unicode raise."""
    if value is None or value == "":
        if required:
            raise ValueError(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name}: expected text, got {_kind(value)}")
    if len(value) > limit * 10:  # cheap guard before any cleaning
        raise ValueError(f"{name} is {len(value):,} characters long; the limit is {limit:,}")
    text = html_to_text(value, lines=True) if html else value.replace("\x00", "").strip()
    if _SURROGATE.search(text):
        raise ValueError(f"{name} is not valid Unicode (a lone surrogate)")
    if len(text) > limit:
        raise ValueError(f"{name} is {len(text):,} characters long; the limit is {limit:,}")
    if not text:
        if required:
            raise ValueError(f"{name} is empty")
        return None
    return text


def _int(
    value: Any, name: str, *, low: int = 0, high: int = MAX_NUMBER, required: bool = False
) -> int | None:
    if value is None:
        if required:
            raise ValueError(f"{name} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected a whole number, got {_kind(value)}")
    if not low <= value <= high:
        shown = str(value) if abs(value) < 10**30 else "a huge number"
        raise ValueError(f"{name}: {shown} is out of range ({low} to {high})")
    return value


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _day(value: Any, name: str) -> PartialDate | None:
    """An ISO day ("2019-10-08"); "" and null are unknown."""
    text = _text(value, name, limit=20)
    if text is None:
        return None
    if not _DAY.fullmatch(text):
        raise ValueError(f"{name}: {text!r} is not a date")
    year, month, day = (int(part) for part in text.split("-"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{name}: {text!r} is out of range")
    try:
        datetime(year, month, day)  # noqa: DTZ001 - only validates the day
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a real date") from None
    return PartialDate(year, month, day)


def _year_of(value: Any) -> int | None:
    try:
        day = _day(value, "date")
    except ValueError:
        return None
    return None if day is None else day.year


def _web_url(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 2_000:
        return None
    if not re.fullmatch(r"https?://[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]+", value):
        return None
    return value


def _zone_name(value: Any) -> str | None:
    """A channel's ``country.timezone`` if it is a real IANA zone."""
    if not isinstance(value, str):
        return None
    try:
        zone(value)
    except ValueError:
        return None
    return value


def _channel(record: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(name, country code, IANA zone) of the network, else of the web channel."""
    for key in ("network", "webChannel"):
        channel = record.get(key)
        if isinstance(channel, dict):
            name = _text(channel.get("name"), f"{key}.name")
            country = _obj(channel.get("country"))
            code = country.get("code")
            code = code if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code) else None
            return name, code, _zone_name(country.get("timezone"))
    return None, None, None


def _instant(value: Any, name: str) -> datetime | None:
    """An ``airstamp``: ISO 8601 with an offset; "" and null are unknown."""
    text = _text(value, name, limit=40)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a date and time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name}: {text!r} has no UTC offset")
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValueError(f"{name}: {text!r} is out of range")
    return moment.replace(second=0, microsecond=0)


# --- the mapping ---------------------------------------------------------------


@dataclass(slots=True)
class MappedShow:
    """A show mapped from TVmaze, and why any part of the payload was left out."""

    dataset: Dataset
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Episode:
    season: int
    number: int | None
    premiere: PartialDate | None
    runtime: int | None
    title: str | None = None
    special: bool = False
    summary: str | None = None


def episode_premiere(episode: dict[str, Any], zone_name: str | None) -> PartialDate | None:
    """When an episode first airs, at the best precision the payload supports.

    ``airstamp`` gives the instant, shown in ``zone_name`` (the network's zone)
    when known and in its own offset otherwise. Without it, ``airdate`` plus
    ``airtime`` make the instant in the network's zone; a global streamer
    (no zone) or a missing time leaves only the day. Raises ValueError.
    """
    stamp = _instant(episode.get("airstamp"), "airstamp")
    if stamp is not None:
        local = stamp.astimezone(zone(zone_name)) if zone_name else stamp
        return PartialDate(local.year, local.month, local.day, at=local)
    day = _day(episode.get("airdate"), "airdate")
    if day is None:
        return None
    clock = _text(episode.get("airtime"), "airtime", limit=10)
    if clock is not None and zone_name is not None:
        match = _CLOCK.fullmatch(clock)
        if match is None:
            raise ValueError(f"airtime: {clock!r} is not a time of day")
        local = datetime.combine(
            day.earliest(), time(int(match[1]), int(match[2])), tzinfo=zone(zone_name)
        )
        return PartialDate(local.year, local.month, local.day, at=local)
    return day


def map_show(payload: Any, *, slug: str, now: datetime | None = None) -> MappedShow:
    """Map a ``/shows/:id?embed[]=cast&embed[]=seasons&embed[]=episodes`` payload.

    ``now`` (aware) decides whether a dated season is scheduled or released;
    without it a dated season's status is left unknown (None).
    Raises SourceError only when the payload is not a usable show (no id or
    name); every other problem skips the item and adds a warning.
    """
    if not SLUG.fullmatch(slug):
        raise ValueError(f"{slug!r} is not a show slug")
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if not isinstance(payload, dict):
        raise SourceError(f"TVmaze sent {_kind(payload)} where a show was expected.")
    warnings: list[str] = []
    try:
        ident = _int(payload.get("id"), "id", low=1, high=MAX_ID, required=True)
        title = _text(payload.get("name"), "name", required=True)
    except ValueError as err:
        raise SourceError(f"TVmaze sent an unusable show: {err}.") from None
    assert ident is not None
    assert title is not None
    try:
        network, country, timezone = _channel(payload)
    except ValueError as err:
        warnings.append(f"show: {err}; network left out")
        network = country = timezone = None
    show = Show(
        slug=slug,
        title=title,
        network=network,
        country=country,
        language=_field(warnings, "show", lambda: _text(payload.get("language"), "language")),
        genres=_genres(payload.get("genres"), warnings),
        timezone=timezone,
        status=_field(warnings, "show", lambda: _status(payload.get("status"))),
        summary=_field(
            warnings,
            "show",
            lambda: _text(payload.get("summary"), "summary", limit=LONG, html=True),
        ),
        source=SOURCE,
        tvmaze=ident,
    )
    embedded = _obj(payload.get("_embedded"))
    episodes, all_read = _episodes(embedded.get("episodes"), timezone, warnings)
    seasons = _seasons(embedded.get("seasons"), slug, timezone, episodes, now, warnings)
    zones = _season_zones(embedded.get("seasons"))
    models, all_kept = _episode_models(episodes, slug, timezone, zones, seasons, warnings)
    credits, whole = _credits(embedded.get("cast"), slug, now, warnings)
    data = Dataset(shows=[show], seasons=seasons, credits=credits, episodes=models)
    if whole:  # the whole main cast, read in full: who is no longer in it goes
        data.main_cast_of[slug] = SOURCE
    if all_read and all_kept:  # the same for the episodes
        data.episodes_of[slug] = SOURCE
    return MappedShow(dataset=data, warnings=warnings)


def _field(warnings: list[str], where: str, read: Callable[[], str | None]) -> str | None:
    try:
        return read()
    except ValueError as err:
        warnings.append(f"{where}: {err}; left out")
        return None


def _status(value: Any) -> str | None:
    """TVmaze's show status ('Running', 'Ended', 'To Be Determined', 'In Development')
    as one of showtrack's; any other is not kept (ValueError: a warning)."""
    text = _text(value, "status", limit=100)
    if text is None:
        return None
    status = " ".join(text.split()).lower()
    if status not in SHOW_STATUSES:
        raise ValueError(f"status {text[:40]!r} is not one showtrack knows")
    return status


def _genres(value: Any, warnings: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        warnings.append(f"show: genres: expected a list, got {_kind(value)}; left out")
        return ()
    genres: list[str] = []
    for index, item in enumerate(value[:100]):
        try:
            genre = _text(item, f"genres[{index}]", limit=100)
        except ValueError as err:
            warnings.append(f"show: {err}; left out")
            continue
        if genre is not None and genre not in genres:
            genres.append(genre)
    return tuple(genres)


def _items(value: Any, name: str, warnings: list[str]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        warnings.append(f"{name}: expected a list, got {_kind(value)}; left out")
        return []
    if len(value) > MAX_ITEMS:
        warnings.append(f"{name}: only the first {MAX_ITEMS:,} of {len(value):,} were read")
    return value[:MAX_ITEMS]


def _episodes(value: Any, timezone: str | None, warnings: list[str]) -> tuple[list[_Episode], bool]:
    """The payload's episodes, and whether every one of them was read."""
    complete = isinstance(value, list) and len(value) <= MAX_ITEMS
    episodes: list[_Episode] = []
    for index, item in enumerate(_items(value, "episodes", warnings)):
        where = f"episodes[{index}]"
        try:
            if not isinstance(item, dict):
                raise ValueError(f"expected an object, got {_kind(item)}")
            season = _int(item.get("season"), "season", required=True)
            assert season is not None
            number = _int(item.get("number"), "number")
            kind = _text(item.get("type"), "type", limit=100)
            episodes.append(
                _Episode(
                    season=season,
                    number=number,
                    premiere=episode_premiere(item, timezone),
                    runtime=_int(item.get("runtime"), "runtime", low=1, high=10_000),
                    title=_text(item.get("name"), "name"),
                    special=number is None or (kind is not None and "special" in kind),
                    summary=_text(item.get("summary"), "summary", limit=LONG, html=True),
                )
            )
        except ValueError as err:
            warnings.append(f"{where}: {err}; skipped")
            complete = False
    return episodes, complete


def _episode_models(
    episodes: list[_Episode],
    slug: str,
    timezone: str | None,
    zones: dict[int, str],
    seasons: list[Season],
    warnings: list[str],
) -> tuple[list[Episode], bool]:
    """Episodes as showtrack keeps them, each in its season's zone; an episode seen
    twice (the same number, or a special with the same title) is kept once."""
    known = {season.number for season in seasons}
    models: list[Episode] = []
    seen: set[Any] = set()
    complete = True
    for raw in episodes:
        zone_name = zones.get(raw.season)
        if zone_name is not None and zone_name != timezone:
            raw = _rezone(raw, zone_name)
        episode = Episode(
            show=slug,
            season=raw.season,
            number=raw.number,
            title=raw.title,
            airs=raw.premiere,
            runtime=raw.runtime,
            kind="special" if raw.special else "regular",
            summary=raw.summary,
            source=SOURCE,
        )
        if episode.season not in known or episode.key in seen:
            what = "twice" if episode.season in known else "in a season that was skipped"
            warnings.append(f"episodes: {episode.label} {episode.title or ''} {what}; skipped")
            complete = False
            continue
        seen.add(episode.key)
        models.append(episode)
    return models, complete


def _first_airing(episodes: list[_Episode]) -> PartialDate | None:
    """When the season first aired: its earliest-aired regular episode (not its
    lowest-numbered: a pilot may air out of order), else its earliest special."""
    numbered = [e.premiere for e in episodes if not e.special and e.premiere is not None]
    dated = numbered or [e.premiere for e in episodes if e.premiere is not None]
    return min(dated, key=lambda d: d.sort_key()) if dated else None


def _season_status(premiere: PartialDate | None, now: datetime | None) -> str | None:
    if premiere is None:
        return "announced"
    if now is None:
        return None
    if premiere.at is not None:
        return "released" if premiere.at <= now else "scheduled"
    return "released" if premiere.earliest() <= now.astimezone(UTC).date() else "scheduled"


def _seasons(
    value: Any,
    slug: str,
    timezone: str | None,
    episodes: list[_Episode],
    now: datetime | None,
    warnings: list[str],
) -> list[Season]:
    by_season: dict[int, list[_Episode]] = {}
    for episode in episodes:
        by_season.setdefault(episode.season, []).append(episode)
    seasons: dict[int, Season] = {}
    for index, item in enumerate(_items(value, "seasons", warnings)):
        where = f"seasons[{index}]"
        try:
            season = _season(item, slug, timezone, by_season, now)
        except ValueError as err:
            warnings.append(f"{where}: {err}; skipped")
            continue
        if season.number in seasons:
            warnings.append(f"{where}: season {season.number} appears twice; skipped")
            continue
        seasons[season.number] = season
    # Seasons known only from their episodes (a payload without embedded seasons).
    for number, group in by_season.items():
        if number in seasons:
            continue
        premiere = _first_airing(group)
        runtimes = [e.runtime for e in group if e.runtime is not None]
        seasons[number] = Season(
            show=slug,
            number=number,
            episodes=sum(1 for e in group if e.number is not None) or None,
            runtime_min=min(runtimes) if runtimes else None,
            runtime_max=max(runtimes) if runtimes else None,
            premiere=premiere,
            status=_season_status(premiere, now),
            source=SOURCE,
        )
    return [seasons[number] for number in sorted(seasons)]


def _season(
    item: Any,
    slug: str,
    timezone: str | None,
    by_season: dict[int, list[_Episode]],
    now: datetime | None,
) -> Season:
    if not isinstance(item, dict):
        raise ValueError(f"expected an object, got {_kind(item)}")
    number = _int(item.get("number"), "number", required=True)
    assert number is not None
    count = _int(item.get("episodeOrder"), "episodeOrder", high=100_000)
    premiere = _day(item.get("premiereDate"), "premiereDate")
    # A season may air on another channel than the show; its zone then wins.
    _name, _code, season_zone = _channel(item)
    group = by_season.get(number, [])
    if season_zone is not None and season_zone != timezone:
        group = [_rezone(e, season_zone) for e in group]
    first = _first_airing([e for e in group if not e.special])
    if premiere is None:
        premiere = first  # no premiereDate: when its first regular episode aired
    elif first is not None and first.at is not None and first.earliest() == premiere.earliest():
        premiere = first  # that episode's instant refines the day TVmaze gives, never moves it
    runtimes = [e.runtime for e in group if e.runtime is not None]
    return Season(
        show=slug,
        number=number,
        episodes=count,
        runtime_min=min(runtimes) if runtimes else None,
        runtime_max=max(runtimes) if runtimes else None,
        premiere=premiere,
        status=_season_status(premiere, now),
        synopsis=_text(item.get("summary"), "summary", limit=LONG, html=True),
        source=SOURCE,
    )


def _season_zones(value: Any) -> dict[int, str]:
    """Seasons that air on another channel than the show, with that channel's zone."""
    zones: dict[int, str] = {}
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        number = item.get("number")
        try:
            _name, _code, zone_name = _channel(item)
        except ValueError:
            continue
        if isinstance(number, int) and not isinstance(number, bool) and zone_name is not None:
            zones[number] = zone_name
    return zones


def _rezone(episode: _Episode, zone_name: str) -> _Episode:
    premiere = episode.premiere
    if premiere is None or premiere.at is None:
        return episode
    local = premiere.at.astimezone(zone(zone_name))
    return dataclasses.replace(
        episode, premiere=PartialDate(local.year, local.month, local.day, at=local)
    )


def _credits(
    value: Any, slug: str, now: datetime | None, warnings: list[str]
) -> tuple[list[Credit], bool]:
    """TVmaze's cast: the show's current main cast (not per season), one credit per
    person and role, in TVmaze's billing order, "as of" the day of the sync. The
    flag says whether the whole list was read (a list, nothing skipped or cut)."""
    if not isinstance(value, list):
        _items(value, "cast", warnings)
        return [], False
    complete = len(value) <= MAX_ITEMS
    as_of = None if now is None else PartialDate(now.year, now.month, now.day)
    credits: list[Credit] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(_items(value, "cast", warnings)):
        where = f"cast[{index}]"
        try:
            if not isinstance(item, dict):
                raise ValueError(f"expected an object, got {_kind(item)}")
            person = item.get("person")
            if not isinstance(person, dict):
                raise ValueError(f"person: expected an object, got {_kind(person)}")
            actor = _text(person.get("name"), "person.name", required=True)
            assert actor is not None
            character = _text(_obj(item.get("character")).get("name"), "character.name")
            voice = item.get("voice") is True
        except ValueError as err:
            warnings.append(f"{where}: {err}; skipped")
            complete = False
            continue
        role = (name_key(actor), name_key(character or ""))
        if role in seen:
            continue
        seen.add(role)
        credits.append(
            Credit(
                show=slug,
                season=None,
                actor=actor,
                character=character,
                note="voice" if voice else None,
                source=SOURCE,
                order=len(credits),
                as_of=as_of,
            )
        )
    return credits, complete


__all__ = [
    "ATTRIBUTION",
    "DEFAULT_URL",
    "ENV_URL",
    "MappedShow",
    "SearchHit",
    "base_url",
    "episode_premiere",
    "fetch_show",
    "map_show",
    "parse_json",
    "search",
    "show_url_for",
]
