import pytest

from preceptor.core.network import client_ip


@pytest.fixture
def request_from(rf):
    def make(remote="10.0.0.2", forwarded=None, **headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return rf.get("/", REMOTE_ADDR=remote, **extra)

    return make


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings, request_from):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from(remote="198.51.100.7", forwarded="192.0.2.1")) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_saw_counts_and_what_the_client_wrote_does_not(settings, request_from):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(forwarded="192.0.2.1, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from(forwarded="198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_outer_ones_address_counts(settings, request_from):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(forwarded="192.0.2.1, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "999.1.1.1", " , "])
def test_a_missing_or_broken_forwarded_header_falls_back_to_the_connection(settings, request_from, forwarded):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(remote="10.0.0.2", forwarded=forwarded)) == "10.0.0.2"


def test_a_trusted_client_address_header_wins_when_configured(settings, request_from):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    request = request_from(forwarded="192.0.2.1", **{"X-Real-IP": "[2001:db8::1]:443"})
    assert client_ip(request) == "2001:db8::1"


def test_ports_are_removed_from_addresses(settings, request_from):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(forwarded="198.51.100.7:51234")) == "198.51.100.7"
