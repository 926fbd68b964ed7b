import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from preceptor.core.ratelimit import Rate, hit, rate_limited

START = 1_800_000_000  # the start of a one-hour window


def test_hits_within_the_rate_pass_and_the_next_learns_when_the_window_ends():
    with time_machine.travel(START + 600, tick=False):
        assert [hit(action="a", key="k", rate=Rate(3, 3600)) for _ in range(3)] == [0, 0, 0]
        assert hit(action="a", key="k", rate=Rate(3, 3600)) == 3000
    with time_machine.travel(START + 3600, tick=False):
        assert hit(action="a", key="k", rate=Rate(3, 3600)) == 0


def test_keys_and_actions_are_counted_apart():
    rate = Rate(1, 60)
    assert hit(action="a", key="one", rate=rate) == 0
    assert hit(action="a", key="two", rate=rate) == 0
    assert hit(action="b", key="one", rate=rate) == 0
    assert hit(action="a", key="one", rate=rate) > 0


@pytest.mark.django_db
def test_a_refused_request_gets_429_with_retry_after_and_a_page(rf, learner, outsider):
    request = rf.get("/")
    request.user = learner
    assert rate_limited(request, action="x", rate=Rate(1, 60)) is None
    refused = rate_limited(request, action="x", rate=Rate(1, 60))
    assert refused is not None and refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    request.user = outsider  # per member: someone else on the same address is not held back
    assert rate_limited(request, action="x", rate=Rate(1, 60)) is None


@pytest.mark.django_db
def test_visitors_are_counted_by_client_address(rf):
    first, second = rf.get("/", REMOTE_ADDR="198.51.100.7"), rf.get("/", REMOTE_ADDR="203.0.113.20")
    for request in (first, second):
        request.user = AnonymousUser()
    assert rate_limited(first, action="x", rate=Rate(1, 60)) is None
    assert rate_limited(second, action="x", rate=Rate(1, 60)) is None
    assert rate_limited(first, action="x", rate=Rate(1, 60)) is not None
