import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "retention": {"last_run": None, "overdue": True}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from preceptor.site import views

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["site:home", "site:support", "privacy:policy", "privacy:cookies"])
def test_public_pages_render_for_anonymous_visitors_and_members(client, learner, name):
    assert client.get(reverse(name)).status_code == 200
    client.force_login(learner)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_every_page_links_to_privacy_cookie_settings_and_support(client):
    html = client.get(reverse("site:home")).content.decode()
    for url in (reverse("privacy:policy"), reverse("privacy:cookies"), reverse("site:support")):
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
