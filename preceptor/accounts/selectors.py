from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.utils import timezone

from preceptor.accounts.models import User

Status = Literal["pro", "trial", "trial_ended"]


@dataclass(frozen=True)
class Membership:
    status: Status
    ends_at: datetime | None
    now: datetime

    @property
    def is_pro(self) -> bool:
        return self.status == "pro"

    @property
    def days_left(self) -> int:
        """Whole days left, counting a started day as a day (ends in 30 hours → 2 days)."""
        if self.ends_at is None or self.ends_at <= self.now:
            return 0
        seconds = (self.ends_at - self.now).total_seconds()
        return int(-(-seconds // 86400))


def membership_for(user: User, *, now: datetime | None = None) -> Membership:
    """The one place that says what a member may use. Billing adds paid subscriptions here."""
    now = now or timezone.now()
    if user.complimentary_pro_until and now < user.complimentary_pro_until:
        return Membership(status="pro", ends_at=user.complimentary_pro_until, now=now)
    if user.is_on_trial(now):
        return Membership(status="trial", ends_at=user.trial_ends_at, now=now)
    return Membership(status="trial_ended", ends_at=user.trial_ends_at, now=now)
