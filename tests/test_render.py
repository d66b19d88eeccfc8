"""Whole tables, golden, at COLUMNS=100 with the clock frozen at 2023-05-24 12:00 BST.

Rich pads every cell, so trailing spaces are stripped from each line before
comparing; nothing else is normalised.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from showtrack import render


def table(result: Result) -> str:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return "\n".join(line.rstrip() for line in result.stdout.splitlines()) + "\n"


CAST = """\
Heartstopper — season 2 cast (17)
Actor                Character         Note                                                Status
────────────────────────────────────────────────────────────────────────────────────────────────────
Joe Locke            Charlie Spring                                                        returning
Kit Connor           Nick Nelson                                                           returning
William Gao          Tao Xu                                                                returning
Yasmin Finney        Elle Argent                                                           returning
Corinna Brown        Tara Jones                                                            returning
Kizzy Edgell         Darcy Olsson                                                          returning
Tobie Donovan        Isaac Henderson                                                       returning
Sebastian Croft      Ben Hope                                                              returning
Rhea Norwood         Imogen Heaney                                                         returning
Jenny Walser         Tori Spring                                                           returning
Cormac Hyde-Corrin   Harry Greene                                                          returning
Momo Yeung           Yan Xu            Tao's mother                                        returning
Leila Khan           Sahar Zahid       16, British South Asian, in year 11 at Higgs        new
                                       (casting call)
Jack Barton          David Nelson      Nick's older brother                                new
Nima Taleghani       Mr. Farouk                                                            new
Bradley Riches       James McEwan                                                          new
Evan Ovenell         unknown                                                               new
"""


def test_cast_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("cast", "heartstopper")) == CAST


CAST_NEW = """\
Heartstopper — season 2 cast (5)
Actor            Character      Note                                                          Status
────────────────────────────────────────────────────────────────────────────────────────────────────
Leila Khan       Sahar Zahid    16, British South Asian, in year 11 at Higgs (casting call)   new
Jack Barton      David Nelson   Nick's older brother                                          new
Nima Taleghani   Mr. Farouk                                                                   new
Bradley Riches   James McEwan                                                                 new
Evan Ovenell     unknown                                                                      new
"""


def test_cast_new_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("cast", "Heart-Stopper", "--new")) == CAST_NEW


CAST_S1 = """\
Heartstopper — season 1 cast (2)
Actor        Character        Note   Status
────────────────────────────────────────────
Joe Locke    Charlie Spring          unknown
Kit Connor   Nick Nelson             unknown
"""


def test_cast_season_one_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("cast", "heartstopper", "--season", "1")) == CAST_S1


def test_cast_season_without_cast(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("cast", "heartstopper", "-s", "3")) == (
        "No one matches in season 3 of Heartstopper.\n"
    )


COUNTDOWN = """\
Premieres as of Wed 24 May 2023 12:00 BST (Europe/London)
Show           Season               Premiere         Countdown
───────────────────────────────────────────────────────────────
Heartstopper   S2, all 8 episodes   Thu 3 Aug 2023   in 71 days
Heartstopper   S3                   TBA              TBA
"""


def test_countdown_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("countdown")) == COUNTDOWN


COUNTDOWN_ALL = """\
Premieres as of Wed 24 May 2023 12:00 BST (Europe/London)
Show           Season               Premiere         Countdown
───────────────────────────────────────────────────────────────
Heartstopper   S1                   date unknown     released
Heartstopper   S2, all 8 episodes   Thu 3 Aug 2023   in 71 days
Heartstopper   S3                   TBA              TBA
"""


def test_countdown_all_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("countdown", "--all")) == COUNTDOWN_ALL


COUNTDOWN_ON_THE_DAY = """\
Premieres as of Thu 3 Aug 2023 00:00 BST (Europe/London)
Show           Season               Premiere         Countdown
──────────────────────────────────────────────────────────────
Heartstopper   S2, all 8 episodes   Thu 3 Aug 2023   today
Heartstopper   S3                   TBA              TBA
"""


def test_countdown_as_of_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("countdown", "heartstopper", "--as-of", "2023-08-03")) == (
        COUNTDOWN_ON_THE_DAY
    )


NEWS_ALL = """\
All news (first check): 12
Id         Date          S    Kind              News
────────────────────────────────────────────────────────────────────────────────────────────────────
ebe4b92e   24 Apr 2023   S2   synopsis          Official season 2 synopsis released
                                                Netflix via Variety
a9968833   24 Apr 2023   S2   release-date      Season 2 premieres on Thursday 3 August 2023
                                                Netflix
03a1591a   Dec 2022      S2   filming-wrapped   Season 2 production has wrapped
                                                What's on Netflix; Alice Oseman (Instagram)
