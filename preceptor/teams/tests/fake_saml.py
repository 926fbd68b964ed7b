"""A local SAML 2.0 identity provider for the tests (no network, no server): it reads the AuthnRequest our login
view redirects to it, and answers with a Response whose Assertion it signs (RSA-SHA256, with a self-made
certificate) through the same xmlsec bindings the service provider verifies with — as a hospital's IdP would post
it back to our Assertion Consumer Service."""

from __future__ import annotations

import base64
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from cryptography.hazmat.primitives import serialization
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from preceptor.core.tests.certificates import self_signed

ENTITY_ID = "https://idp.hospital.example/saml"
SSO_URL = "https://idp.hospital.example/saml/sso"


def _key_and_certificate() -> tuple[str, str]:
    key, certificate = self_signed("idp.hospital.example")
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, certificate.decode()


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeSamlIdP:
    """``attributes`` are who signs in next (attribute name → value)."""

    def __init__(self) -> None:
        self.key, self.certificate = _key_and_certificate()
        self.other_key, _ = _key_and_certificate()  # a key the service provider does not trust
        self.attributes: dict[str, str] = {}

    @property
    def certificate_body(self) -> str:
        """The certificate as allauth's ``idp.x509cert`` takes it (base64, no PEM armour)."""
        return "".join(line for line in self.certificate.splitlines() if "CERTIFICATE" not in line)

    def app_settings(self) -> dict:
        return {
            "idp": {"entity_id": ENTITY_ID, "sso_url": SSO_URL, "x509cert": self.certificate_body},
            # The test client's host is "testserver": a single-label name python3-saml refuses unless told.
            "advanced": {
                "want_assertion_signed": True,
                "reject_idp_initiated_sso": True,
                "allow_single_label_domains": True,
            },
            "attribute_mapping": {
                "uid": "urn:oasis:names:tc:SAML:attribute:subject-id",
                "email": "urn:oid:0.9.2342.19200300.100.1.3",
                "email_verified": "http://schemas.auth0.com/email_verified",
                "first_name": "urn:oid:2.5.4.42",
                "last_name": "urn:oid:2.5.4.4",
            },
        }

    @staticmethod
    def read_request(location: str) -> tuple[str, str, str]:
        """The AuthnRequest's ID, its Assertion Consumer Service URL and the RelayState, from our redirect."""
        assert location.startswith(SSO_URL), location
        query = parse_qs(urlsplit(location).query)
        xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
        request = etree.fromstring(xml)
        return request.get("ID"), request.get("AssertionConsumerServiceURL"), query.get("RelayState", [""])[0]

    def response(self, *, request_id: str, acs_url: str, audience: str, signed_by: str = "") -> str:
        """The base64 SAMLResponse for ``request_id``, its Assertion signed (by ``signed_by``: default our key)."""
        now = datetime.now(UTC)
        assertion_id, response_id = f"_{uuid.uuid4().hex}", f"_{uuid.uuid4().hex}"
        attributes = "".join(
            f'<saml:Attribute Name={quoteattr(name)} NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
            f"<saml:AttributeValue>{escape(value)}</saml:AttributeValue></saml:Attribute>"
            for name, value in self.attributes.items()
        )
        email = escape(self.attributes.get("urn:oid:0.9.2342.19200300.100.1.3", "nobody@nowhere.example"))
        assertion = (
            f'<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{assertion_id}" Version="2.0" '
            f'IssueInstant="{_time(now)}">'
            f"<saml:Issuer>{ENTITY_ID}</saml:Issuer>"
            f'<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{email}'
            f'</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData InResponseTo="{request_id}" Recipient="{acs_url}" '
            f'NotOnOrAfter="{_time(now + timedelta(minutes=5))}"/></saml:SubjectConfirmation></saml:Subject>'
            f'<saml:Conditions NotBefore="{_time(now - timedelta(minutes=1))}" '
            f'NotOnOrAfter="{_time(now + timedelta(minutes=5))}"><saml:AudienceRestriction>'
            f"<saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_time(now)}" SessionIndex="{assertion_id}"><saml:AuthnContext>'
            f"<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            f"</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"
        )
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion,
            signed_by or self.key,
            self.certificate,
            sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
            digest_algorithm=OneLogin_Saml2_Constants.SHA256,
        )
        body = signed.decode() if isinstance(signed, bytes) else signed
        body = body.removeprefix('<?xml version="1.0"?>').strip()
        response = (
            f'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{response_id}" Version="2.0" '
            f'IssueInstant="{_time(now)}" Destination="{acs_url}" InResponseTo="{request_id}">'
            f"<saml:Issuer>{ENTITY_ID}</saml:Issuer>"
            f'<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f"{body}</samlp:Response>"
        )
        return base64.b64encode(response.encode()).decode()
