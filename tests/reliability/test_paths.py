"""Item 9: paths and permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reliability.support import base_env, cli, cli_many, load_db, record, temp_files

SHOW = "heartstopper"


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_database_through_a_symlink_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "showtrack.json"
    real.parent.mkdir()
    link_dir = tmp_path / "links"
    link_dir.mkdir()
    link = link_dir / "db.json"
    env_real = base_env(tmp_path, real)
    assert cli(env_real, "init").code == 0
    link.symlink_to(real)
    env = base_env(tmp_path, link)
    for index in range(3):
        done = cli(env, "add", "news", SHOW, "--headline", f"Through the link {index}")
        assert done.code == 0, str(done)
    assert link.is_symlink(), "the symlink was replaced by a regular file"
    assert os.readlink(link) == str(real)
    assert {f"Through the link {i}" for i in range(3)} <= {
        d["headline"] for d in load_db(real)["announcements"].values()
    }
    assert temp_files(link_dir) == []
    assert temp_files(real.parent) == []
    assert (real.parent / "showtrack.json.lock").exists(), "the lock is taken beside the real file"
    assert _mode(real) == 0o600


def test_a_relative_symlink_chain_also_stays(tmp_path: Path) -> None:
    real = tmp_path / "a" / "real.json"
    real.parent.mkdir()
    assert cli(base_env(tmp_path, real), "init", "--empty").code == 0
    (tmp_path / "b").mkdir()
    hop = tmp_path / "b" / "hop.json"
    hop.symlink_to(Path("..") / "a" / "real.json")
    link = tmp_path / "link.json"
    link.symlink_to(Path("b") / "hop.json")
    done = cli(base_env(tmp_path, link), "add", "show", "Chained")
    assert done.code == 0, str(done)
    assert link.is_symlink()
    assert hop.is_symlink()
    assert [d["slug"] for d in load_db(real)["shows"].values()] == ["chained"]


def test_created_files_are_private(tmp_path: Path) -> None:
    """The database (first use and init), its lock file and export -o are created 0600,
    whatever the umask."""
    old = os.umask(0o022)
    try:
        first_use = tmp_path / "first" / "showtrack.json"
        via_init = tmp_path / "init" / "showtrack.json"
        first_use.parent.mkdir()
        via_init.parent.mkdir()
        results = cli_many(
            [
                (base_env(tmp_path, first_use), ["shows"]),
                (base_env(tmp_path, via_init), ["init", "--empty"]),
            ]
        )
        assert all(done.code == 0 for done in results), [str(d) for d in results]
        done = cli(base_env(tmp_path, first_use), "add", "news", SHOW, "--headline", "Locked")
        assert done.code == 0, str(done)
        exported = tmp_path / "export.json"
        assert cli(base_env(tmp_path, first_use), "export", "-o", str(exported)).code == 0
        default_home = base_env(tmp_path)
        assert cli(default_home, "shows").code == 0
    finally:
        os.umask(old)
    modes = {
        "first-use db": _mode(first_use),
        "init db": _mode(via_init),
        "lock file": _mode(Path(f"{first_use}.lock")),
        "export -o": _mode(exported),
    }
    default_db = Path(default_home["XDG_DATA_HOME"]) / "showtrack" / "showtrack.json"
    modes["default-location db"] = _mode(default_db)
    record("permissions", runs=5)
    assert all(mode == 0o600 for mode in modes.values()), {k: oct(v) for k, v in modes.items()}
    # a file the user made group-readable keeps its mode across writes
    os.chmod(first_use, 0o640)
    assert cli(base_env(tmp_path, first_use), "add", "news", SHOW, "--headline", "Keep").code == 0
    assert _mode(first_use) == 0o640


def test_a_lock_path_planted_as_a_symlink_is_refused(tmp_path: Path) -> None:
    """An attacker (or a stale tool) plants <db>.lock as a symlink to another file:
    showtrack must refuse, and neither file may change."""
    db = tmp_path / "data" / "showtrack.json"
    db.parent.mkdir()
    env = base_env(tmp_path, db)
    assert cli(env, "init").code == 0
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    os.chmod(victim, 0o644)
    lock = Path(f"{db}.lock")
    if lock.exists():
        lock.unlink()
    lock.symlink_to(victim)
    before = db.read_bytes()
    dangling = tmp_path / "fresh" / "showtrack.json"
    dangling.parent.mkdir()
    Path(f"{dangling}.lock").symlink_to(tmp_path / "does-not-exist-yet")
    results = cli_many(
        [
            (env, ["add", "news", SHOW, "--headline", "Through a planted lock"]),
            (env, ["news"]),  # records a check: a write
            (base_env(tmp_path, dangling), ["init"]),  # creation takes the lock too
        ]
    )
    problems = []
    for done in results:
        # news still shows the news, and says that its check was not recorded (exit 0)
        expected = 0 if list(done.args) == ["news"] else 1
        if done.code != expected:
            problems.append(f"{' '.join(done.args)}: exit {done.code}, expected {expected}")
        if list(done.args) == ["news"] and "This check was not recorded" not in done.stderr:
            problems.append(f"news: does not say the check was not recorded: {done.stderr!r}")
        if "symbolic link" not in done.stderr and "symlink" not in done.stderr:
            problems.append(f"{' '.join(done.args)}: message does not say why: {done.stderr!r}")
        if "Traceback" in done.stderr:
            problems.append(f"{' '.join(done.args)}: traceback")
    assert db.read_bytes() == before
    assert victim.read_bytes() == b"precious\n"
    assert _mode(victim) == 0o644
    assert lock.is_symlink()
    assert not (tmp_path / "does-not-exist-yet").exists(), "the lock symlink's target was created"
    assert not dangling.exists()
    # readers need no lock and still work
    assert cli(env, "shows", "--json").code == 0
    record("planted lock symlink", runs=len(results) + 1)
    assert not problems, problems


def test_a_database_path_that_is_a_folder(tmp_path: Path) -> None:
    folder_db = tmp_path / "iam-a-folder.json"
    folder_db.mkdir()
    results = cli_many(
        [
            (base_env(tmp_path, folder_db), ["shows"]),
            (base_env(tmp_path, folder_db), ["add", "show", "X"]),
        ]
    )
    for done in results:
        assert done.code in (1, 2), str(done)
        assert "Traceback" not in done.stderr
        assert str(folder_db.name) in done.stderr, done.stderr
    assert folder_db.is_dir()
    assert list(folder_db.iterdir()) == []