3e252c0a   22 Sep 2022   S2   filming-started   Principal photography on season 2 has started
                                                Netflix
28dc0760   8 Jul 2022    S2   casting-call      Casting call for a new season 2 character, Sahar
                                                Zahid
                                                Netflix Life
890de7a7   undated       S2   casting           Leila Khan cast as Sahar Zahid
                                                Netflix Life
f1ae6db2   undated       S2   casting           New in season 2: Jack Barton, Nima Taleghani,
                                                Bradley Riches and Evan Ovenell
                                                Netflix Life
079c4b40   undated       S2   episode-count     Season 2 has eight episodes of 20 to 30 minutes
                                                Netflix Life
a1b69545   undated       S2   photos            First-look production stills from season 2
                                                Netflix
3ceb4844   undated       S2   rumor             Rumour: season 2 adapts volume 3 of the graphic
                                                novel
                                                Netflix Life
6b42917a   undated       S3   renewal           Netflix renews Heartstopper for season 3
                                                Netflix
dc8cb1f5   undated       —    other             Alice Oseman hopes for four seasons in all
                                                Radio Times
"""


def test_news_peek_table_and_then_news_then_nothing(
    runner: Callable[..., Callable[..., Result]],
) -> None:
    invoke = runner()
    assert table(invoke("news", "--peek")) == NEWS_ALL
    assert table(invoke("news")) == NEWS_ALL  # the peek recorded no check
    assert table(invoke("news")) == (
        "New since your last check (Wed 24 May 2023 12:00 BST): nothing new.\n"
    )


NEWS_SINCE = """\
News dated on or after 2022-12-15: 3
Id         Date          S    Kind              News
────────────────────────────────────────────────────────────────────────────────────────────
ebe4b92e   24 Apr 2023   S2   synopsis          Official season 2 synopsis released
                                                Netflix via Variety
a9968833   24 Apr 2023   S2   release-date      Season 2 premieres on Thursday 3 August 2023
                                                Netflix
03a1591a   Dec 2022      S2   filming-wrapped   Season 2 production has wrapped
                                                What's on Netflix; Alice Oseman (Instagram)
"""


def test_news_since_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("news", "--since", "15 December 2022")) == NEWS_SINCE


TIMELINE = """\
Heartstopper — timeline
Date              S    What                                                     Kind
───────────────────────────────────────────────────────────────────────────────────────────────
Fri 8 Jul 2022    S2   Casting call for a new season 2 character, Sahar Zahid   casting-call
Thu 22 Sep 2022   S2   Principal photography on season 2 has started            filming-started
Dec 2022          S2   Season 2 production has wrapped                          filming-wrapped
Mon 24 Apr 2023   S2   Season 2 premieres on Thursday 3 August 2023             release-date
Mon 24 Apr 2023   S2   Official season 2 synopsis released                      synopsis
Thu 3 Aug 2023    S2   Season 2 premieres                                       premiere
"""


def test_timeline_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("timeline", "heartstopper")) == TIMELINE


SHOWS = """\
Show           Network   Status    Seasons     Next
──────────────────────────────────────────────────────────────────────────────────────────────
Heartstopper   Netflix   running   3 (1 out)   S2, all 8 episodes, Thu 3 Aug 2023 (in 71 days)
"""


def test_shows_table(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("shows")) == SHOWS


SHOW = """\
Heartstopper
Network     Netflix
Country     GB
Genre       Teen drama
Created by  Alice Oseman
Based on    Heartstopper, the graphic novel by Alice Oseman
Status      running
Next        S2, all 8 episodes, Thu 3 Aug 2023 (in 71 days)

A British teen drama on Netflix. Charlie Spring, who is openly gay and has been bullied for it, and
Nick Nelson become friends after being put in the same class, and the friendship grows into more
while Nick starts to realise he may not be straight. Netflix has renewed it through season 3; its
creator has said four seasons would tell the story, but a fourth has not been ordered.

Seasons
Season   Episodes   Runtime     Premiere         Status      Source material
────────────────────────────────────────────────────────────────────────────────────────────────────
S1       8          —           date unknown     released    Volumes 1 and 2 of the graphic novel
S2       8          20–30 min   Thu 3 Aug 2023   scheduled   Volume 3 of the graphic novel
                                                             (rumoured, not confirmed)
S3       —          —           TBA              announced   —

Season 1: Charlie and Nick meet when they are seated in the same class; their friendship slowly
becomes a romance as Nick questions whether he is straight.

Season 2: Nick and Charlie find their feet as a couple and wonder when to tell their friends; Tara
and Darcy hit unexpected trouble; Tao and Elle work out whether they are more than friends. Exams
loom, and there is a school trip to Paris and a prom to organise.

