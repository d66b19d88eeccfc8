"""Item 17 for the JSON importer: random documents never raise anything but DataError,
and a rejected import leaves the database byte for byte as it was."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showtrack import store
from showtrack.errors import DataError
from showtrack.merge import merge
from showtrack.sources.jsonfile import Dataset, read_document, read_text

CASES = 10_000 if os.environ.get("SHOWTRACK_TORTURE") == "long" else 200
NOW = datetime(2023, 5, 24, 11, 0, tzinfo=UTC)
KEYS = [
    "format", "shows", "slug", "title", "seasons", "credits", "announcements", "number",
    "premiere", "date", "kind", "headline", "actor", "season", "runtime", "min", "max",
    "episodes", "status", "timezone", "aliases", "tvmaze",
]  # fmt: skip
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.sampled_from(["heartstopper", "2023-08-03", "Dec 2022", "TBA", "other", "new", "x" * 600])
)
DOCS = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=25,
)


@settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_the_importer_never_raises_anything_but_data_error(doc: Any) -> None:
    for candidate in (
        doc,
        {"shows": [doc]},
        {"shows": [{"slug": "x", "title": "X", **(doc if isinstance(doc, dict) else {})}]},
    ):
        message = ""
        try:
            read_document(candidate, "fuzz.json")
        except DataError as err:
            message = err.message
        assert "\n" not in message  # one line, naming the file


@settings(
    max_examples=max(CASES // 20, 20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=300) | DOCS.map(lambda d: json.dumps(d).encode()))
def test_a_rejected_import_leaves_the_database_as_it_was(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "db.json"
    if not path.exists():
        store.Store.open(path, now=NOW, seed=Dataset)
    before = path.read_bytes()
    try:
        incoming = read_text(data.decode("utf-8", "replace"), "fuzz.json")
        merge(store.Store.open(path, now=NOW), incoming, origin="fuzz")
    except DataError:
        assert path.read_bytes() == before
