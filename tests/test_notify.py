"""`showtrack notify`: Apprise posting to real servers on 127.0.0.1, started here.

A JSON webhook (Apprise's json://) records every POST; an SMTP server (aiosmtpd)
records every mail. Nothing is mocked between the command and the socket.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import Invoker, copy_database
from sources_helpers import no_proxy

SECRET = "s3cr3t-Pa55word"
SV_PACK = Path(__file__).parent / "data" / "silicon-valley-season-4.json"


class Webhook:
    """A JSON webhook: records what Apprise posts; fails (HTTP 500) while ``failing``."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.failing = False
        self.refused = 0
        self.delay = 0.0  # seconds each answer waits
        owner = self

        class Handle(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size)
                if owner.delay:
                    time.sleep(owner.delay)
                if owner.failing:
                    owner.refused += 1
                    self.send_response(500)
                else:
                    owner.posts.append({"path": self.path, **json.loads(body)})
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str = "hook") -> str:
        return f"json://fan:{SECRET}@127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Webhook]:
    no_proxy(monkeypatch)
    server = Webhook()
    yield server
    server.close()


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def everything(result: Any) -> str:
    return result.stdout + result.stderr


def add_news(invoke: Invoker, headline: str, **extra: str) -> None:
    args = ["add", "news", "heartstopper", "--headline", headline, "--kind", "other"]
    for name, value in extra.items():
        args += [f"--{name}", value]
    ok(invoke(*args))


def notify_file(invoke: Invoker) -> Path:
    return invoke.db.with_name(invoke.db.name + ".notify")


# --- targets: stored privately, masked everywhere ------------------------------------------


def test_a_target_is_stored_0600_outside_the_database_and_masked_everywhere(
    invoke: Invoker, hook: Webhook, tmp_path: Path
) -> None:
    added = ok(invoke("notify", "add", hook.url(), "--remind", "1d,1h", "--kinds", "renewal"))
    path = notify_file(invoke)
    assert path.stat().st_mode & 0o777 == 0o600
    assert SECRET in path.read_text(encoding="utf-8")
    assert SECRET not in invoke.db.read_text(encoding="utf-8")

    listed = ok(invoke("notify", "list"))
    as_json = ok(invoke("notify", "list", "--json"))
    exported = ok(invoke("export"))
    for result in (added, listed, as_json, exported):
        assert SECRET not in everything(result)
    doc = json.loads(as_json.stdout)["targets"][0]
    assert doc["target"] == f"json://fan:****@127.0.0.1:{hook.port}/hook"
    assert (doc["kinds"], doc["remind"]) == (["renewal"], ["1d", "1h"])
    assert "fan:****@127.0.0.1" in listed.stdout
    assert "hook" not in exported.stdout.lower()

    os.chmod(path, 0o644)  # loosened by hand: the next write makes it private again
    ok(invoke("notify", "add", hook.url("other")))
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_failing_target_is_one_masked_line_and_exit_1(invoke: Invoker, hook: Webhook) -> None:
    ok(invoke("notify", "add", hook.url()))
    add_news(invoke, "Something happened")
    hook.failing = True
    for args in (("notify", "run"), ("notify", "test")):
        result = invoke(*args)
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("Error: Target 1 (json://fan:****@127.0.0.1:")
        assert SECRET not in everything(result)
        assert "Traceback" not in everything(result)


def test_bad_targets_and_options_are_refused_without_touching_anything(
    invoke: Invoker, hook: Webhook
) -> None:
    before = invoke.db.read_bytes()
    cases = [
        (("notify", "add", f"nosuchservice://user:{SECRET}@example.org"), 2),
        (("notify", "add", hook.url(), "--remind", "5x"), 2),
        (("notify", "add", hook.url(), "--remind", "90d"), 2),
        (("notify", "add", hook.url(), "--kinds", "gossip"), 2),
        (("notify", "add", hook.url(), "--show", "no-such-show"), 1),
        (("notify", "remove", "7"), 1),
        (("notify", "test"), 1),
    ]
    for args, code in cases:
        result = invoke(*args)
        assert result.exit_code == code, (args, everything(result))
        assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
        assert SECRET not in everything(result)
        assert "Traceback" not in everything(result)
    assert invoke.db.read_bytes() == before
    assert not notify_file(invoke).exists()


