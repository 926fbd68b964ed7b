from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.utils.translation import gettext, gettext_noop

from preceptor.core.personal_data import (
    AFTER_ERASURE,
    AfterEvent,
    Audience,
    DataCategory,
    Export,
    LegalBasis,
    Period,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    after_erasure,
    row,
)
from preceptor.privacy.models import (
    ConsentRecord,
    DataRequest,
    Disclosure,
    ErasureLog,
    LegalRequest,
    PolicyAcknowledgement,
)

logger = logging.getLogger(__name__)

CONSENT_FIELDS = (
    "created_at",
    "action",
    "surface",
    "granted",
    "denied",
    "policy_version",
    "banner_version",
    "language",
    "signals",
    "user_agent",
    "expires_at",
)

PERSONAL_DATA = [
    PersonalData(
        model=ConsentRecord,
        name=gettext_noop("Consent records"),
        fields=CONSENT_FIELDS,
        purpose=gettext_noop("Proof of every cookie and tracking decision you made (GDPR art. 7(1))."),
        purposes=(Purpose.CONSENT_PROOF,),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        basis_note=gettext_noop("proof of consent, GDPR art. 7(1)"),
        categories=(DataCategory.CONSENT, DataCategory.TECHNICAL),
        sources=(Source.MEMBER, Source.OBSERVED),
        rules=(
            UntilErasure(note=gettext_noop("members' choices")),
            after_erasure(),
            AfterEvent(
                period=Period(amount=3, unit="years", setting="RETENTION_VISITOR_CONSENT_YEARS"),
                anchor="expires_at",
                when=(("user__isnull", True),),
                event=gettext_noop("the choice expires"),
                note=gettext_noop("visitors' choices"),
            ),
        ),
        erasure="keep",
    ),
    PersonalData(
        model=Disclosure,
        name=gettext_noop("Disclosures"),
        fields=(
            "recipient",
            "recipient_role",
            "data_categories",
            "purpose",
            "legal_basis",
            "transfer_country",
            "safeguard",
            "channel",
            "occurred_at",
        ),
        purpose=gettext_noop("The ledger of who received your personal data, shown to you at /settings/data/."),
        purposes=(Purpose.DATA_RIGHTS,),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        basis_note=gettext_noop("GDPR art. 15(1)(c), 19"),
        categories=(DataCategory.REQUESTS,),
        sources=(Source.OBSERVED,),
        rules=(
            AfterEvent(
                period=Period(amount=7, unit="years", setting="RETENTION_DISCLOSURES_YEARS"),
                anchor="occurred_at",
                event=gettext_noop("the disclosure"),
                note=gettext_noop("as long as the longest-kept records disclosed"),
            ),
        ),
        erasure="keep",
    ),
    PersonalData(
        model=DataRequest,
        name=gettext_noop("Data requests"),
        fields=("kind", "status", "received_at", "due_at", "completed_at"),
        purpose=gettext_noop("Answering your requests for a copy or deletion of your data."),
        purposes=(Purpose.DATA_RIGHTS,),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        basis_note=gettext_noop("GDPR art. 12, 15, 17"),
        categories=(DataCategory.REQUESTS,),
        sources=(Source.MEMBER,),
        rules=(
            AfterEvent(
                period=Period(amount=3, unit="years", setting="RETENTION_DATA_REQUESTS_YEARS"),
                anchor="completed_at",
                when=(("kind", "export"),),
                event=gettext_noop("the request is answered"),
                note=gettext_noop("requests for a copy"),
            ),
            AfterEvent(
                period=AFTER_ERASURE,
                anchor="completed_at",
                when=(("kind", "erasure"),),
                event=gettext_noop("the request is answered"),
                note=gettext_noop("erasure requests"),
            ),
            AfterEvent(
                period=Period(amount=3, unit="years", setting="RETENTION_DATA_REQUESTS_YEARS"),
                anchor="received_at",
                when=(("status", "cancelled"),),
                event=gettext_noop("the request was made"),
                note=gettext_noop("cancelled requests"),
            ),
        ),
        erasure="keep",
    ),
    PersonalData(
        model=PolicyAcknowledgement,
        name=gettext_noop("Policy acknowledgements"),
        fields=("policy", "acknowledged_at"),
        purpose=gettext_noop("Proof that you were told of a material change to the privacy policy."),
        purposes=(Purpose.CONSENT_PROOF,),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        basis_note=gettext_noop("GDPR art. 12, 13"),
        categories=(DataCategory.CONSENT,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(), after_erasure()),
        erasure="keep",
    ),
]


