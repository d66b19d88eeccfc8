"""Fixtures for the reliability suite (helpers live in support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.support import empty_db, seeded_db


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A database seeded from the bundled data, and an env pointing at it."""
    return seeded_db(tmp_path)


@pytest.fixture
def empty(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty database (init --empty), and an env pointing at it."""
    return empty_db(tmp_path)