def test_a_damaged_targets_file_is_refused_and_left_as_it_was(
    invoke: Invoker, hook: Webhook
) -> None:
    ok(invoke("notify", "add", hook.url()))
    path = notify_file(invoke)
    path.write_text('{"targets": {"1": {"url": 5}}, "state": {}}', encoding="utf-8")
    damaged = path.read_bytes()
    for args in (("notify", "run"), ("notify", "list"), ("notify", "add", hook.url("x"))):
        result = invoke(*args)
        assert result.exit_code == 1, everything(result)
        assert "damaged" in result.stderr
        assert str(path) in result.stderr
    assert path.read_bytes() == damaged


def test_adding_a_url_again_changes_its_filters_and_keeps_its_cursor(
    invoke: Invoker, hook: Webhook
) -> None:
    ok(invoke("notify", "add", hook.url()))
    add_news(invoke, "First")
    ok(invoke("notify", "run"))
    ok(invoke("notify", "add", hook.url(), "--kinds", "renewal"))
    listed = json.loads(ok(invoke("notify", "list", "--json")).stdout)["targets"]
    assert len(listed) == 1
    assert listed[0]["kinds"] == ["renewal"]
    ok(invoke("notify", "run"))
    assert len(hook.posts) == 1  # "First" was not sent again

    ok(invoke("notify", "remove", "1"))
    assert json.loads(ok(invoke("notify", "list", "--json")).stdout)["targets"] == []


# --- news: each announcement once, digests, filters ----------------------------------------


def test_news_is_sent_once_as_a_digest_with_show_headline_date_and_source(
    invoke: Invoker, hook: Webhook
) -> None:
    ok(invoke("notify", "add", hook.url()))
    ok(invoke("notify", "run"))
    assert hook.posts == []  # what was there before the target was added is not sent

    add_news(invoke, "Trailer out", date="2023-05-20", source="https://example.org/trailer")
    add_news(invoke, "Poster revealed")
    first = ok(invoke("notify", "run"))
    assert "sent 1 message (2 announcements)" in first.stdout
    ok(invoke("notify", "run"))
    assert len(hook.posts) == 1
    post = hook.posts[0]
    assert post["title"] == "showtrack: 2 new announcements (Heartstopper)"
    lines = post["message"].splitlines()
    assert lines[0] == (
        "Heartstopper: Trailer out — Sat 20 May 2023 — source: https://example.org/trailer"
    )
    assert lines[1].startswith("Heartstopper: Poster revealed")

    add_news(invoke, "Cast photo")
    ok(invoke("notify", "run"))
    assert len(hook.posts) == 2
    assert hook.posts[1]["title"] == "showtrack: Heartstopper"
    assert hook.posts[1]["message"].startswith("Heartstopper: Cast photo")


def test_notifying_and_reading_news_do_not_affect_each_other(
    invoke: Invoker, hook: Webhook
) -> None:
    ok(invoke("notify", "add", hook.url()))
    ok(invoke("news"))  # the bundled news is read
    add_news(invoke, "Read first")
    assert "Read first" in ok(invoke("news")).stdout  # read before it is notified
    ok(invoke("notify", "run"))
    assert [p["message"].split(" —")[0] for p in hook.posts] == ["Heartstopper: Read first"]

    add_news(invoke, "Notified first")
    ok(invoke("notify", "run"))
    assert "Notified first" in ok(invoke("news")).stdout  # still new to the fan


