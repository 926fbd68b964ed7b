"""Mail test helpers: a member subscribed to the newsletter, and a newsletter message for them."""

import pytest

from preceptor.mail.messages import marketing_message
from preceptor.mail.selectors import preferences_for


@pytest.fixture
def subscribed(learner):
    preference = preferences_for(learner)
    preference.newsletter = True
    preference.save()
    return learner


def newsletter(user):
    return marketing_message(
        user=user,
        mailing_list="newsletter",
        campaign="2026-12",
        subject="New courses",
        text="Three new courses this month.",
        links={"Read": "https://example.org/magazine/"},
    )
