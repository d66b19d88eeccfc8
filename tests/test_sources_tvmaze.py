"""sources.tvmaze: search, one-request fetch, and mapping payloads (real and hostile) to models."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showtrack.dates import PartialDate
from showtrack.sources.http import FetchResult, SourceError, fetch
from showtrack.sources.tvmaze import (
    ATTRIBUTION,
    MappedShow,
    SearchHit,
    base_url,
    episode_premiere,
    fetch_show,
    map_show,
    parse_json,
    search,
)
from sources_helpers import DATA, LocalServer, answer, real, sequence, serve

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")

# 10,000 cases in the long form (scripts/torture --long), 150 in the fast one.
FUZZ_CASES = 10_000 if os.environ.get("SHOWTRACK_TORTURE") == "long" else 150


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    yield from serve(monkeypatch)


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def mapped(payload: Any, slug: str = "heartstopper", now: datetime = NOW) -> MappedShow:
    return map_show(payload, slug=slug, now=now)


# --- configuration and requests ----------------------------------------------------------


def test_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOWTRACK_TVMAZE_URL", raising=False)
    assert base_url() == "https://api.tvmaze.com"
    monkeypatch.setenv("SHOWTRACK_TVMAZE_URL", "http://127.0.0.1:8080/api/")
    assert base_url() == "http://127.0.0.1:8080/api"
    monkeypatch.setenv("SHOWTRACK_TVMAZE_URL", "file:///etc")
    with pytest.raises(SourceError):
        base_url()


def test_attribution_names_tvmaze_and_the_license() -> None:
    assert "TVmaze" in ATTRIBUTION
    assert "CC BY-SA" in ATTRIBUTION


def test_search_over_http(server: LocalServer) -> None:
    server.static("/search/shows", (DATA / "tvmaze_search.json").read_bytes())
    hits = search("heart  stopper")
    assert server.seen[0].path == "/search/shows?q=heart%20stopper"
    assert hits == [
        SearchHit(
            53366,
            "Heartstopper",
            2022,
            None,
            "Netflix",
            "https://www.tvmaze.com/shows/53366/heartstopper",
        ),
        SearchHit(999, "Heartstopper (The Musical)", 2019, 2019, "[bold]Stage\x1b[0m", None),
    ]
    assert hits[0].to_dict()["years"] == "2022–"
    assert hits[1].years == "2019"


@pytest.mark.parametrize("query", ["", "   ", "x" * 201])
def test_search_refuses_empty_or_huge_queries(query: str) -> None:
    def never(url: str) -> FetchResult:
        raise AssertionError(url)

    with pytest.raises(SourceError):
        search(query, fetcher=never)


def test_search_query_is_url_encoded() -> None:
    urls: list[str] = []

    def fake(url: str) -> FetchResult:
        urls.append(url)
        return FetchResult(200, b"[]", None, None, False, url)

    assert search("Tom & Jerry/?#", fetcher=fake) == []
    assert urls[0].endswith("/search/shows?q=Tom%20%26%20Jerry%2F%3F%23")


def test_fetch_show_is_one_request_with_everything_embedded(server: LocalServer) -> None:
    server.static("/shows/53366", (DATA / "tvmaze_streamer.json").read_bytes())
    payload = fetch_show(53366)
    assert payload["name"] == "Heartstopper"
    (request,) = server.seen
    assert request.path == "/shows/53366?embed[]=cast&embed[]=seasons&embed[]=episodes"


@pytest.mark.parametrize("bad", [0, -1, 10**12, True])
def test_fetch_show_refuses_bad_ids(bad: int) -> None:
    with pytest.raises(SourceError):
        fetch_show(bad)


@pytest.mark.parametrize(
    ("answered", "problem"),
    [
        (999, "TVmaze answered with show 999 for id 143; nothing was changed."),
        ("143", "TVmaze answered with a show whose id is text for id 143; nothing was changed."),
        (143.0, "TVmaze answered with a show whose id is float for id 143; nothing was changed."),
        (True, "TVmaze answered with a show whose id is true/false for id 143"),
        (10**40, "TVmaze answered with a show whose id is a number for id 143"),
        (None, "TVmaze answered with a show without an id for id 143; nothing was changed."),
    ],
)
def test_fetch_show_refuses_a_payload_for_another_id(
    server: LocalServer, answered: Any, problem: str
) -> None:
    payload = load("tvmaze_streamer.json")
    payload["id"] = answered
    server.static("/shows/143", json.dumps(payload).encode())
    with pytest.raises(SourceError) as caught:
        fetch_show(143)
    assert str(caught.value).startswith(problem)
    del payload["id"]
    server.static("/shows/143", json.dumps(payload).encode())
    with pytest.raises(SourceError, match="without an id for id 143"):
        fetch_show(143)


def test_fetch_show_404_is_a_source_error(server: LocalServer) -> None:
    with pytest.raises(SourceError, match="404"):
        fetch_show(77)


def test_rate_limit_429_is_waited_out(server: LocalServer) -> None:
    body = (DATA / "tvmaze_streamer.json").read_bytes()
    server.route(
        "/shows/53366",
        sequence(answer(429, b"", {"Retry-After": "2"}), answer(200, body, {})),
    )
    waits: list[float] = []

    def fetcher(url: str) -> FetchResult:
        return fetch(url, sleep=waits.append)

    assert fetch_show(53366, fetcher=fetcher)["id"] == 53366
    assert waits == [2.0]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b'{"id": 1e999999}', "unusable JSON"),
        (b'{"id": NaN}', "unusable JSON"),
        (b'{"id": ' + b"9" * 5000 + b"}", "unusable JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[]", "expected a show"),
    ],
)
def test_hostile_json_is_a_source_error(server: LocalServer, body: bytes, problem: str) -> None:
    server.static("/shows/5", body)
    with pytest.raises(SourceError, match=problem) as caught:
        fetch_show(5)
    assert "\n" not in str(caught.value)


def test_parse_json_keeps_lone_surrogates_for_the_mapper_to_judge() -> None:
    assert parse_json(b'{"name": "\\ud800"}', "https://x/") == {"name": "\ud800"}


# --- mapping: hand-written payloads --------------------------------------------------------


def test_streamer_show_is_mapped() -> None:
    result = mapped(load("tvmaze_streamer.json"))
    assert result.warnings == []
    (show,) = result.dataset.shows
    assert show.slug == "heartstopper"
    assert show.title == "Heartstopper"
    assert show.network == "Netflix"
    assert show.country is None  # a global streamer
    assert show.timezone is None
    assert show.language == "English"
    assert show.genres == ("Drama", "Romance")
    assert show.status == "running"
    assert show.summary == "Heartstopper is a coming-of-age series & a love story.\nBoy meets boy."
    assert show.tvmaze == 53366
    assert show.source == "TVmaze"


def test_streamer_premieres_keep_the_airstamp_or_only_the_date() -> None:
    seasons = {s.number: s for s in mapped(load("tvmaze_streamer.json")).dataset.seasons}
    one = seasons[1].premiere
    assert one is not None
    assert one.at == datetime(2022, 4, 22, 7, 0, tzinfo=UTC)  # midnight Pacific, as stamped
    assert one.iso() == "2022-04-22T07:00+00:00"
    assert seasons[1].episodes == 8
    assert seasons[1].synopsis == "Charlie meets Nick."
    assert seasons[1].runtime_min == 27
    assert seasons[1].runtime_max == 29
    assert seasons[1].status == "released"
    assert seasons[3].premiere == PartialDate(2024, 10, 3)  # no airstamp, no local time
    assert seasons[3].status == "scheduled"
    assert seasons[4].premiere is None
    assert seasons[4].episodes is None
    assert seasons[4].status == "announced"


def test_streamer_cast_is_the_shows_main_cast_in_billing_order() -> None:
    data = mapped(load("tvmaze_streamer.json")).dataset
    credits = data.credits
    assert {c.season for c in credits} == {None}  # the show's cast, not any season's
    assert [(c.actor, c.character, c.note, c.order) for c in credits] == [
        ("Kit Connor", "Nick Nelson", None, 0),
        ("Joe Locke", "Charlie Spring", None, 1),
        ("Olivia Colman", "Sarah Nelson", None, 2),
        ("Alice Oseman", "Alice Oseman", None, 3),
        ("Sample Voice", "The Narrator [red]", "voice", 4),  # the duplicate is dropped
    ]
    assert all(c.source == "TVmaze" for c in credits)
    assert all(c.as_of == PartialDate(2024, 6, 1) for c in credits)  # the day of the sync
    assert all(c.status is None for c in credits)  # returning/new is never made up
    assert data.main_cast_of == {"heartstopper": "TVmaze"}


def payload_with(cast: list[Any], seasons: int = 0) -> dict[str, Any]:
    return {
        "id": 9,
        "name": "Many Seasons",
        "_embedded": {
            "cast": cast,
            "seasons": [{"number": n, "premiereDate": None} for n in range(1, seasons + 1)],
        },
    }


def person(name: str, character: str | None) -> dict[str, Any]:
    return {
        "person": {"name": name},
        "character": None if character is None else {"name": character},
    }


def test_an_actor_in_two_roles_is_two_credits() -> None:
    cast = [person("Tatiana Maslany", "Sarah Manning"), person("Tatiana Maslany", "Cosima Niehaus")]
    credits = mapped(payload_with(cast), slug="orphan-black").dataset.credits
    assert [(c.character, c.order) for c in credits] == [
        ("Sarah Manning", 0),
        ("Cosima Niehaus", 1),
    ]


def test_credits_are_bounded_by_the_cast_not_multiplied_by_the_seasons() -> None:
    cast = [person(f"Actor {n}", f"Role {n}") for n in range(2_000)]
    data = mapped(payload_with(cast, seasons=300), slug="many").dataset
    assert len(data.seasons) == 300
    assert len(data.credits) == 2_000


def test_a_show_with_cast_and_no_seasons_gets_no_season() -> None:
    data = mapped(payload_with([person("A B", "C")]), slug="castonly").dataset
    assert data.seasons == []
    assert [c.season for c in data.credits] == [None]


def test_a_cast_read_only_in_part_is_not_taken_as_the_whole_main_cast() -> None:
    cast = [person("A B", "C"), {"person": "not an object"}]
    result = mapped(payload_with(cast), slug="partial")
    assert [c.actor for c in result.dataset.credits] == ["A B"]
    assert any("cast[1]" in warning for warning in result.warnings)
    assert result.dataset.main_cast_of == {}  # nobody is removed on the strength of it
    no_cast = mapped({"id": 9, "name": "No embed"}, slug="none").dataset
    assert no_cast.main_cast_of == {}


def episode(number: int | None, airdate: str, airstamp: str | None = None) -> dict[str, Any]:
    return {"season": 1, "number": number, "airdate": airdate, "airstamp": airstamp}


def one_season(premiere_date: str | None, *episodes: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": 9,
        "name": "Pilot Out Of Order",
        "network": {"name": "FOX", "country": {"code": "US", "timezone": "America/New_York"}},
        "_embedded": {
            "seasons": [{"number": 1, "premiereDate": premiere_date}],
            "episodes": list(episodes),
        },
    }


def test_the_premiere_is_premiere_date_refined_by_the_earliest_aired_episode() -> None:
    # Firefly's way: episode 1 (the pilot) aired last; episode 2 aired on premiereDate.
    payload = one_season(
        "2002-09-20",
        episode(1, "2002-12-20", "2002-12-21T01:00:00+00:00"),
        episode(2, "2002-09-20", "2002-09-21T00:00:00+00:00"),
    )
    (season,) = mapped(payload, slug="firefly").dataset.seasons
    assert season.premiere is not None
    assert season.premiere.iso() == "2002-09-20T20:00-04:00"  # episode 2's airing, not the pilot's


def test_the_premiere_day_is_not_moved_by_an_episode_on_another_day() -> None:
    payload = one_season(
        "2002-09-20",
        episode(1, "2002-09-27", "2002-09-28T00:00:00+00:00"),
        episode(None, "2002-09-13", "2002-09-14T00:00:00+00:00"),  # a special before it
    )
    (season,) = mapped(payload, slug="firefly").dataset.seasons
    assert season.premiere == PartialDate(2002, 9, 20)  # premiereDate, at its precision


def test_without_premiere_date_the_earliest_aired_regular_episode_dates_the_season() -> None:
    payload = one_season(
        None,
        episode(1, "2002-12-20", "2002-12-21T01:00:00+00:00"),
        episode(2, "2002-09-20", "2002-09-21T00:00:00+00:00"),
    )
    (season,) = mapped(payload, slug="firefly").dataset.seasons
    assert season.premiere is not None
    assert season.premiere.iso() == "2002-09-20T20:00-04:00"


def test_network_show_times_are_in_the_network_zone() -> None:
    result = mapped(load("tvmaze_network.json"), slug="doctor-who")
    assert result.warnings == []
    (show,) = result.dataset.shows
    assert show.timezone == "Europe/London"
    assert show.country == "GB"
    assert show.summary is None
    seasons = {s.number: s for s in result.dataset.seasons}
    one = seasons[1].premiere
    assert one is not None
    # airdate + airtime only: 19:00 London time, which was GMT on 26 March 2005
    assert one.iso() == "2005-03-26T19:00+00:00"
    two = seasons[2].premiere
    assert two is not None
    # the airstamp 18:00Z is 19:00 BST; the earlier Christmas special is not the premiere
    assert two.iso() == "2006-04-15T19:00+01:00"
    assert two.at is not None
    assert two.at.tzinfo == ZoneInfo("Europe/London")
    three = seasons[3].premiere
    assert three is not None
    # season 3 airs on another channel, in its own zone
    assert three.iso() == "2030-01-04T10:00-08:00"
    assert seasons[3].status == "scheduled"
    assert seasons[3].episodes == 2


def test_status_follows_now() -> None:
    payload = load("tvmaze_network.json")
    later = mapped(payload, slug="doctor-who", now=datetime(2031, 1, 1, tzinfo=UTC))
    assert {s.number: s.status for s in later.dataset.seasons}[3] == "released"
    just_before = datetime(2030, 1, 4, 17, 59, tzinfo=UTC)
    early = mapped(payload, slug="doctor-who", now=just_before)
    assert {s.number: s.status for s in early.dataset.seasons}[3] == "scheduled"
    unknown = map_show(payload, slug="doctor-who")
    assert {s.number: s.status for s in unknown.dataset.seasons}[1] is None


def test_episode_premiere_rules() -> None:
    # "" and null both mean unknown
    assert episode_premiere({"airdate": "", "airtime": "", "airstamp": None}, "Europe/Oslo") is None
    assert episode_premiere({"airdate": None, "airtime": None}, None) is None
    # a date without a time stays a date, even with a zone
    day = episode_premiere({"airdate": "2017-09-21", "airtime": ""}, "Europe/Oslo")
    assert day == PartialDate(2017, 9, 21)
    # a global streamer has no local time: airdate + airtime is not combined
    assert episode_premiere({"airdate": "2024-03-15", "airtime": "08:00"}, None) == PartialDate(
        2024, 3, 15
    )
    with pytest.raises(ValueError, match="not a real date"):
        episode_premiere({"airdate": "2023-02-31"}, None)
    with pytest.raises(ValueError, match="not a time of day"):
        episode_premiere({"airdate": "2023-02-01", "airtime": "25:99"}, "Europe/Oslo")
    with pytest.raises(ValueError, match="no UTC offset"):
        episode_premiere({"airstamp": "2023-02-01T10:00:00"}, None)


# --- mapping: recorded real payloads ---------------------------------------------------------


def real_json(name: str) -> Any:
    return json.loads(real(f"tvmaze/{name}").read_text(encoding="utf-8"))


def test_real_flash_seasons_with_an_announced_season_seven() -> None:
    result = mapped(real_json("shows_13_embed_seasons.json"), slug="the-flash")
    assert result.warnings == []
    (show,) = result.dataset.shows
    assert (show.title, show.network, show.country, show.timezone, show.status) == (
        "The Flash",
        "The CW",
        "US",
        "America/New_York",
        "running",
    )
    assert show.summary is not None
    assert show.summary.startswith("After a particle accelerator")
    assert "<p>" not in show.summary
    seasons = {s.number: s for s in result.dataset.seasons}
    assert sorted(seasons) == [1, 2, 3, 4, 5, 6, 7]
    assert seasons[1].premiere == PartialDate(2014, 10, 7)  # premiereDate: day precision
    assert seasons[1].episodes == 23
    assert seasons[6].premiere == PartialDate(2019, 10, 8)
    assert seasons[6].status == "released"
    seven = seasons[7]
    assert (seven.episodes, seven.premiere, seven.status) == (None, None, "announced")


def test_real_silicon_valley_premieres_come_from_airstamp() -> None:
    result = mapped(real_json("singlesearch_143_embed_episodes.json"), slug="silicon-valley")
    assert result.warnings == []
    seasons = {s.number: s for s in result.dataset.seasons}
    assert sorted(seasons) == [1, 2, 3, 4]
    one = seasons[1].premiere
    assert one is not None
    assert one.at is not None
    # airstamp 2014-04-07T02:00Z is 22:00 New York time on the airdate 2014-04-06
    assert one.at == datetime(2014, 4, 7, 2, 0, tzinfo=UTC)
    assert one.at.tzinfo == NEW_YORK
    assert one.iso() == "2014-04-06T22:00-04:00"
    assert (one.year, one.month, one.day) == (2014, 4, 6)
    four = seasons[4].premiere
    assert four is not None
    assert four.iso() == "2017-04-23T22:00-04:00"
    assert seasons[1].episodes == 8
    assert seasons[2].episodes == 10
    assert seasons[1].runtime == "30 min"
    assert all(s.status == "released" for s in seasons.values())


def test_real_a_team_cast_with_quotes_in_character_names() -> None:
    payload = real_json("shows_1058_embed_cast.json")
    result = mapped(payload, slug="the-a-team")
    assert result.warnings == []
    assert result.dataset.shows[0].status == "ended"
    credits = result.dataset.credits
    expected = [
        (item["person"]["name"], item["character"]["name"]) for item in payload["_embedded"]["cast"]
    ]
    assert [(c.actor, c.character) for c in credits] == expected  # every one, in TVmaze's order
    assert ("Dwight Schultz", 'Capt. H.M. "Howling Mad" Murdock') in expected
    assert [c.order for c in credits] == list(range(len(expected)))
    assert {c.season for c in credits} == {None}  # the show's main cast
    assert result.dataset.seasons == []  # no seasons in the payload: none invented


def test_real_episode_without_airdate_is_unknown() -> None:
    episode = real_json("episodebynumber_180_s01e13_no_airdate.json")
    assert episode_premiere(episode, "America/New_York") is None


def test_real_norwegian_schedule_airstamp_matches_local_airtime() -> None:
    for item in real_json("schedule_NO_2017-09-21.json"):
        zone_name = item["show"]["network"]["country"]["timezone"]
        premiere = episode_premiere(item, zone_name)
        assert premiere is not None
        assert premiere.at is not None
        assert premiere.at.strftime("%Y-%m-%d %H:%M") == f"{item['airdate']} {item['airtime']}"
        stamp = datetime.fromisoformat(item["airstamp"])
        assert premiere.at == stamp
        assert premiere.at.utcoffset() == timedelta(hours=2)  # CEST in September


def test_real_web_schedule_streamers_keep_the_airstamp() -> None:
    for item in real_json("schedule_web_2024-03-15_subset.json"):
        show = item["_embedded"]["show"]
        assert show["network"] is None
        assert show["webChannel"]["country"] is None
        premiere = episode_premiere(item, None)
        assert premiere is not None
        assert premiere.at is not None
        assert premiere.iso() == "2024-03-15T07:00+00:00"
        # no local air time to invent: airdate + "" airtime would be only a day
        assert episode_premiere({**item, "airstamp": None}, None) == PartialDate(2024, 3, 15)


def test_real_payload_served_over_http_then_mapped(server: LocalServer) -> None:
    server.static("/shows/143", real("tvmaze/singlesearch_143_embed_episodes.json").read_bytes())
    result = mapped(fetch_show(143), slug="silicon-valley")
    assert len(result.dataset.seasons) == 4


# --- hostile payloads -----------------------------------------------------------------------


def test_bad_items_are_skipped_with_reasons_and_good_items_kept() -> None:
    payload = load("tvmaze_streamer.json")
    embedded = payload["_embedded"]
    embedded["seasons"] += [
        "a season?",
        {"number": "five"},
        {"number": 10**40},
        {"number": 6, "premiereDate": "2024-02-30"},
        {"number": 7, "episodeOrder": -3},
        {"number": 8, "summary": "x" * 1_000_000},
        {"number": 9, "premiereDate": ["2024-01-01"]},
        {"number": 1, "episodeOrder": 3},
    ]
    embedded["cast"] += [
        {"person": {"name": "n" * 1_000_000}, "character": {"name": "Big"}},
        {"person": {"name": "Lone \ud800 Surrogate"}, "character": None},
        {"person": None},
        {"character": {"name": "No person"}},
        {"person": {"name": 42}},
        {"person": {"name": "Tao Xu"}, "character": {"name": {"deep": [[[[["x"]]]]]}}},
        {"person": {"name": "Good Person"}, "character": None},
    ]
    embedded["episodes"] += [
        {"season": 1},
        {"season": None, "number": 1},
        {"season": 1, "number": 1, "airstamp": "yesterday"},
        {"season": 1, "number": 2, "airdate": 20240101},
        [],
    ]
    result = mapped(payload)
    seasons = {s.number for s in result.dataset.seasons}
    assert seasons == {1, 2, 3, 4}
    actors = {c.actor for c in result.dataset.credits}
    assert "Good Person" in actors
    assert "Kit Connor" in actors
    assert not any(len(actor) > 500 for actor in actors)
    assert not any("\ud800" in actor for actor in actors)
    text = "\n".join(result.warnings)
    assert "seasons[4]: expected an object, got text; skipped" in text
    assert "seasons[6]: number: a huge number is out of range" in text
    assert "not a real date" in text
    assert "is 1,000,000 characters long; the limit is 20,000" in text
    assert "season 1 appears twice" in text
    assert "cast[6]: person.name is 1,000,000 characters long; the limit is 500" in text
    assert "lone surrogate" in text
    assert "episodes[6]: season is missing; skipped" in text
    assert len(result.warnings) == 8 + 6 + 4  # seasons, cast, episodes


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ([], "where a show was expected"),
        ("show", "where a show was expected"),
        ({}, "id is missing"),
        ({"id": "13", "name": "x"}, "expected a whole number"),
        ({"id": 10**50, "name": "x"}, "out of range"),
        ({"id": 13}, "name is missing"),
        ({"id": 13, "name": "n" * 1_000_000}, "the limit is 500"),
        ({"id": 13, "name": "\ud800"}, "lone surrogate"),
    ],
)
def test_an_unusable_show_is_a_source_error(payload: Any, problem: str) -> None:
    with pytest.raises(SourceError, match=problem) as caught:
        mapped(payload)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 500


def test_bad_show_fields_are_left_out_with_a_warning() -> None:
    payload = {
        "id": 13,
        "name": "Fine",
        "genres": "Drama",
        "language": ["en"],
        "status": {"x": 1},
        "summary": "<p>" + "s" * 30_000 + "</p>",
        "network": {"name": "N" * 600, "country": {"timezone": "Mars/Olympus"}},
        "_embedded": {"seasons": {"1": {}}, "episodes": 7, "cast": None},
    }
    result = mapped(payload)
    (show,) = result.dataset.shows
    assert (show.genres, show.language, show.status, show.summary, show.network) == (
        (),
        None,
        None,
        None,
        None,
    )
    assert len(result.warnings) == 7


def test_bad_zone_is_ignored() -> None:
    payload = {
        "id": 1,
        "name": "Zoned",
        "network": {"name": "X", "country": {"code": "XX", "timezone": "../../etc/passwd"}},
    }
    (show,) = mapped(payload).dataset.shows
    assert show.timezone is None
    assert show.network == "X"


def test_bad_slug_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="slug"):
        map_show({"id": 1, "name": "x"}, slug="Not A Slug", now=NOW)


_KEYS = (
    "id name number season airdate airtime airstamp premiereDate episodeOrder network "
    "webChannel country timezone person character genres summary status _embedded seasons "
    "episodes cast runtime voice"
).split()
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["", "2024-02-30", "2024-10-03", "2024-10-03T07:00:00+00:00", "19:00", "Europe/London"]
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(_KEYS),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=FUZZ_CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_map_show_never_raises_anything_but_source_error(payload: Any) -> None:
    for candidate in (payload, {"id": 1, "name": "Fuzz", **_as_dict(payload)}):
        try:
            result = map_show(candidate, slug="fuzz", now=NOW)
        except SourceError:
            continue
        for season in result.dataset.seasons:
            assert season.show == "fuzz"
        for credit in result.dataset.credits:
            assert credit.actor


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"_embedded": {"episodes": value}}
