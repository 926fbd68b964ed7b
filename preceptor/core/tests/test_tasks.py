from django.core import mail
from django.core.mail import EmailMultiAlternatives

from preceptor.core.mail import email_render, message_from_dict, message_to_dict
from preceptor.core.tasks import email_send


def test_an_email_survives_the_trip_through_the_task_queue():
    message = EmailMultiAlternatives("Subject", "Body", "from@example.org", ["to@example.org"], headers={"X-A": "1"})
    message.attach_alternative("<p>Body</p>", "text/html")
    copy = message_from_dict(message_to_dict(message))
    assert (copy.subject, copy.body, copy.to, copy.extra_headers) == (
        "Subject",
        "Body",
        ["to@example.org"],
        {"X-A": "1"},
    )
    assert copy.alternatives[0][0] == "<p>Body</p>"


def test_the_send_task_delivers_the_message():
    message = email_render(
        template_prefix="account/email/account_already_exists",
        context={"current_site": {"name": "Preceptor"}, "email": "b@example.org"},
        to="b@example.org",
    )
    email_send.apply(args=[message_to_dict(message)])
    assert [(m.subject, m.to) for m in mail.outbox] == [(message.subject, ["b@example.org"])]
