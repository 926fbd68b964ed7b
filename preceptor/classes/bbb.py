"""BigBlueButton API calls (create, join, end), each signed with the shared secret:
``checksum = sha1(call + query + secret)`` (https://docs.bigbluebutton.org/development/api/)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx
from django.conf import settings


class BBBError(Exception):
    pass


def checksum(call: str, query: str, secret: str) -> str:
    return hashlib.sha1(f"{call}{query}{secret}".encode()).hexdigest()  # noqa: S324 - the BBB protocol


def configured() -> bool:
    return bool(settings.BBB_URL and settings.BBB_SECRET)


def signed_url(call: str, params: dict[str, str]) -> str:
    query = urlencode(params)
    base = settings.BBB_URL.rstrip("/")
    return f"{base}/api/{call}?{query}&checksum={checksum(call, query, settings.BBB_SECRET)}"


def _call(call: str, params: dict[str, str]) -> ElementTree.Element:
    try:
        response = httpx.get(signed_url(call, params), timeout=10)
        response.raise_for_status()
        root = ElementTree.fromstring(response.text)  # noqa: S314 - the configured BBB server's reply
    except (httpx.HTTPError, ElementTree.ParseError) as error:
        raise BBBError(f"BigBlueButton {call} failed: {error}") from error
    if root.findtext("returncode") != "SUCCESS":
        raise BBBError(f"BigBlueButton {call}: {root.findtext('messageKey')} {root.findtext('message')}")
    return root


def create(*, meeting_id: str, name: str, logout_url: str, duration_minutes: int) -> None:
    """Create the meeting (idempotent on BBB's side for the same meetingID)."""
    _call(
        "create",
        {
            "name": name,
            "meetingID": meeting_id,
            "record": "true",
            "logoutURL": logout_url,
            "duration": str(duration_minutes + 30),
        },
    )


def join_url(*, meeting_id: str, full_name: str, user_id: str, moderator: bool, logout_url: str) -> str:
    """The address the member's browser opens: it carries their name and our id, never their e-mail."""
    return signed_url(
        "join",
        {
            "fullName": full_name,
            "meetingID": meeting_id,
            "role": "MODERATOR" if moderator else "VIEWER",
            "userID": user_id,
            "redirect": "true",
            "logoutURL": logout_url,
        },
    )


def end(*, meeting_id: str) -> None:
    _call("end", {"meetingID": meeting_id})
