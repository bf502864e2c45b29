import stat
from pathlib import Path

from contest.config import MEGABYTE, Config


def test_defaults_describe_a_local_site() -> None:
    config = Config()
    assert config.database == Path("var/contest.db")
    assert config.media == Path("var/media")
    assert config.max_body_bytes == 25 * MEGABYTE
    assert config.hosts == ("127.0.0.1", "localhost")
    assert not config.https


def test_environment_overrides_every_setting(tmp_path: Path) -> None:
    config = Config.from_environ(
        {
            "CONTEST_DATA_DIR": str(tmp_path),
            "CONTEST_BASE_URL": "https://photos.library.example.edu",
            "CONTEST_MAX_UPLOAD_MB": "10",
            "CONTEST_TIMEZONE": "Asia/Hong_Kong",
            "CONTEST_SMTP_HOST": "mail.example.edu",
            "CONTEST_SMTP_PORT": "2525",
            "CONTEST_SMTP_STARTTLS": "0",
            "CONTEST_ALLOWED_HOSTS": "photos.library.example.edu, www.example.edu",
        }
    )
    assert config.database == tmp_path / "contest.db"
    assert config.https
    assert config.max_body_bytes == 10 * MEGABYTE
    assert config.default_timezone == "Asia/Hong_Kong"
    assert config.smtp is not None and config.smtp.port == 2525 and not config.smtp.starttls
    assert config.hosts == ("photos.library.example.edu", "www.example.edu")
    assert config.absolute_url("/contests/x") == "https://photos.library.example.edu/contests/x"


def test_base_url_host_is_the_default_trusted_host() -> None:
    assert Config(base_url="https://photos.example.edu").hosts == ("photos.example.edu",)


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = Config(data_dir=tmp_path).with_secret_key()
    second = Config(data_dir=tmp_path).with_secret_key()
    assert first.secret_key and len(first.secret_key) >= 48
    assert first.secret_key == second.secret_key
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_given_secret_key_is_used_and_nothing_is_written(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, secret_key="given").with_secret_key()
    assert config.secret_key == "given"
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_is_not_shown_in_repr() -> None:
    assert "hunter2" not in repr(Config(secret_key="hunter2"))


def test_the_data_folder_is_made_private_with_the_secret_key(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "var").with_secret_key()
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert config.secret_key


def test_the_free_space_floor_for_uploads_is_a_setting() -> None:
    from contest.config import ENVIRONMENT

    assert Config().min_free_bytes == Config.from_environ({}).min_free_bytes == 200 * MEGABYTE
    assert Config.from_environ({"CONTEST_MIN_FREE_MB": "1024"}).min_free_bytes == 1024 * MEGABYTE
    assert Config.from_environ({"CONTEST_MIN_FREE_MB": "0"}).min_free_bytes == 0
    assert "CONTEST_MIN_FREE_MB" in ENVIRONMENT


def test_cards_are_drawn_ahead_unless_the_environment_says_0() -> None:
    assert Config.from_environ({}).draw_cards_ahead is True
    assert Config.from_environ({"CONTEST_DRAW_CARDS_AHEAD": "0"}).draw_cards_ahead is False
