from datetime import date

import pytest

from preceptor.accounts.models import age_on


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2013, 6, 16), date(2026, 6, 15), 12),
        (date(2013, 6, 15), date(2026, 6, 15), 13),
        (date(2012, 2, 29), date(2025, 2, 28), 12),
        (date(2012, 2, 29), date(2025, 3, 1), 13),
        (date(1980, 1, 1), date(2026, 12, 31), 46),
    ],
)
def test_age_counts_completed_years(born, today, age):
    assert age_on(born, today) == age
