import pytest
from django.core.exceptions import ImproperlyConfigured

from preceptor.config.env import email_settings, env_bool, env_int, env_list


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("true", True), ("On", True), ("0", False), ("no", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=not value) is value


def test_env_bool_rejects_junk_instead_of_guessing(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", default=False)


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", default=True) is True


def test_env_int_rejects_non_numbers_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("TRIAL_DAYS", "seven")
    with pytest.raises(ImproperlyConfigured, match="TRIAL_DAYS must be an integer"):
        env_int("TRIAL_DAYS", 7)
    monkeypatch.setenv("TRIAL_DAYS", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("TRIAL_DAYS", 7, minimum=0)
    monkeypatch.setenv("TRIAL_DAYS", "14")
    assert env_int("TRIAL_DAYS", 7) == 14


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,,")
    assert env_list("ALLOWED_HOSTS") == ["a.example", "b.example"]


def test_email_url_defaults_to_the_console():
    assert email_settings("")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_email_url_smtp_with_starttls():
    conf = email_settings("smtp+tls://mailer%40example.org:p%40ss@smtp.example.org")
    assert conf["EMAIL_HOST"] == "smtp.example.org"
    assert conf["EMAIL_PORT"] == 587
    assert conf["EMAIL_HOST_USER"] == "mailer@example.org"
    assert conf["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert conf["EMAIL_USE_TLS"] is True
    assert conf["EMAIL_USE_SSL"] is False


def test_email_url_file_backend_and_unknown_schemes():
    assert email_settings("file:///tmp/mail")["EMAIL_FILE_PATH"] == "/tmp/mail"
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        email_settings("carrier-pigeon://coop")
