"""Which tables move which version of the kept member pages (core/pagecache.py, decision 0043).

Every table not named here is shared content: a write to it forgets every member's kept pages. That is the safe
default for a new model; name it here only when it is sure to be one of the two kinds below (a test checks that
every label resolves).
"""

from __future__ import annotations

from typing import Any

# A member's own rows: a write forgets only that member's pages. Only rows that no other member's page shows (an
# organisation's assignment or a class's registrations, which others see, are shared content).
OWN = {
    "accounts.User": "pk",
    "account.EmailAddress": "user",
    "mfa.Authenticator": "user",
    "socialaccount.SocialAccount": "user",
    "privacy.DataRequest": "user",
    "privacy.PolicyAcknowledgement": "user",
    "profiles.Profile": "user",
    "mail.EmailPreference": "user",
    "billing.Subscription": "user",
    "billing.DemoSubscription": "user",
    "billing.Order": "user",
    "catalog.Enrollment": "user",
    "catalog.LessonProgress": "user",
    "quizzes.Attempt": "user",
    "classes.TermsAcceptance": "user",
    "cme.EvaluationResponse": "user",
    "cme.LearnerIdentity": "user",
    "cme.Claim": "user",
    "cme.RequirementStatus": "user",
    "teams.Membership": "user",
    "teams.GroupMember": "user",
    "teams.AssignmentMember": "user",
    "teams.Departure": "user",
}


def _teacher_named(user: Any, fields: frozenset[str] | None) -> bool:
    """A teacher's name and photo are on course pages and cards: a sign-in's ``last_login`` is not."""
    return bool(user.is_teacher) and fields != frozenset({"last_login"})


def _teachers_profile(profile: Any, fields: frozenset[str] | None) -> bool:
    from preceptor.accounts.models import User

    return User.objects.filter(pk=profile.user_id, is_teacher=True).exists()


SHARED_WHEN = {"accounts.User": _teacher_named, "profiles.Profile": _teachers_profile}

# Rows that no kept page shows: logs, counters, mail and payment records, the support desk.
IGNORED = (
    "admin.LogEntry",
    "sessions.Session",
    "account.EmailConfirmation",
    "socialaccount.SocialToken",
    "core.DomainEvent",
    "core.AuditEvent",
    "core.OutboxTask",
    "privacy.ConsentRecord",  # the banner follows the consent cookie, which is part of the page's key
    "privacy.Disclosure",
    "privacy.ErasureLog",
    "privacy.RetentionRun",
    "mail.EmailEvent",
    "mail.CampaignCounter",
    "mail.NewsletterDelivery",
    "mail.SuppressedAddress",
    "analytics.RequestLog",
    "analytics.DailySalt",
    "analytics.PageviewEvent",
    "analytics.DailyStat",
    "billing.Customer",
    "billing.BillingDetails",
    "billing.InvoiceCounter",
    "billing.Receipt",
    "billing.ProviderEvent",
    "catalog.FileDownloadDay",
    "quizzes.Answer",  # shown only with its attempt, which is saved with it
    "cme.ParsRecord",
    "magazine.Comment",  # on articles' pages, which are not kept (the catalogue's search lists articles only)
    "magazine.CommentReport",
    "support.Ticket",
    "support.Message",
    "support.Attachment",
    "teams.AssignmentReminder",
)
