"""Mail preferences: members choose their lists; transactional mail is not optional."""

import pytest
from django.urls import reverse

from preceptor.mail.models import EmailPreference

pytestmark = pytest.mark.django_db


def test_members_set_their_preferences_and_transactional_mail_is_not_optional(client, learner):
    assert client.get(reverse("mail:preferences")).status_code == 302
    client.force_login(learner)
    page = client.get(reverse("mail:preferences")).content.decode()
    assert "always sent" in page
    client.post(reverse("mail:preferences"), {"newsletter": "on", "class_reminders": "on"})
    preference = EmailPreference.objects.get(user=learner)
    assert (preference.newsletter, preference.product_news, preference.class_reminders) == (True, False, True)
