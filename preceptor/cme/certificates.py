"""Certificate and transcript PDFs (ReportLab). A certificate is drawn from its claim alone, so rendering it
again gives the same certificate with the same id (requirement 17; numbers as in docs/requirements.md)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from preceptor.cme.credits import (
    ECMEC_CONVERSION_NOTE,
    ama_credit_html,
    designation_statement,
    eaccme_statement,
    format_credits,
    joint_providership_statement,
)
from preceptor.cme.models import Activity, Claim, CreditType
from preceptor.core.http import absolute_url

INK = colors.HexColor("#14232b")
ACCENT = colors.HexColor("#0f5c6e")
MUTED = colors.HexColor("#5b6473")
PAGE = landscape(A4)

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14, alignment=TA_CENTER, textColor=INK)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7.8, leading=10, textColor=MUTED)
_CREDIT = ParagraphStyle("credit", parent=_BODY, fontName="Helvetica-Bold", fontSize=14, leading=19)


class CertificateError(ValueError):
    """A certificate would lack a field the accreditors require (requirement 14)."""


def verification_url(claim: Claim) -> str:
    return absolute_url(reverse("cme:verify", args=[claim.certificate_id]))


def certificate_fields(claim: Claim) -> dict[str, str]:
    """The facts a certificate states; raises CertificateError when a required one is missing."""
    activity: Activity = claim.activity
    live = activity.format == Activity.Format.LIVE
    if live:
        days = [d for d in (activity.live_starts_on, activity.live_ends_on) if d]
        date_text = " – ".join(f"{d:%d %B %Y}" for d in dict.fromkeys(days))
    else:
        date_text = f"{timezone.localtime(claim.completed_at):%d %B %Y}" if claim.completed_at else ""
    fields = {
        "name": claim.learner_name.strip(),
        "provider": activity.accredited_provider.name if activity.accredited_provider_id else "",
        "title": activity.title,
        "format": activity.learning_format,
        "date": date_text,
        "credits": format_credits(claim.claimed_credits) if claim.claimed_credits else "",
    }
    if live:
        fields["location"] = activity.location.strip()
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise CertificateError(f"certificate {claim.certificate_id} lacks: {', '.join(missing)}")
    return fields


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """A QR code of ``url``: encoded once with a fixed mask (any mask is valid; searching for the best of the
    eight costs ten times more), drawn as one path of horizontal runs."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    count = code.getModuleCount()
    quiet = 2
    unit = size / (count + 2 * quiet)
    path = canvas.beginPath()
    for row in range(count):
        col = 0
        while col < count:
            if code.isDark(row, col):
                start = col
                while col < count and code.isDark(row, col):
                    col += 1
                path.rect(x + (quiet + start) * unit, y + (count - 1 - row + quiet) * unit, (col - start) * unit, unit)
            else:
                col += 1
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _paragraph(canvas: Canvas, html: str, style: ParagraphStyle, y: float, width: float) -> float:
    """Draw a centred paragraph whose top is at ``y``; returns the y below it."""
    p = Paragraph(html, style)
    _w, h = p.wrapOn(canvas, width, 200 * mm)
    p.drawOn(canvas, (PAGE[0] - width) / 2, y - h)
    return y - h


def _heading(claim: Claim) -> tuple[str, str]:
    if claim.credit_type == CreditType.AMA:
        return "Certificate of Completion", "AMA PRA Category 1 Credit™"
    if claim.credit_type == CreditType.ECMEC:
        return "Certificate of Attendance", "European CME credits (ECMEC®s)"
    return "Certificate of Participation", ""


