"""Every fact in the seed article, walked through the CLI's --json output.

The seed is Netflix Life's "Heartstopper Season 2: Every Little Details We Know
So Far", last updated Wednesday 24 May 2023, which is why the clock is frozen
at 2023-05-24T12:00:00+01:00. Each test names the article's sentence it checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoker

Docs = dict[str, Any]


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Docs:
    invoke = Invoker(tmp_path_factory.mktemp("facts") / "showtrack.json")
    assert invoke("init").exit_code == 0
    commands = {
        "show": ["show", "heartstopper"],
        "shows": ["shows"],
        "cast": ["cast", "heartstopper"],
        "cast1": ["cast", "heartstopper", "--season", "1"],
        "countdown": ["countdown"],
        "countdown_all": ["countdown", "--all"],
        "news": ["news", "--peek"],
        "since": ["news", "--since", "2022-09-01"],
        "timeline": ["timeline", "heartstopper"],
    }
    out = {}
    for name, args in commands.items():
        result = invoke(*args, "--json")
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        out[name] = json.loads(result.stdout)
    return out


def season(docs: Docs, number: int) -> dict[str, Any]:
    return next(s for s in docs["show"]["seasons"] if s["number"] == number)


def news_of(docs: Docs, kind: str) -> list[dict[str, Any]]:
    return [a for a in docs["news"]["announcements"] if a["kind"] == kind]


def member(docs: Docs, actor: str) -> dict[str, Any]:
    return next(m for m in docs["cast"]["cast"] if m["actor"] == actor)


# --- the show ------------------------------------------------------------------------


def test_on_netflix(docs: Docs) -> None:
    # "Heartstopper season 2 is officially happening on Netflix"
    assert docs["show"]["show"]["network"] == "Netflix"
    assert docs["shows"]["shows"][0]["network"] == "Netflix"


def test_british_teen_drama(docs: Docs) -> None:
    # "Heartstopper is a British teen drama"
    show = docs["show"]["show"]
    assert show["country"] == "GB"
    assert show["genres"] == ["Teen drama"]
    assert "British teen drama" in show["summary"]


def test_based_on_alice_osemans_graphic_novel(docs: Docs) -> None:
    # "based on a graphic novel of the same name by Alice Oseman"
    based_on = docs["show"]["show"]["based_on"]
    assert "graphic novel" in based_on
    assert "Alice Oseman" in based_on
    assert based_on.startswith("Heartstopper")


def test_created_by_alice_oseman(docs: Docs) -> None:
    # "Creator Alice Oseman told Radio Times ..."
    assert docs["show"]["show"]["creator"] == "Alice Oseman"


def test_premise(docs: Docs) -> None:
    # "Charlie is openly gay (and has been bullied for it), Nick is just discovering
    # that he may not be straight"; they become friends sharing a class.
    summary = docs["show"]["show"]["summary"]
    for phrase in ("Charlie Spring", "openly gay", "bullied", "Nick Nelson", "not be straight"):
        assert phrase in summary
    assert "same class" in season(docs, 1)["synopsis"]


def test_source_is_the_article_of_24_may_2023(docs: Docs) -> None:
    # "The latest update was on Wednesday, May 24, 2023."
    source = docs["show"]["show"]["source"]
    assert "Netflix Life" in source
    assert "24 May 2023" in source


# --- seasons -----------------------------------------------------------------------------


def test_three_seasons_one_out(docs: Docs) -> None:
    # "There's one season of Heartstopper on Netflix right now. There are two more
    # seasons in the works officially."
    (row,) = docs["shows"]["shows"]
    assert (row["seasons"], row["released"]) == (3, 1)
    assert [s["status"] for s in docs["show"]["seasons"]] == ["released", "scheduled", "announced"]


def test_season_one_eight_episodes_from_volumes_one_and_two(docs: Docs) -> None:
    # "the eight-episode first season"; "The first season was based on volumes one and two"
    s1 = season(docs, 1)
    assert s1["episodes"] == 8
    assert "1 and 2" in s1["source_material"]
    assert s1["premiere"] is None  # the article gives no season 1 date
    assert s1["display_premiere"] == "date unknown"


def test_season_one_stars(docs: Docs) -> None:
    # "Starring Joe Locke and Kit Connor ... Charlie Spring (Locke) and Nick Nelson (Connor)"
    assert [(m["actor"], m["character"]) for m in docs["cast1"]["cast"]] == [
        ("Joe Locke", "Charlie Spring"),
        ("Kit Connor", "Nick Nelson"),
    ]


def test_season_two_eight_episodes_of_20_to_30_minutes(docs: Docs) -> None:
    # "eight episodes like the first season ... in the 20 to 30-minute range"
    s2 = season(docs, 2)
    assert s2["episodes"] == 8
    assert s2["runtime"] == {"min": 20, "max": 30}
    assert s2["display_runtime"] == "20–30 min"
    (item,) = news_of(docs, "episode-count")
    assert "eight episodes" in item["headline"]


def test_season_two_premieres_thursday_3_august_2023(docs: Docs) -> None:
    # "The second season will make its premiere on Thursday, Aug. 3."
    s2 = season(docs, 2)
    assert s2["premiere"] == "2023-08-03"
    assert s2["display_premiere"] == "Thu 3 Aug 2023"
    assert s2["status"] == "scheduled"


def test_countdown_71_days(docs: Docs) -> None:
    # SHOWTRACK_NOW=2023-05-24T12:00:00+01:00 showtrack countdown
    first = docs["countdown"]["premieres"][0]
    assert (first["season"], first["days"], first["countdown"]) == (2, 71, "in 71 days")
    assert docs["show"]["next"]["days"] == 71


def test_season_three_renewed_without_a_date(docs: Docs) -> None:
    # "We haven't heard when season 3 will be filmed ... Netflix already renewed the series"
    s3 = season(docs, 3)
    assert (s3["premiere"], s3["display_premiere"], s3["status"]) == (None, "TBA", "announced")
    tba = docs["countdown"]["premieres"][-1]
    assert (tba["season"], tba["state"], tba["countdown"]) == (3, "tba", "TBA")
    (renewal,) = news_of(docs, "renewal")
    assert (renewal["season"], renewal["date"]) == (3, None)
    assert "season 3" in renewal["headline"]


def test_no_fourth_season_but_four_hoped_for(docs: Docs) -> None:
    # 'Alice Oseman told Radio Times that "four, I think, would do it"' — not ordered.
    assert 4 not in [s["number"] for s in docs["show"]["seasons"]]
    (hope,) = [a for a in news_of(docs, "other") if "four seasons" in a["headline"]]
    assert hope["source"] == "Radio Times"
    assert "not ordered" in hope["body"]


# --- the season 2 story, dated -------------------------------------------------------------


def test_filming_started_22_september_2022(docs: Docs) -> None:
    # "On Sept. 22, 2022, Netflix announced that principal photography ... had officially started"
    (item,) = news_of(docs, "filming-started")
    assert (item["date"], item["source"], item["season"]) == ("2022-09-22", "Netflix", 2)
    assert item["display_date"] == "Thu 22 Sep 2022"


def test_filming_wrapped_december_2022(docs: Docs) -> None:
    # "Production ... ended in December 2022, according to What's on Netflix. Alice Oseman
    # shared on Instagram that production had ended."
    (item,) = news_of(docs, "filming-wrapped")
    assert item["date"] == "2022-12"  # month precision, no invented day
    assert (item["display_date"], item["short_date"]) == ("Dec 2022", "Dec 2022")
    assert "What's on Netflix" in item["source"]
    assert "Instagram" in item["source"]


def test_release_date_announced_24_april_2023(docs: Docs) -> None:
    # "On April 24, Netflix announced the official ... release date", with a BTS video.
    (item,) = news_of(docs, "release-date")
    assert (item["date"], item["source"]) == ("2023-04-24", "Netflix")
    assert "3 August 2023" in item["headline"]
    assert "behind-the-scenes video" in item["body"]


def test_casting_call_8_july_for_sahar_zahid(docs: Docs) -> None:
    # "On July 8, a casting call went out ... Sahar Zahid ... a 16-year-old of British
    # South Asian heritage ... in year 11 at Higgs"
    (item,) = news_of(docs, "casting-call")
    assert item["date"].endswith("-07-08")
    assert "Sahar Zahid" in item["headline"]
    for phrase in ("16", "British South Asian", "year 11", "Higgs"):
        assert phrase in item["body"]


def test_synopsis_via_variety(docs: Docs) -> None:
    # "Check out the official synopsis via Variety"
    (item,) = news_of(docs, "synopsis")
    assert item["date"] == "2023-04-24"  # it came "along with the release date announcement"
    assert "Variety" in item["source"]
    synopsis = season(docs, 2)["synopsis"]
    for phrase in ("Nick and Charlie", "Tara and Darcy", "Tao and Elle", "Paris", "prom"):
        assert phrase in synopsis
    assert "Exams" in synopsis


def test_volume_three_is_only_a_rumour(docs: Docs) -> None:
    # "There were rumors that the second season will be based on volume three"
    (item,) = news_of(docs, "rumor")
    assert "volume 3" in item["headline"]
    assert "rumoured" in season(docs, 2)["source_material"]
    assert "not confirmed" in season(docs, 2)["source_material"]


def test_first_look_photos(docs: Docs) -> None:
    # "Check out these official production stills from the upcoming season"
    (item,) = news_of(docs, "photos")
    assert item["season"] == 2
    assert "First-look" in item["headline"]


def test_twelve_announcements_in_all(docs: Docs) -> None:
    kinds = sorted(a["kind"] for a in docs["news"]["announcements"])
    assert kinds == [
        "casting",
        "casting",
        "casting-call",
        "episode-count",
        "filming-started",
        "filming-wrapped",
        "other",
        "photos",
        "release-date",
        "renewal",
        "rumor",
        "synopsis",
    ]


def test_news_since_september_2022(docs: Docs) -> None:
    # Dated news from filming onwards; the July casting call and undated items are left out.
    dated = [(a["date"], a["kind"]) for a in docs["since"]["announcements"]]
    assert dated == [
        ("2023-04-24", "synopsis"),
        ("2023-04-24", "release-date"),
        ("2022-12", "filming-wrapped"),
        ("2022-09-22", "filming-started"),
    ]


def test_timeline_tells_the_story_in_order(docs: Docs) -> None:
    events = [(e["date"], e["kind"]) for e in docs["timeline"]["events"]]
    assert events == [
        ("2022-07-08", "casting-call"),
        ("2022-09-22", "filming-started"),
        ("2022-12", "filming-wrapped"),
        ("2023-04-24", "release-date"),
        ("2023-04-24", "synopsis"),
        ("2023-08-03", "premiere"),
    ]


# --- the cast ------------------------------------------------------------------------------

RETURNING = [
    ("Joe Locke", "Charlie Spring", None),
    ("Kit Connor", "Nick Nelson", None),
    ("William Gao", "Tao Xu", None),
    ("Yasmin Finney", "Elle Argent", None),
    ("Corinna Brown", "Tara Jones", None),
    ("Kizzy Edgell", "Darcy Olsson", None),
    ("Tobie Donovan", "Isaac Henderson", None),
    ("Sebastian Croft", "Ben Hope", None),
    ("Rhea Norwood", "Imogen Heaney", None),
    ("Jenny Walser", "Tori Spring", None),
    ("Cormac Hyde-Corrin", "Harry Greene", None),
    ("Momo Yeung", "Yan Xu", "Tao's mother"),
]
NEW = [
    ("Leila Khan", "Sahar Zahid"),
    ("Jack Barton", "David Nelson"),
    ("Nima Taleghani", "Mr. Farouk"),
    ("Bradley Riches", "James McEwan"),
    ("Evan Ovenell", None),
]


def test_season_two_is_the_default_cast(docs: Docs) -> None:
    assert docs["cast"]["season"] == 2
    assert len(docs["cast"]["cast"]) == len(RETURNING) + len(NEW) == 17


@pytest.mark.parametrize(("actor", "character", "note"), RETURNING)
def test_returning_cast(docs: Docs, actor: str, character: str, note: str | None) -> None:
    # "Here's the returning cast list for season 2"
    row = member(docs, actor)
    assert (row["character"], row["note"], row["status"]) == (character, note, "returning")
    assert row["status_stated"] is True


@pytest.mark.parametrize(("actor", "character"), NEW)
def test_new_cast(docs: Docs, actor: str, character: str | None) -> None:
    # "Here are the new cast members for season 2"
    row = member(docs, actor)
    assert (row["character"], row["status"]) == (character, "new")


def test_david_nelson_is_nicks_older_brother(docs: Docs) -> None:
    assert member(docs, "Jack Barton")["note"] == "Nick's older brother"


def test_evan_ovenells_role_is_unknown(docs: Docs) -> None:
    # The article lists "Evan Ovenell" with no role.
    row = member(docs, "Evan Ovenell")
    assert row["character"] is None
    assert "no role" in row["source"]


def test_leila_khan_found_for_the_casting_call(docs: Docs) -> None:
    # "it looks like the creative team found their Sahar"
    assert "casting call" in member(docs, "Leila Khan")["note"]
    headlines = [a["headline"] for a in news_of(docs, "casting")]
    assert "Leila Khan cast as Sahar Zahid" in headlines
    assert any("Evan Ovenell" in h for h in headlines)


def test_bundled_data_is_the_import_format(tmp_path: Path) -> None:
    from showtrack.sources import jsonfile

    bundled = Path(__file__).parent.parent / "data" / "heartstopper.json"
    data = jsonfile.read_text(bundled.read_text(encoding="utf-8"), "heartstopper.json")
    assert [s.slug for s in data.shows] == ["heartstopper"]
    assert len(data.credits) == 19
    assert len(data.announcements) == 12