def test_filters_by_show_and_kind_and_the_cursor_passes_what_they_skip(
    invoke: Invoker, hook: Webhook
) -> None:
    ok(invoke("import", str(SV_PACK)))
    ok(invoke("notify", "add", hook.url("renewals"), "--kinds", "renewal,release-date"))
    ok(invoke("notify", "add", hook.url("sv"), "--show", "silicon-valley"))
    add_news(invoke, "Gossip")
    ok(invoke("add", "news", "heartstopper", "--headline", "Renewed for 4", "--kind", "renewal"))
    ok(
        invoke(
            "add", "news", "silicon-valley", "--headline", "SV wraps", "--kind", "filming-wrapped"
        )
    )
    ok(invoke("notify", "run"))
    by_path = {post["path"]: post["message"] for post in hook.posts}
    assert by_path == {
        "/renewals": "Heartstopper: Renewed for 4",
        "/sv": "Silicon Valley: SV wraps",
    }
    ok(invoke("notify", "run"))
    assert len(hook.posts) == 2


def test_a_failed_target_gets_its_news_on_the_next_run_and_the_others_are_not_held_up(
    invoke: Invoker, hook: Webhook
) -> None:
    ok(invoke("notify", "add", hook.url("a")))
    other = Webhook()
    try:
        ok(invoke("notify", "add", f"json://127.0.0.1:{other.port}/b"))
        add_news(invoke, "Big news")
        hook.failing = True
        failed = invoke("notify", "run")
        assert failed.exit_code == 1
        assert "Target 1" in failed.stderr
        assert "Target 2" not in failed.stderr
        assert len(other.posts) == 1
        hook.failing = False
        ok(invoke("notify", "run"))
        ok(invoke("notify", "run"))
        assert [p["message"] for p in hook.posts] == ["Heartstopper: Big news"]
        assert len(other.posts) == 1
    finally:
        other.close()


def test_a_database_restored_from_a_copy_cannot_hide_news_behind_a_cursor(
    invoke: Invoker, hook: Webhook, tmp_path: Path
) -> None:
    ok(invoke("notify", "add", hook.url()))
    copy = tmp_path / "copy.json"
    copy_database(invoke.db, copy)
    add_news(invoke, "Before the restore")
    ok(invoke("notify", "run"))
    copy_database(copy, invoke.db)  # the fan restores yesterday's copy
    add_news(invoke, "After the restore")
    ok(invoke("notify", "run"))
    sent = [post["message"].split(" —")[0] for post in hook.posts]
    assert sent == ["Heartstopper: Before the restore", "Heartstopper: After the restore"]


def test_a_run_waits_for_another_run_and_never_sends_twice(invoke: Invoker, hook: Webhook) -> None:
    from showtrack.store import durable, targets

    ok(invoke("notify", "add", hook.url()))
    add_news(invoke, "Once only")
    with durable.locked(targets.path_for(invoke.db), 0):
        busy = invoke("notify", "run", env_extra={"SHOWTRACK_LOCK_TIMEOUT": "0"})
    assert busy.exit_code == 1
    assert "busy" in busy.stderr
    assert hook.posts == []
    ok(invoke("notify", "run"))
    assert len(hook.posts) == 1


# --- reminders ------------------------------------------------------------------------------


def at(moment: datetime) -> dict[str, str | None]:
    return {"SHOWTRACK_NOW": moment.isoformat()}