Latest news (5 of 12)
Date          S    Kind              News
───────────────────────────────────────────────────────────────────────────────────────────
24 Apr 2023   S2   synopsis          Official season 2 synopsis released
                                     Netflix via Variety
24 Apr 2023   S2   release-date      Season 2 premieres on Thursday 3 August 2023
                                     Netflix
Dec 2022      S2   filming-wrapped   Season 2 production has wrapped
                                     What's on Netflix; Alice Oseman (Instagram)
22 Sep 2022   S2   filming-started   Principal photography on season 2 has started
                                     Netflix
8 Jul 2022    S2   casting-call      Casting call for a new season 2 character, Sahar Zahid
                                     Netflix Life
"""


def test_show_page(runner: Callable[..., Callable[..., Result]]) -> None:
    assert table(runner()("show", "heartstopper")) == SHOW


# --- a timed premiere, seen from London ------------------------------------------------

NIGHT_SHOW = {
    "shows": [
        {
            "slug": "night-show",
            "title": "Night Show",
            "timezone": "America/Los_Angeles",
            "network": "Netflix",
            "seasons": [
                {"number": 1, "premiere": "2023-08-03T00:00", "status": "scheduled"},
                {"number": 2, "premiere": "2024", "status": "announced"},
                {"number": 3, "premiere": "2023-09", "status": "announced"},
            ],
        }
    ]
}

NIGHT_COUNTDOWN = """\
Premieres as of Wed 24 May 2023 12:00 BST (Europe/London)
Show         Season   Premiere                            Countdown
─────────────────────────────────────────────────────────────────────────────
Night Show   S1       Thu 3 Aug 2023 08:00 BST            in 70 days 20 hours
                      (Thu 3 Aug 00:00 PDT show's time)
Night Show   S3       Sep 2023                            in 100–129 days
Night Show   S2       2024                                sometime in 2024
"""


def test_countdown_timed_premiere_table(
    runner: Callable[..., Callable[..., Result]], make_db: Callable[..., Path]
) -> None:
    invoke = runner(make_db(NIGHT_SHOW))
    assert table(invoke("countdown", "--all")) == NIGHT_COUNTDOWN


NIGHT_IN_LA = """\
Premieres as of Wed 2 Aug 2023 10:00 PDT (America/Los_Angeles)
Show         Season   Premiere                   Countdown
──────────────────────────────────────────────────────────────────────
Night Show   S1       Thu 3 Aug 2023 00:00 PDT   tomorrow, in 14 hours
"""


def test_countdown_in_the_shows_own_zone_says_the_time_once(
    runner: Callable[..., Callable[..., Result]], make_db: Callable[..., Path]
) -> None:
    invoke = runner(make_db(NIGHT_SHOW))
    result = invoke("countdown", "--tz", "America/Los_Angeles", "--as-of", "2023-08-02T10:00-07:00")
    assert table(result) == NIGHT_IN_LA


def test_show_seasons_table_gives_a_timed_premiere_in_the_viewers_zone(
    runner: Callable[..., Callable[..., Result]], make_db: Callable[..., Path]
) -> None:
    """DESIGN: a premiere with a time is 'shown in the user's zone' — everywhere."""
    invoke = runner(make_db(NIGHT_SHOW))
    page = table(invoke("show", "night-show"))
    assert (
        "S1, Thu 3 Aug 2023 08:00 BST (Thu 3 Aug 00:00 PDT show's time) (in 70 days 20 hours)"
        in page
    )
    season_row = next(line for line in page.splitlines() if line.startswith("S1 "))
    assert "Thu 3 Aug 2023 08:00 BST" in season_row


def test_plain_output_has_no_escape_codes(runner: Callable[..., Callable[..., Result]]) -> None:
    invoke = runner()
    for args in (["cast", "heartstopper"], ["countdown"], ["show", "heartstopper"]):
        result = invoke(*args, env_extra={"NO_COLOR": None, "FORCE_COLOR": None})
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout


# --- safe() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "␛[31mred"),
        ("a\rb", "a␍b"),
        ("a\bb", "a␈b"),
        ("a\x7fb", "a␡b"),
        ("a\x9bb", "a<U+009B>b"),
        ("abc\u202edef", "abc<U+202E>def"),
        ("zero\u200bwidth", "zero<U+200B>width"),
        ("lone \ud800", "lone \ufffd"),
        ("[red]x[/red] :warning:", "[red]x[/red] :warning:"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("Café — 3–4 “quotes” 日本", "Café — 3–4 “quotes” 日本"),
    ],
)
def test_safe_makes_controls_visible_and_keeps_text(raw: str, shown: str) -> None:
    assert render.safe(raw) == shown
