"""URL path converters, registered when the core app is ready (``CoreConfig.ready``)."""

from __future__ import annotations

# The largest id a BIGINT column holds (63 bits and a sign) on SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1


class IdConverter:
    """``<id:pk>``: a database id. Only digits, at most 19 of them and within the 63-bit range, so an id with
    thousands of digits is no match (404) and never reaches a query, where the database would refuse it."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond the 63-bit range of a database id")  # Django reads this as "no match"
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))
