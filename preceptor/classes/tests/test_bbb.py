"""The BigBlueButton client: checksums match the documented vectors, and the test double refuses a wrong one."""

from __future__ import annotations

import httpx

from preceptor.classes import bbb
from preceptor.classes.tests.conftest import BBB_SECRET

JOIN_VECTOR = "3ab5cbcd578fbd48cf4bc63edb4c5d2606ec5604"
END_VECTOR = "7a03331b86c67449d0cf3fa87eaec26671ed326e"


def test_bbb_checksum_matches_the_documented_vector():
    # From the BigBlueButton API documentation ("API Security Model").
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    assert bbb.checksum("create", query, BBB_SECRET) == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"


def test_bbb_checksum_vectors_for_join_and_end():
    # sha1(call + query + secret), computed independently with coreutils:
    # printf 'joinfullName=Jo&meetingID=m1s3cret' | sha1sum
    assert bbb.checksum("join", "fullName=Jo&meetingID=m1", "s3cret") == JOIN_VECTOR
    assert bbb.checksum("end", "meetingID=m1", "s3cret") == END_VECTOR


def test_the_fake_server_refuses_a_wrong_checksum(fake_bbb):
    good = bbb.signed_url("create", {"meetingID": "x", "name": "X"})
    assert "SUCCESS" in httpx.get(good).text
    assert "checksumError" in httpx.get(good[:-1] + ("0" if good[-1] != "0" else "1")).text
