"""B0's allauth: its models load (accounts imports them when it starts), without its middleware check."""

from allauth.account.apps import AccountConfig


class AccountWithoutMiddlewareConfig(AccountConfig):
    def ready(self) -> None:
        """allauth's own ``ready`` refuses to start without ``AccountMiddleware``; B0 has no middleware at all and
        no view that signs anyone in."""
        from allauth.account import checks  # noqa: F401 - registers allauth's system checks, as its ready() does
