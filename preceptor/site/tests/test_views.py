import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "retention": {"last_run": None, "overdue": True},
    }
    assert "no-cache" in response["Cache-Control"]


def _broken() -> None:
    raise OperationalError("connection refused")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from preceptor.core import health

    monkeypatch.setitem(health.CHECKS, "database", _broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down", "cache": "ok", "broker": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("dependency", ["cache", "broker"])
def test_healthz_says_degraded_but_answers_200_when_only_the_cache_or_the_broker_is_down(
    client, monkeypatch, dependency
):
    from preceptor.core import health

    monkeypatch.setitem(health.CHECKS, dependency, _broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body[dependency], body["database"]) == ("degraded", "down", "ok")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["site:home", "support:contact", "privacy:policy", "privacy:cookies"])
def test_public_pages_render_for_anonymous_visitors_and_members(client, learner, name):
    assert client.get(reverse(name)).status_code == 200
    client.force_login(learner)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_every_page_links_to_privacy_cookie_settings_and_support(client):
    html = client.get(reverse("site:home")).content.decode()
    for url in (reverse("privacy:policy"), reverse("privacy:cookies"), reverse("support:contact")):
        assert f'href="{url}"' in html


@pytest.mark.django_db
def test_page_titles_read_page_section_site(client):
    html = client.get(reverse("privacy:cookies")).content.decode()
    assert "<title>Cookies · Privacy · Preceptor</title>" in html


@pytest.mark.django_db
def test_pages_are_served_in_german_when_chosen(client):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("site:home")).content.decode()
    assert '<html lang="de">' in html
    assert "Kostenlos testen" in html
    assert "Datenschutz" in html


@pytest.mark.django_db
def test_the_privacy_policy_shows_its_last_modified_date(client):
    html = client.get(reverse("privacy:policy")).content.decode()
    assert "Last modified: 2017-06-20" in html
    assert "at least 13 years old" in html
