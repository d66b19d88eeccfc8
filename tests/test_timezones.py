"""The viewer's zone: a TZ that can't be used is said, POSIX rules work, --tz forgives
case and suggests the closest zone (issue 14)."""

from __future__ import annotations

import json

import pytest

from conftest import Invoker, ok


def as_of(invoke: Invoker, *args: str, **env: str) -> tuple[str, str, str]:
    result = ok(invoke("countdown", "--json", *args, env_extra=dict(env)))
    doc = json.loads(result.stdout)
    return doc["tz"], doc["as_of_local"], result.stderr


def test_a_tz_that_cannot_be_used_says_so_and_which_zone_is_used(invoke: Invoker) -> None:
    zone, _, stderr = as_of(invoke, TZ="Mars/Olympus")
    assert stderr.count("\n") == 1
    assert "TZ='Mars/Olympus' is not a time zone showtrack can use; showing times in" in stderr
    assert zone in stderr


@pytest.mark.parametrize(
    ("rule", "now", "shown"),
    [
        ("CET-1CEST", "2023-07-10T12:00:00Z", "14:00 CEST"),
        ("CET-1CEST", "2023-01-10T12:00:00Z", "13:00 CET"),
        ("EST5EDT,M3.2.0,M11.1.0", "2023-07-10T12:00:00Z", "08:00 EDT"),
        ("IST-5:30", "2023-07-10T12:00:00Z", "17:30 IST"),
    ],
)
def test_posix_tz_rules_work(invoke: Invoker, rule: str, now: str, shown: str) -> None:
    zone, local, stderr = as_of(invoke, TZ=rule, SHOWTRACK_NOW=now)
    assert stderr == ""
    assert local.endswith(shown)
    assert zone == rule


@pytest.mark.parametrize(("typed", "zone"), [("europe/paris", "Europe/Paris"), ("utc", "UTC")])
def test_tz_is_case_insensitive(invoke: Invoker, typed: str, zone: str) -> None:
    assert as_of(invoke, "--tz", typed)[0] == zone


def test_a_misspelt_tz_suggests_the_closest_zone(invoke: Invoker) -> None:
    result = invoke("countdown", "--tz", "Europe/Pari")
    assert result.exit_code == 2
    assert "did you mean Europe/Paris?" in result.stderr
    assert "?." not in result.stderr