def draw_certificate(canvas: Canvas, claim: Claim) -> None:
    fields = certificate_fields(claim)
    activity = claim.activity
    width, height = PAGE
    canvas.setTitle(f"{_heading(claim)[0]} — {fields['title']}")
    canvas.setAuthor(fields["provider"])
    if claim.is_revoked:  # drawn first, under the text, in a pale red
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#f3c4bf"))
        canvas.setFont("Helvetica-Bold", 96)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(20)
        canvas.drawCentredString(0, -20 * mm, "REVOKED")
        canvas.restoreState()
    # Frame
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.6)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    # Header
    canvas.setFillColor(ACCENT)
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(24 * mm, height - 27 * mm, "PRECEPTOR")
    canvas.setFillColor(MUTED)
    canvas.setFont("Helvetica", 9)
    canvas.drawRightString(width - 24 * mm, height - 27 * mm, f"Accredited provider: {fields['provider']}")
    heading = _heading(claim)[0]
    canvas.setFillColor(INK)
    canvas.setFont("Times-Bold", 30)
    canvas.drawCentredString(width / 2, height - 46 * mm, heading)
    canvas.setFont("Helvetica", 11)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(width / 2, height - 57 * mm, "This certifies that")
    canvas.setFillColor(INK)
    canvas.setFont("Times-BoldItalic", 26)
    canvas.drawCentredString(width / 2, height - 70 * mm, fields["name"])
    canvas.setStrokeColor(colors.HexColor("#c9d3df"))
    canvas.line(width / 2 - 80 * mm, height - 73 * mm, width / 2 + 80 * mm, height - 73 * mm)
    done = "participated in" if claim.credit_type == CreditType.PARTICIPATION else "has completed"
    verb = "the live activity" if activity.format == Activity.Format.LIVE else "the enduring material"
    y = _paragraph(
        canvas,
        f"{'has ' if done == 'participated in' else ''}{done} {verb}",
        _BODY,
        height - 78 * mm,
        200 * mm,
    )
    y = _paragraph(
        canvas,
        f"<b>{_escape(fields['title'])}</b>",
        ParagraphStyle("t", parent=_BODY, fontSize=15, leading=19),
        y - 2 * mm,
        220 * mm,
    )
    facts = [
        f"Learning format: {fields['format']}",
        f"{'Date' if 'location' in fields else 'Completed'}: {fields['date']}",
    ]
    if "location" in fields:
        facts.insert(1, f"Location: {_escape(fields['location'])}")
    y = _paragraph(canvas, " &nbsp;·&nbsp; ".join(facts), _BODY, y - 3 * mm, 230 * mm)
    amount = claim.claimed_credits
    if claim.credit_type == CreditType.AMA:
        credit_html = f"and is awarded {format_credits(amount)} {ama_credit_html(amount)}"
    elif claim.credit_type == CreditType.ECMEC:
        plural = "" if amount == 1 else "s"
        credit_html = f"and is awarded {format_credits(amount)} European CME credit{plural} (ECMEC®{plural})"
    else:
        credit_html = f"for {format_credits(amount)} hour{'' if amount == 1 else 's'} of participation"
    y = _paragraph(canvas, credit_html, _CREDIT, y - 4 * mm, 230 * mm)
    statements = []
    if activity.providership == Activity.Providership.JOINT:
        statements.append(
            joint_providership_statement(accredited=fields["provider"], non_accredited=activity.non_accredited_provider)
        )
    if claim.credit_type == CreditType.AMA and activity.ama_max_credits:
        statements.append(
            str(
                designation_statement(
                    provider=fields["provider"],
                    learning_format=activity.learning_format,
                    maximum=activity.ama_max_credits,
                )
            )
        )
    if claim.credit_type == CreditType.ECMEC and activity.eaccme_credits:
        statements.append(_escape(eaccme_statement(title=activity.title, maximum=activity.eaccme_credits)))
        statements.append(_escape(ECMEC_CONVERSION_NOTE))
    y -= 5 * mm
    for statement in statements:
        y = _paragraph(canvas, statement, _SMALL, y, 215 * mm) - 2 * mm
    # Footer: signature, identifiers, QR
    canvas.setStrokeColor(INK)
    canvas.line(24 * mm, 34 * mm, 94 * mm, 34 * mm)
    canvas.setFont("Helvetica", 8.5)
    canvas.setFillColor(INK)
    canvas.drawString(24 * mm, 29 * mm, f"For {fields['provider']}")
    canvas.setFillColor(MUTED)
    canvas.drawString(
        24 * mm, 25 * mm, f"Issued {timezone.localtime(claim.created_at):%d %B %Y}" if claim.created_at else ""
    )
    ids = [f"Certificate {claim.certificate_id}"]
    if activity.accme_activity_id:
        ids.append(f"ACCME activity {activity.accme_activity_id}")
    if claim.credit_type == CreditType.ECMEC and activity.eaccme_event_code:
        ids.append(f"EACCME® event {activity.eaccme_event_code}")
    canvas.setFont("Helvetica", 7.5)
    canvas.drawCentredString(width / 2, 29 * mm, " · ".join(ids))
    url = verification_url(claim)
    canvas.drawCentredString(width / 2, 25 * mm, f"Verify: {url}")
    _draw_qr(canvas, url, width - 50 * mm, 20 * mm, 26 * mm)
    if claim.is_revoked:
        canvas.setFillColor(colors.HexColor("#b42318"))
        canvas.setFont("Helvetica-Bold", 9)
        revoked = f"REVOKED on {timezone.localtime(claim.revoked_at):%d %B %Y}: {claim.revoke_reason}"
        canvas.drawCentredString(width / 2, 36 * mm, revoked[:140])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def certificate_pdf(claim: Claim) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1, invariant=1)
    draw_certificate(canvas, claim)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def transcript_pdf(*, name: str, rows: Iterable[dict], totals: list[tuple[str, str, Decimal]], period: str) -> bytes:
    """The member's CME transcript (requirement 35)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"CME transcript — {name}",
        author="Preceptor",
    )
    left = ParagraphStyle("left", parent=_BODY, alignment=0, fontSize=8.5, leading=11)
    story: list[Flowable] = [
        Paragraph("CME transcript", ParagraphStyle("h", parent=left, fontName="Times-Bold", fontSize=22, leading=26)),
        Spacer(0, 3 * mm),
        Paragraph(f"<b>{_escape(name)}</b> · {period} · printed {timezone.localdate():%d %B %Y}", left),
        Spacer(0, 5 * mm),
    ]
    # Every cell is a Paragraph, so that a long title, format or provider wraps inside its own column instead of
    # running into the next one; the widths add up to the frame (A4 less the margins: 178 mm).
    head = ParagraphStyle("head", parent=left, fontName="Helvetica-Bold")
    number = ParagraphStyle("number", parent=left, alignment=TA_RIGHT)
    head_number = ParagraphStyle("head_number", parent=head, alignment=TA_RIGHT)
    columns = ["Completed", "Activity", "Format", "Credit type", "Credits", "Provider", "Certificate"]
    data: list[list[Flowable]] = [[Paragraph(c, head_number if c == "Credits" else head) for c in columns]]
    for r in rows:
        data.append(
            [
                Paragraph(_escape(r["completed"]), left),
                Paragraph(_escape(r["title"]), left),
                Paragraph(_escape(str(r["format"])), left),
                Paragraph(_escape(r["credit_label"]), left),
                Paragraph(_escape(str(r["credits"])), number),
                Paragraph(_escape(r["provider"]), left),
                Paragraph(f'<link href="{_escape(r["url"])}">{str(r["certificate"])[:8]}</link>', left),
            ]
        )
    widths = [21 * mm, 46 * mm, 23 * mm, 28 * mm, 15 * mm, 26 * mm, 19 * mm]
    table = Table(data, repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#dde3ea")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(0, 6 * mm))
    for year, label, amount in totals:
        story.append(Paragraph(f"<b>{year}</b> · {_escape(label)}: <b>{format_credits(amount)}</b>", left))
    story.append(Spacer(0, 6 * mm))
    story.append(
        Paragraph("Each certificate can be verified at the address printed on it. Records are kept 6 years.", left)
    )
    doc.build(story)
    return buffer.getvalue()
