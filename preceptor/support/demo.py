"""Help articles and canned replies for the demo (``seed_demo``; idempotent): the questions members ask most."""

from __future__ import annotations

from django.db import transaction

from preceptor.support.models import CannedReply, HelpArticle

ARTICLES = [
    {
        "slug": "reset-password",
        "title": "I forgot my password",
        "keywords": "password login sign in reset locked out forgot",
        "body": (
            "Open **Sign in** and choose *Forgot your password?*. Enter the e-mail address of your account: we send "
            "a link that is valid for three days.\n\n"
            "No e-mail after ten minutes? Look in your spam folder, and check that you typed the address you signed "
            "up with. If you sign in with Google or Facebook, use that button instead: your account has no password."
        ),
    },
    {
        "slug": "cme-certificate",
        "title": "Where is my CME certificate?",
        "keywords": "cme credit certificate ama pra claim transcript points missing",
        "body": (
            "A certificate is issued once you have passed the post-test, completed the evaluation and claimed your "
            "credit on the course's CME page. All your certificates are listed on **My CME** (`/cme/`), where you "
            "can also download a transcript.\n\n"
            "Claimed the wrong number of hours? You may amend a claim within 30 days."
        ),
    },
    {
        "slug": "cancel-membership",
        "title": "How do I cancel or change my membership?",
        "keywords": "cancel subscription billing refund invoice payment pro plan renew",
        "body": (
            "Open **Billing** (`/billing/`) and choose *Cancel membership*. You keep Pro until the end of the period "
            "you paid for, and can resume any time before then.\n\n"
            "Receipts and invoices are on the same page. For a refund, write to us with the receipt number."
        ),
    },
    {
        "slug": "video-does-not-play",
        "title": "A video does not play",
        "keywords": "video player playback buffering sound captions browser technical error",
        "body": (
            "Reload the page, then try another browser (a current Firefox, Chrome, Safari or Edge). Browser "
            "extensions that block content can stop the player.\n\n"
            "Still stuck? Tell us the course, the lesson, your browser and what you see; a screenshot helps."
        ),
    },
    {
        "slug": "my-personal-data",
        "title": "A copy of my data, or deleting my account",
        "keywords": "privacy gdpr data export delete erase account personal data request",
        "body": (
            "Signed in, open **Settings → Your data** (`/settings/data/`): download a copy of everything we hold "
            "about you, or delete your account. Both are free.\n\n"
            "You can also send a privacy request through the contact form (topic *Privacy request*); we answer "
            "within one month."
        ),
    },
    # The same answers for members who read German.
    {
        "slug": "passwort-vergessen",
        "language": "de",
        "title": "Ich habe mein Passwort vergessen",
        "keywords": "passwort anmelden zurücksetzen gesperrt vergessen login",
        "body": (
            "Öffnen Sie **Anmelden** und wählen Sie *Passwort vergessen?*. Geben Sie die E-Mail-Adresse Ihres "
            "Kontos ein: Wir senden Ihnen einen Link, der drei Tage gültig ist.\n\n"
            "Nach zehn Minuten keine E-Mail? Sehen Sie im Spam-Ordner nach und prüfen Sie, ob Sie die Adresse "
            "eingegeben haben, mit der Sie sich registriert haben. Wenn Sie sich mit Google oder Facebook anmelden, "
            "nutzen Sie bitte diese Schaltfläche: Ihr Konto hat dann kein Passwort."
        ),
    },
    {
        "slug": "cme-zertifikat",
        "language": "de",
        "title": "Wo finde ich mein CME-Zertifikat?",
        "keywords": "cme punkte zertifikat fortbildung ama pra beantragen nachweis fehlt",
        "body": (
            "Ein Zertifikat wird ausgestellt, sobald Sie den Abschlusstest bestanden, die Evaluation ausgefüllt und "
            "Ihre Punkte auf der CME-Seite des Kurses beantragt haben. Alle Zertifikate finden Sie unter **Meine "
            "CME** (`/cme/`), wo Sie auch eine Übersicht herunterladen können.\n\n"
            "Die falsche Stundenzahl beantragt? Sie können einen Antrag innerhalb von 30 Tagen ändern."
        ),
    },
    {
        "slug": "mitgliedschaft-kuendigen",
        "language": "de",
        "title": "Wie kündige oder ändere ich meine Mitgliedschaft?",
        "keywords": "kündigen abo abonnement zahlung rechnung erstattung pro verlängern",
        "body": (
            "Öffnen Sie **Abrechnung** (`/billing/`) und wählen Sie *Mitgliedschaft kündigen*. Pro bleibt bis zum "
            "Ende des bezahlten Zeitraums aktiv, und Sie können die Kündigung bis dahin jederzeit zurücknehmen.\n\n"
            "Belege und Rechnungen finden Sie auf derselben Seite. Für eine Erstattung schreiben Sie uns bitte mit "
            "der Belegnummer."
        ),
    },
    {
        "slug": "video-spielt-nicht",
        "language": "de",
        "title": "Ein Video wird nicht abgespielt",
        "keywords": "video wiedergabe player ton untertitel browser technisch fehler",
        "body": (
            "Laden Sie die Seite neu und versuchen Sie einen anderen Browser (ein aktuelles Firefox, Chrome, Safari "
            "oder Edge). Browser-Erweiterungen, die Inhalte blockieren, können den Player anhalten.\n\n"
            "Es klappt weiterhin nicht? Nennen Sie uns Kurs, Lektion, Browser und was Sie sehen; ein Screenshot "
            "hilft."
        ),
    },
    {
        "slug": "meine-daten",
        "language": "de",
        "title": "Eine Kopie meiner Daten oder mein Konto löschen",
        "keywords": "datenschutz dsgvo daten auskunft export löschen konto persönliche anfrage",
        "body": (
            "Angemeldet öffnen Sie **Einstellungen → Ihre Daten** (`/settings/data/`): Laden Sie eine Kopie aller "
            "Daten herunter, die wir über Sie speichern, oder löschen Sie Ihr Konto. Beides ist kostenlos.\n\n"
            "Sie können eine Datenschutzanfrage auch über das Kontaktformular senden (Thema *Datenschutzanfrage*); "
            "wir antworten innerhalb eines Monats."
        ),
    },
]

CANNED = [
    {
        "title": "Password reset link",
        "body": (
            "You can set a new password at any time: open Sign in and choose “Forgot your password?”. The link we "
            "send is valid for three days. Please let us know if it does not arrive."
        ),
    },
    {
        "title": "Need more details",
        "body": (
            "Thank you for your message. So that we can look into this, could you tell us the course and lesson, "
            "your browser, and what you see on the screen? A screenshot helps."
        ),
    },
]


@transaction.atomic
def demo_help_create() -> list[HelpArticle]:
    created = []
    for position, spec in enumerate(ARTICLES):
        article, new = HelpArticle.objects.get_or_create(slug=spec["slug"], defaults={**spec, "position": position})
        if new:
            created.append(article)
    for spec in CANNED:
        CannedReply.objects.get_or_create(title=spec["title"], defaults={"body": spec["body"]})
    return created