# Legal requests: the members concerned see the release in their disclosure ledger (from the secrecy review date).
PERSONAL_DATA.append(
    PersonalData(
        model=LegalRequest,
        name=gettext_noop("Requests from authorities"),
        fields=(
            "authority",
            "reference",
            "legal_basis",
            "scope",
            "members",
            "decision",
            "disclosed",
            "secret_until",
            "recorded_by",
            "reviewed_by",
        ),
        purpose=gettext_noop(
            "Answering requests from authorities for members' data, approved by two privacy officers."
        ),
        purposes=(Purpose.DATA_RIGHTS, Purpose.ACCOUNTABILITY),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        categories=(DataCategory.REQUESTS,),
        sources=(Source.STAFF,),
        rules=(
            AfterEvent(
                period=Period(6, "years"),
                anchor="reviewed_at",
                event=gettext_noop("the second officer's decision"),
                note=gettext_noop("as long as the ledger rows it wrote may be questioned"),
            ),
        ),
        erasure="keep",
        export=Export.SUMMARY,
        audiences=(Audience.STAFF,),
    )
)

# The erasure log, and its copy outside the database, the erasure journal (decision 0034): keyed hashes only.
ERASURE_LOG_RETENTION = AfterEvent(
    period=AFTER_ERASURE,
    anchor="performed_at",
    event=gettext_noop("the erasure"),
    note=gettext_noop("the erasure journal's copy outside the database goes at the same time"),
)
PERSONAL_DATA.append(
    PersonalData(
        model=ErasureLog,
        name=gettext_noop("Erasure log"),
        fields=("user_id_erased", "email_hash", "performed_at"),
        purpose=gettext_noop(
            "Proof that an erased account was erased, and erasing it again should a restored backup bring it back: "
            "the account's number and a keyed hash of its address, which cannot be turned back into it; a copy with "
            "keyed hashes only is kept outside the database for the restore."
        ),
        purposes=(Purpose.DATA_RIGHTS,),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        basis_note=gettext_noop("GDPR art. 5(2), 17"),
        categories=(DataCategory.REQUESTS,),
        sources=(Source.OBSERVED,),
        rules=(ERASURE_LOG_RETENTION,),
        erasure="keep",
        export=Export.NOT_LINKED,
    )
)


def purge(now: datetime) -> dict[str, int]:
    """The erasure journal follows the erasure log's retention (the engine deletes the log's rows): entries past it
    go, and an erasure whose entry is missing (the journal could not be written when it committed) is added."""
    from preceptor.accounts.models import User
    from preceptor.privacy import journal

    cutoff = now - ERASURE_LOG_RETENTION.period.delta()
    try:
        entries, _unreadable = journal.journal_read()
        journalled = {entry.account for entry in entries}
        missing = []
        logs = {log.user_id_erased: log for log in ErasureLog.objects.filter(keyed=True, performed_at__gte=cutoff)}
        for user in User.objects.filter(pk__in=logs).order_by("pk"):
            if not journalled.intersection(journal.account_hashes(user)):
                log = logs[user.pk]
                missing.append(
                    journal.Entry(at=log.performed_at, account=journal.account_hash(user), address=log.email_hash)
                )
        journal.journal_append(missing)
        pruned = journal.journal_prune(before=cutoff)
    except OSError:
        logger.exception("The erasure journal %s could not be kept up to date", journal.journal_path())
        return {}
    return {"privacy.erasure_journal_added": len(missing), "privacy.erasure_journal_removed": pruned}


def export_user(user: Any) -> dict[str, Any]:
    return {
        "consent_records": [row(r, CONSENT_FIELDS) for r in ConsentRecord.objects.filter(user=user)],
        # Disclosures the law forbids telling the member about are left out.
        "disclosures": [
            row(d, PERSONAL_DATA[1].fields) for d in Disclosure.objects.visible_to_member().filter(user=user)
        ],
        "policy_acknowledgements": [
            {"policy": a.policy.version, "acknowledged_at": a.acknowledged_at.isoformat()}
            for a in PolicyAcknowledgement.objects.filter(user=user).select_related("policy")
        ],
        "data_requests": [row(r, PERSONAL_DATA[2].fields) for r in DataRequest.objects.filter(user=user)],
    }


def erase_user(user: Any) -> list[str]:
    kept = []
    if count := ConsentRecord.objects.filter(user=user).count():
        kept.append(
            gettext("Consent records (%(count)d): kept 3 years as proof of your choices, linked to the erased account.")
            % {"count": count}
        )
    if count := Disclosure.objects.filter(user=user).count():
        kept.append(
            gettext("Disclosure ledger (%(count)d): kept so recipients can be told of the erasure (GDPR art. 19).")
            % {"count": count}
        )
    return kept
