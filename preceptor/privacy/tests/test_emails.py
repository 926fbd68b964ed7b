"""The privacy e-mails (deadline extended, policy updated, erasure asked for and carried out) name the site and
its address in the subject, the text and the HTML part."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from preceptor.privacy.models import DataRequest, PolicyVersion
from preceptor.privacy.services import data_request_extend, data_request_receive, erasure_request, policy_publish

pytestmark = pytest.mark.django_db


def assert_branded(message) -> None:
    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert settings.SITE_NAME in message.subject
    for part in (message.body, html):
        assert settings.SITE_NAME in part and settings.SITE_ADDRESS in part and settings.SITE_URL in part


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.SITE_ADDRESS = "Preceptor GmbH · Teststraße 5 · 20095 Hamburg"


def test_an_extended_deadline_is_explained_in_a_branded_mail(learner, staff, django_capture_on_commit_callbacks):
    request = data_request_receive(user=learner, kind=DataRequest.Kind.EXPORT, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        data_request_extend(
            request=request, months=2, reason="Your records span three systems & archives.", actor=staff
        )

    [message] = mail.outbox
    assert message.to == [learner.email] and message.subject == "[Preceptor] Your data request: we need more time"
    assert "Your records span three systems & archives." in message.body  # plain text is not HTML-escaped
    assert_branded(message)


def test_a_policy_update_is_announced_in_a_branded_mail(learner, staff, django_capture_on_commit_callbacks):
    policy = PolicyVersion.objects.create(
        version="2026-12-01", effective_on=date(2026, 12, 1), material=True, summary="We name every recipient."
    )
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(policy=policy, actor=staff)

    [message, *_] = sorted(mail.outbox, key=lambda m: m.to[0] != learner.email)
    assert message.subject == "[Preceptor] We have updated our privacy policy"
    assert "We name every recipient." in message.body
    assert_branded(message)


def test_an_erasure_request_is_confirmed_in_a_branded_mail(learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request(user=learner)

    [message] = mail.outbox
    assert message.to == [learner.email]
    assert_branded(message)


def html_lang(message) -> str:
    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_policy_update_reaches_each_member_in_their_own_language(
    learner, outsider, staff, django_capture_on_commit_callbacks
):
    from django.utils import translation

    learner.language, outsider.language = "de", "en"
    learner.save(update_fields=["language"])
    outsider.save(update_fields=["language"])
    policy = PolicyVersion.objects.create(
        version="2026-12-01", effective_on=date(2026, 12, 1), material=True, summary="We name every recipient."
    )
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):  # a staff member in German
        policy_publish(policy=policy, actor=staff)

    languages = {message.to[0]: html_lang(message) for message in mail.outbox}
    assert languages[learner.email] == "de" and languages[outsider.email] == "en"
    assert languages[staff.email] == "de"  # no language saved: the active one


def test_the_scheduled_erasure_answers_in_the_members_language(learner, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from preceptor.privacy.services import due_erasures_perform

    learner.language = "de"
    learner.save(update_fields=["language"])
    address = learner.email
    with django_capture_on_commit_callbacks(execute=True):
        request = erasure_request(user=learner)
    [asked] = mail.outbox
    with translation.override("de"):
        scheduled = date_format(timezone.localtime(request.scheduled_for, learner.zone), "DATETIME_FORMAT")
    assert html_lang(asked) == "de" and scheduled in asked.body

    with django_capture_on_commit_callbacks(execute=True):  # the nightly job: no request, no member's language
        assert due_erasures_perform(now=request.scheduled_for + timedelta(minutes=1)) == 1
    done = mail.outbox[-1]
    assert done.to == [address] and html_lang(done) == "de"
