import pytest

from preceptor.core.models import AuditEvent
from preceptor.core.services import audit_event_record


@pytest.mark.django_db
def test_an_audit_event_names_actor_subject_and_target(learner, staff):
    event = audit_event_record(action="role.teacher_granted", actor=staff, subject=learner, target=learner)
    assert (event.actor, event.subject, event.target) == (staff, learner, f"accounts.User:{learner.pk}")


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted(learner):
    event = audit_event_record(action="account.updated", actor=learner, subject=learner)
    event.action = "something.else"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "account.updated"


@pytest.mark.django_db
def test_an_anonymous_actor_is_recorded_as_nobody(learner):
    from django.contrib.auth.models import AnonymousUser

    event = audit_event_record(action="x.y", actor=AnonymousUser(), subject=learner)
    assert event.actor is None
