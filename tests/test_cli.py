import io
import subprocess
import sys
from pathlib import Path

import pytest

from contest import cli
from contest.demo.contests import (
    DEMO_ACCOUNTS,
    DEMO_ENTRIES,
    DEMO_SLUG,
    JUDGING_ENTRIES,
    JUDGING_SLUG,
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONTEST_DATA_DIR", str(tmp_path))
    return tmp_path


def count(data_dir: Path, sql: str) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "contest.db") as connection:
        return int(connection.execute(sql).fetchone()[0])


def test_demo_seeds_once_and_prints_how_to_sign_in(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo"]) == 0
    first = capsys.readouterr().out
    assert "Demo seeded." in first
    for account in DEMO_ACCOUNTS[:3]:
        assert account.email in first and account.password in first
    assert cli.main(["demo"]) == 0
    assert "Demo already present." in capsys.readouterr().out
    assert count(data_dir, "SELECT count(*) FROM contests") == 2
    assert count(data_dir, f"SELECT count(*) FROM contests WHERE slug = '{DEMO_SLUG}'") == 1
    assert count(data_dir, "SELECT count(*) FROM users") == len(DEMO_ACCOUNTS)
    entered = len(DEMO_ENTRIES) + len(JUDGING_ENTRIES)
    assert count(data_dir, "SELECT count(*) FROM entries") == entered
    assert count(data_dir, "SELECT count(*) FROM entries WHERE status = 'pending'") == 2
    assert count(data_dir, "SELECT count(*) FROM entries WHERE master_key IS NULL") == 0
    assert count(data_dir, "SELECT count(*) FROM contest_judges") == 2
    assert len(list((data_dir / "media").rglob("*.jpg"))) == 3 * entered


def test_user_add_reads_the_password_from_stdin(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a strong password\n"))
    code = cli.main(
        [
            "user",
            "add",
            "--role",
            "judge",
            "--email",
            "J@Uni.edu",
            "--name",
            "Jo",
            "--password-stdin",
        ]
    )
    assert code == 0 and "Added judge j@uni.edu" in capsys.readouterr().out
    assert count(data_dir, "SELECT count(*) FROM users WHERE role = 'judge'") == 1


def test_user_add_explains_a_weak_password(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    with pytest.raises(SystemExit, match="at least 10 characters"):
        cli.main(
            [
                "user",
                "add",
                "--role",
                "judge",
                "--email",
                "j@uni.edu",
                "--name",
                "Jo",
                "--password-stdin",
            ]
        )
    assert count(data_dir, "SELECT count(*) FROM users") == 0


def test_init_creates_the_database_and_first_organizer(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("organizer password\n"))
    assert cli.main(["init", "--email", "boss@uni.edu", "--name", "Boss", "--password-stdin"]) == 0
    assert count(data_dir, "SELECT count(*) FROM users WHERE role = 'organizer'") == 1
    assert (data_dir / "secret_key").exists()
    assert cli.main(["init"]) == 0  # a second run changes nothing


@pytest.mark.parametrize(
    "command", [[], ["serve"], ["init"], ["demo"], ["user", "add"], ["backup"], ["restore"]]
)
def test_every_command_explains_itself(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "contest.cli", *command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "usage: contest" in result.stdout
    assert len(result.stdout.splitlines()) > 3


@pytest.mark.parametrize(("flags", "logged"), [([], False), (["--access-log"], True)])
def test_serve_keeps_no_access_log_unless_asked(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str], logged: bool
) -> None:
    import uvicorn

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    assert cli.main(["serve", "--port", "8123", *flags]) == 0
    assert seen["access_log"] is logged and seen["port"] == 8123


def test_demo_voting_contest_has_a_public_response_to_show(data_dir: Path) -> None:
    assert cli.main(["demo"]) == 0
    voting = f"(SELECT id FROM contests WHERE slug = '{JUDGING_SLUG}')"
    in_voting = f"entry_id IN (SELECT id FROM entries WHERE contest_id = {voting})"
    votes = count(data_dir, f"SELECT count(*) FROM likes WHERE kind = 'vote' AND {in_voting}")
    logged = count(
        data_dir, "SELECT count(*) FROM like_events WHERE action = 'like' AND kind = 'vote'"
    )
    assert votes > 0 and votes == logged  # seeded through the real like path, log included
    assert count(data_dir, f"SELECT count(*) FROM likes WHERE kind = 'pick' AND {in_voting}") == 1
    own = "SELECT count(*) FROM likes JOIN entries ON entries.id = likes.entry_id"
    assert count(data_dir, f"{own} WHERE likes.user_id = entries.participant_id") == 0
    assert count(data_dir, f"SELECT count(*) FROM entry_views WHERE {in_voting}") > 0
    view_days = count(data_dir, f"SELECT count(DISTINCT day) FROM entry_views WHERE {in_voting}")
    voting_days = count(
        data_dir,
        f"SELECT julianday(date('now')) - julianday(date(voting_open)) + 1 FROM contests"
        f" WHERE id = {voting}",
    )
    assert view_days == voting_days  # a view on every day voting has been open, no gaps
    assert count(data_dir, f"SELECT count(*) FROM share_clicks WHERE {in_voting}") > 0
    assert count(data_dir, f"SELECT count(*) FROM replies WHERE {in_voting}") == 2
    assert count(data_dir, "SELECT count(*) FROM outbox WHERE subject LIKE '%replied%'") == 2
    # The contest still taking submissions has had no public response yet.
    taking = f"(SELECT id FROM contests WHERE slug = '{DEMO_SLUG}')"
    assert count(data_dir, f"{own} WHERE entries.contest_id = {taking}") == 0


SERVE_FLAGS = ["--limit-concurrency", "--backlog", "--timeout-keep-alive"]


@pytest.mark.parametrize(("open_files", "limit"), [(1024, 896), (20000, 1000), (100, 16)])
def test_the_connection_limit_leaves_room_under_the_open_file_limit(
    monkeypatch: pytest.MonkeyPatch, open_files: int, limit: int
) -> None:
    import resource

    monkeypatch.setattr(resource, "getrlimit", lambda which: (open_files, resource.RLIM_INFINITY))
    assert cli.default_connection_limit() == limit


def test_serve_guards_against_slow_and_too_many_clients(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    help_text = capsys.readouterr().out
    for flag in [*SERVE_FLAGS, "--timeout-graceful-shutdown"]:
        assert flag in help_text
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    assert cli.main(["serve"]) == 0
    assert seen["limit_concurrency"] == cli.default_connection_limit() and seen["backlog"] == 2048
    assert seen["timeout_keep_alive"] == 5 and seen["timeout_graceful_shutdown"] == 30
    changed = ["--limit-concurrency", "200", "--backlog", "256", "--timeout-keep-alive", "2"]
    assert cli.main(["serve", *changed]) == 0
    assert (seen["limit_concurrency"], seen["backlog"], seen["timeout_keep_alive"]) == (200, 256, 2)


def test_backup_and_restore_round_trip_and_refuse_a_used_folder(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("organizer password\n"))
    assert cli.main(["init", "--email", "boss@uni.edu", "--name", "Boss", "--password-stdin"]) == 0
    backup_dir = data_dir / "backups" / "monday"
    assert cli.main(["backup", str(backup_dir)]) == 0
    said = capsys.readouterr().out
    assert f"Backed up to {backup_dir}" in said and "users 1," in said
    assert "the secret key" in said and (backup_dir / "manifest.json").exists()
    with pytest.raises(SystemExit, match=r"No backup made: .* is not empty"):
        cli.main(["backup", str(backup_dir)])

    restored = data_dir / "restored"
    monkeypatch.setenv("CONTEST_DATA_DIR", str(restored))
    assert cli.main(["restore", str(backup_dir)]) == 0
    assert f"into {restored}" in capsys.readouterr().out
    assert count(restored, "SELECT count(*) FROM users WHERE role = 'organizer'") == 1
    assert (restored / "secret_key").read_text() == (data_dir / "secret_key").read_text()
    with pytest.raises(SystemExit, match=r"Nothing restored: .* is not empty"):
        cli.main(["restore", str(backup_dir)])


def test_backup_and_restore_are_silent_with_quiet_and_show_progress_on_a_terminal(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["demo"]) == 0
    capsys.readouterr()
    assert cli.main(["backup", "--quiet", str(data_dir / "quiet")]) == 0
    said = capsys.readouterr()
    assert (said.out, said.err) == ("", "")
    assert (data_dir / "quiet" / "manifest.json").exists()
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws its bar as on a terminal
    assert cli.main(["backup", str(data_dir / "shown")]) == 0
    said = capsys.readouterr()
    files = len(list((data_dir / "shown" / "media").glob("*/*/*.jpg")))
    assert files > 0 and "Copying photo files" in said.err and f"{files}/{files}" in said.err
    assert "Backed up to" in said.out and "s in all" in said.out

    restored = data_dir / "restored"
    monkeypatch.setenv("CONTEST_DATA_DIR", str(restored))
    monkeypatch.delenv("FORCE_COLOR")
    assert cli.main(["restore", "-q", str(data_dir / "shown")]) == 0
    said = capsys.readouterr()
    assert (said.out, said.err) == ("", "")
    assert len(list((restored / "media").glob("*/*/*.jpg"))) == files