def test_a_timed_airing_is_reminded_once_per_offset_and_the_nearest_when_both_are_due(
    invoke: Invoker, hook: Webhook
) -> None:
    ok(invoke("import", str(SV_PACK)))
    ok(invoke("notify", "add", hook.url(), "--show", "silicon-valley", "--remind", "1d,1h"))
    pack = json.loads(SV_PACK.read_text(encoding="utf-8"))
    e4 = datetime.fromisoformat(
        next(e["airs"] for e in pack["shows"][0]["episodes"] if e["number"] == 4)
    )
    steps = [
        (e4 - timedelta(days=1, minutes=5), 0),  # before the day's reminder
        (e4 - timedelta(hours=23), 1),  # 1d due
        (e4 - timedelta(hours=22), 0),  # already sent
        (e4 - timedelta(minutes=30), 1),  # 1h due
        (e4 - timedelta(minutes=10), 0),
        (e4 + timedelta(minutes=1), 0),  # started: nothing more
    ]
    for moment, expected in steps:
        before = len(hook.posts)
        ok(invoke("notify", "run", env_extra=at(moment)))
        assert len(hook.posts) - before == expected, moment
    titles = [post["title"] for post in hook.posts]
    assert titles == [
        "Tomorrow, in 23 hours: Silicon Valley S4E4: Teambuilding Exercise",
        "Today, in 30 minutes: Silicon Valley S4E4: Teambuilding Exercise",
    ]
    assert "Mon 15 May 2017 03:00 BST (Europe/London)" in hook.posts[0]["message"]

    late = Webhook()
    try:  # a target that first runs 30 minutes before: one message, not two
        ok(invoke("notify", "add", f"json://127.0.0.1:{late.port}/x", "--remind", "1d,1h"))
        ok(invoke("notify", "run", "2", env_extra=at(e4 - timedelta(minutes=30))))
        ok(invoke("notify", "run", "2", env_extra=at(e4 - timedelta(minutes=20))))
        assert [post["title"].split(":")[0] for post in late.posts] == ["Today, in 30 minutes"]
    finally:
        late.close()


def test_spoiler_free_reminders_name_the_episode_alone(invoke: Invoker, hook: Webhook) -> None:
    ok(invoke("import", str(SV_PACK)))
    ok(invoke("notify", "add", hook.url(), "--show", "silicon-valley", "--remind", "1h"))
    moment = datetime(2017, 5, 15, 1, 30, tzinfo=UTC)  # S4E4 airs 02:00 UTC
    ok(invoke("notify", "run", env_extra={**at(moment), "SHOWTRACK_SPOILERS": "off"}))
    assert [post["title"] for post in hook.posts] == ["Today, in 30 minutes: Silicon Valley S4E4"]


