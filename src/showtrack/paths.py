"""Where the user's database lives: --db, then SHOWTRACK_DB, then the platform data folder."""

from __future__ import annotations

from pathlib import Path

DB_ENV = "SHOWTRACK_DB"


def default_db_path() -> Path:
    """The platform's user data folder, e.g. ~/.local/share/showtrack/showtrack.json."""
    from platformdirs import user_data_path

    return user_data_path("showtrack", appauthor=False) / "showtrack.json"
