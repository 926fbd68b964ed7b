"""The site's own 404 and 500 pages, the header's link to the staff pages, and prices in German."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from preceptor.conftest import make_member


def test_an_unknown_address_answers_the_branded_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "We cannot find this page" in text
    assert 'class="site-header"' in text and reverse("catalog:list") in text


def test_the_500_page_renders_without_a_request_context_or_the_database():
    # No ``db`` fixture: any query would fail the test (pytest-django blocks the database).
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text
    assert 'href="/static/css/preceptor.css"' in text and 'href="/support/"' in text


def _header(client: Client) -> str:
    text = client.get(reverse("privacy:policy")).content.decode()
    return text.split("</header>", 1)[0]


@pytest.mark.django_db
def test_the_header_links_to_the_staff_pages_only_for_staff_whose_roles_open_one(staff_in, staff_without_permissions):
    staff_url = f'href="{reverse("site:staff")}"'
    client = Client()
    assert staff_url not in _header(client)
    client.force_login(make_member("member@example.org", "Max Member"))
    assert staff_url not in _header(client)
    client.force_login(staff_without_permissions)
    assert staff_url not in _header(client)
    client.force_login(staff_in("Statistics"))
    assert staff_url in _header(client)


@pytest.mark.django_db
def test_the_pricing_page_in_german_writes_prices_the_german_way(client):
    from preceptor.billing.services import prices_ensure

    prices_ensure()
    english = client.get(reverse("billing:pricing"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = client.get(reverse("billing:pricing"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "€29.00" in english
    assert "29,00\N{NO-BREAK SPACE}€" in german and "€29.00" not in german