@pytest.mark.parametrize(
    ("zone", "first_due"),
    [
        # Heartstopper season 2 is dated 3 Aug 2023 (no time): 1d before is the local
        # midnight starting 2 Aug, wherever the fan is
        ("Europe/London", datetime(2023, 8, 1, 23, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2023, 8, 2, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_date_only_premiere_is_reminded_on_the_fans_local_day(
    invoke: Invoker, hook: Webhook, zone: str, first_due: datetime
) -> None:
    ok(invoke("notify", "add", hook.url(), "--remind", "1d,1h"))
    env = {"TZ": zone}
    steps = [
        (first_due - timedelta(minutes=1), 0),
        (first_due + timedelta(minutes=1), 1),  # the day before: 1d
        (first_due + timedelta(hours=12), 0),
        (first_due + timedelta(days=1, minutes=1), 1),  # the day itself: 1h, on the day
        (first_due + timedelta(days=1, hours=20), 0),
        (first_due + timedelta(days=2, minutes=1), 0),  # the day is over
    ]
    for moment, expected in steps:
        before = len(hook.posts)
        ok(invoke("notify", "run", env_extra={**env, **at(moment)}))
        assert len(hook.posts) - before == expected, (zone, moment)
    assert [post["title"].split(":")[0] for post in hook.posts] == ["Tomorrow", "Today"]
    assert "all 8 episodes" in hook.posts[0]["title"]


def test_a_moved_premiere_is_reminded_again_for_its_new_day(invoke: Invoker, hook: Webhook) -> None:
    ok(invoke("notify", "add", hook.url(), "--remind", "1d", "--kinds", "none"))
    moment = datetime(2023, 8, 2, 9, 0, tzinfo=UTC)
    ok(invoke("notify", "run", env_extra=at(moment)))
    assert len(hook.posts) == 1
    ok(invoke("edit", "season", "heartstopper", "2", "--premiere", "2023-08-03"))  # same day
    ok(invoke("notify", "run", env_extra=at(moment)))
    assert len(hook.posts) == 1
    for number in range(1, 9):
        ok(
            invoke(
                "edit", "episode", "heartstopper", "--season", "2", "--number", str(number),
                "--airs", "2023-08-04",
            )
        )  # fmt: skip
    ok(invoke("edit", "season", "heartstopper", "2", "--premiere", "2023-08-04"))
    ok(invoke("notify", "run", env_extra=at(moment)))
    assert len(hook.posts) == 1  # the new day is two days off: not yet
    ok(invoke("notify", "run", env_extra=at(moment + timedelta(days=1))))
    assert len(hook.posts) == 2
    assert "Fri 4 Aug 2023" in hook.posts[1]["message"]


# --- email, through a real SMTP server ------------------------------------------------------


def test_news_by_email_through_a_local_smtp_server(invoke: Invoker) -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    received: list[Any] = []

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            received.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:  # a free port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = controller_module.Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        url = (
            f"mailto://127.0.0.1:{port}?from=showtrack@example.org&to=fan@example.org&mode=insecure"
        )
        ok(invoke("notify", "add", url))
        add_news(invoke, "Season 3 renewed", source="https://example.org/s3")
        ok(invoke("notify", "run"))
        ok(invoke("notify", "run"))
    finally:
        controller.stop()
    assert len(received) == 1
    mail = received[0]
    assert mail.rcpt_tos == ["fan@example.org"]
    text = mail.content.decode("utf-8", "replace")
    assert "Subject: showtrack: Heartstopper" in text
    assert "Season 3 renewed" in text
    assert "https://example.org/s3" in text


def test_no_targets_is_said_plainly(invoke: Invoker) -> None:
    result = ok(invoke("notify", "run"))
    assert "No notification targets" in result.stdout
    assert json.loads(ok(invoke("notify", "run", "--json")).stdout) == {"targets": []}
    assert ok(invoke("notify", "run", "--quiet")).stdout == ""


# --- the cron loop: sync and notify, 20 times, a webhook that fails for a while ------------


def _payload(base: dict[str, Any], airings: list[datetime]) -> bytes:
    """The 'TVmaze' show with season 2 as weekly-ish timed episodes at ``airings``."""
    doc = json.loads(json.dumps(base))
    embedded = doc["_embedded"]
    embedded["episodes"] = [e for e in embedded["episodes"] if e["season"] != 2] + [
        {
            "id": 900 + number,
            "name": f"Chapter {number}",
            "season": 2,
            "number": number,
            "type": "regular",
            "airdate": moment.date().isoformat(),
            "airtime": moment.strftime("%H:%M"),
            "airstamp": moment.isoformat(),
            "runtime": 30,
            "summary": None,
        }
        for number, moment in enumerate(airings, start=1)
    ]
    for season in embedded["seasons"]:
        if season["number"] == 2:
            season["premiereDate"] = airings[0].date().isoformat()
            season["episodeOrder"] = len(airings)
    return json.dumps(doc).encode()


def _feed(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Heartstopper update number {n}</title>"
        f"<link>https://news.example.org/update-{n}</link><guid>update-{n}</guid>"
        f"<pubDate>Thu, {10 + n:02d} Jul 2023 09:00:00 +0000</pubDate></item>"
        for n in range(1, items + 1)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Fan News</title>'
        f"<link>https://news.example.org/</link>{entries}</channel></rss>"
    ).encode()


@pytest.mark.slow
def test_a_cron_loop_sends_every_announcement_and_every_reminder_exactly_once(
    runner: Callable[..., Invoker], hook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sources_helpers import DATA, serve

    base = json.loads((DATA / "tvmaze_streamer.json").read_text(encoding="utf-8"))
    start = datetime(2023, 7, 20, 12, 0, tzinfo=UTC)
    step = timedelta(hours=6)
    runs = [start + step * index for index in range(20)]
    airings = [start + timedelta(hours=30 + 24 * n, minutes=30) for n in range(4)]
    failing_runs = set(range(5, 10))
    sources = serve(monkeypatch)
    server = next(sources)
    try:
        server.static("/shows/53366", _payload(base, airings))
        server.static("/feed.xml", _feed(1))
        invoke = runner()
        env = {"SHOWTRACK_TVMAZE_URL": server.base, "SHOWTRACK_NOW": start.isoformat()}
        ok(invoke("edit", "show", "heartstopper", "--tvmaze", "53366", env_extra=env))
        ok(invoke("feed", "add", "heartstopper", server.url("/feed.xml"), env_extra=env))
        ok(invoke("notify", "add", hook.url(), "--remind", "1d,1h", env_extra=env))
        first_seq = json.loads(ok(invoke("notify", "list", "--json")).stdout)["targets"][0][
            "cursor"
        ]
        versions = [list(airings)]
        up_runs: list[tuple[datetime, int]] = []  # a run that could send, and the data it saw
        for index, moment in enumerate(runs):
            if index == 8:  # the last episode moves a day later: news, and new reminders
                airings[3] += timedelta(days=1)
                versions.append(list(airings))
                server.static("/shows/53366", _payload(base, airings))
            server.static("/feed.xml", _feed(1 + index // 2))  # a new item every other run
            hook.failing = index in failing_runs
            env = {"SHOWTRACK_TVMAZE_URL": server.base, "SHOWTRACK_NOW": moment.isoformat()}
            ok(invoke("sync", "--quiet", env_extra=env))
            sent = invoke("notify", "run", "--quiet", env_extra=env)
            assert sent.exit_code == (1 if hook.failing else 0), sent.stderr
            assert SECRET not in everything(sent)
            if not hook.failing:
                up_runs.append((moment, len(versions) - 1))
        final = {"SHOWTRACK_NOW": runs[-1].isoformat()}
        news = json.loads(ok(invoke("news", "--all", "--json", env_extra=final)).stdout)
    finally:
        next(sources, None)
    assert hook.refused > 0  # the webhook did fail for a while

    expected = [a["headline"] for a in news["announcements"] if a["seq"] > first_seq]
    assert any("update number" in h for h in expected)
    assert any("moved" in h for h in expected)
    news_posts = [p for p in hook.posts if p["title"].startswith("showtrack:")]
    lines = [line for post in news_posts for line in post["message"].splitlines()]
    heads = [line.split(" — ")[0].removeprefix("Heartstopper: ") for line in lines]
    for headline in expected:
        assert heads.count(headline) == 1, (headline, heads)
    assert len(heads) == len(set(heads))  # nothing twice
    # a change the fan had not read yet is replaced when it changes again (README, news):
    # the target was sent the first one too, and then the one that replaced it
    extra = set(heads) - set(expected)
    assert all(" air date moved: " in head for head in extra), extra

    reminders = [(p["title"], p["message"]) for p in hook.posts if p not in news_posts]
    assert len(reminders) == len(set(reminders))  # nothing twice
    assert len(reminders) >= len(airings)
    for moment in sorted({when for version in versions for when in version}):
        due = [  # the runs that could send it: up, and seeing it at that time
            run
            for run, seen in up_runs
            if moment in versions[seen] and moment - timedelta(days=1) <= run < moment
        ]
        local = moment.astimezone(ZoneInfo("Europe/London"))
        text = f"{local:%a} {local.day} {local:%b %Y %H:%M}"
        got = [r for r in reminders if text in r[1]]
        near = any(moment - timedelta(hours=1) <= run for run in due)
        far = any(run < moment - timedelta(hours=1) for run in due)
        assert len(got) == int(near) + int(far), (moment, got)


@pytest.mark.slow
def test_two_runs_at_once_in_separate_processes_send_once(
    invoke: Invoker, hook: Webhook, tmp_path: Path
) -> None:
    """Real processes racing: the second waits for the first's run lock, then finds the
    news already recorded as sent."""
    import subprocess
    import sys

    ok(invoke("notify", "add", hook.url()))
    add_news(invoke, "Raced for")
    env = {
        **os.environ,
        "SHOWTRACK_DB": str(invoke.db),
        "SHOWTRACK_NOW": "2023-05-24T12:00:00+01:00",
        "TZ": "Europe/London",
    }
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(name, None)
    hook.delay = 0.5  # the first run is still sending when the second starts
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "showtrack", "notify", "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outcomes
    assert [post["message"] for post in hook.posts] == ["Heartstopper: Raced for"]
