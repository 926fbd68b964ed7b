"""allauth's own messages from its Python code (form errors, adapter messages), listed so that our catalogue
translates them. allauth's German catalogue speaks to the member with the informal "du"; Preceptor addresses
clinicians formally ("Sie"). Our catalogue comes first (``LOCALE_PATHS``), so these entries win. Templates need no
list: every allauth page and e-mail the service shows is our own template."""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("You cannot remove your primary email address."),
    gettext_noop("Please type your current password."),
    gettext_noop("You cannot add more than %d email addresses."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("You must type the same email each time."),
    gettext_noop(
        "An account already exists with this email address. Please sign in to that account first, then connect "
        "your %s account."
    ),
    gettext_noop("Your account has no password set up."),
    gettext_noop("Your account has no verified email address."),
    # allauth.socialaccount (the connected-accounts page, socialaccount/connections.html)
    gettext_noop("You cannot disconnect your last remaining third-party account."),
    gettext_noop("The third-party account is already connected to a different account."),
    gettext_noop("Invalid token."),
)
