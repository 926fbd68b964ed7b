"""Invoice PDFs (ReportLab), in the style of the CME certificates: drawn from the receipt alone — its number,
and the seller and buyer as they were when it was issued — so the same invoice comes out every time."""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from preceptor.billing.models import Receipt
from preceptor.core.money import money

INK = colors.HexColor("#14232b")
ACCENT = colors.HexColor("#0f5c6e")
MUTED = colors.HexColor("#5b6473")
RULE = colors.HexColor("#c9d3df")

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13.5, textColor=INK)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10.5, textColor=MUTED)
_RIGHT = ParagraphStyle("right", parent=_BODY, alignment=TA_RIGHT)
_BRAND = ParagraphStyle("brand", parent=_BODY, fontName="Helvetica-Bold", fontSize=11, textColor=ACCENT)
_TITLE = ParagraphStyle("title", parent=_BODY, fontName="Times-Bold", fontSize=24, leading=28, spaceAfter=2 * mm)

PROVIDERS = {"stripe": "Stripe", "paypal": "PayPal", "demo": "Demo checkout (no real payment)"}


class InvoiceError(ValueError):
    """The receipt is not an invoice (it has no number: a payment of nothing)."""


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines() if line.strip())


def _date(value: datetime) -> str:
    return f"{timezone.localtime(value):%d %B %Y}"


def invoice_pdf(receipt: Receipt) -> bytes:
    if not receipt.invoice_number:
        raise InvoiceError(f"receipt {receipt.public_id} has no invoice number")
    seller, buyer = receipt.invoice_seller, receipt.invoice_buyer
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Invoice {receipt.invoice_number}",
        author=seller.get("name", ""),
    )
    width = A4[0] - 40 * mm
    seller_html = f"<b>{escape(seller.get('name', ''))}</b><br/>{_lines(seller.get('address', ''))}"
    if seller.get("vat_id"):
        seller_html += f"<br/>VAT id: {escape(seller['vat_id'])}"
    header = Table(
        [[Paragraph("PRECEPTOR", _BRAND), Paragraph(seller_html, _RIGHT)]], colWidths=[width * 0.4, width * 0.6]
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))

    buyer_lines = [buyer.get("organisation", ""), buyer.get("name", ""), buyer.get("address", "")]
    buyer_html = "<br/>".join(_lines(part) for part in buyer_lines if part)
    if buyer.get("vat_id"):
        buyer_html += f"<br/>VAT id: {escape(buyer['vat_id'])}"
    if buyer.get("email"):
        buyer_html += f"<br/>{escape(buyer['email'])}"
    facts = [
        ["Invoice number", receipt.invoice_number],
        ["Invoice date", _date(receipt.paid_at)],
        ["Paid on", _date(receipt.paid_at)],
        ["Paid with", PROVIDERS.get(receipt.provider, receipt.provider)],
        ["Payment reference", receipt.provider_id],
    ]
    addresses = Table(
        [
            [
                Paragraph(f"<font color='#5b6473' size='8'>BILLED TO</font><br/>{buyer_html}", _BODY),
                Table(facts, colWidths=[32 * mm, width * 0.55 - 32 * mm], style=_facts_style()),
            ]
        ],
        colWidths=[width * 0.45, width * 0.55],
    )
    addresses.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))

    description = escape(receipt.description)
    if receipt.period_start and receipt.period_end:
        description += (
            f"<br/><font size='8' color='#5b6473'>{_date(receipt.period_start)} – {_date(receipt.period_end)}</font>"
        )
    rows = [
        ["Description", "Amount"],
        [Paragraph(description, _BODY), receipt.display],
        ["Net amount", receipt.net_display],
        [f"VAT {receipt.vat_percent_display} %", receipt.vat_display],
        ["Total", receipt.display],
    ]
    items = Table(rows, colWidths=[width - 40 * mm, 40 * mm])
    items.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEABOVE", (0, 2), (-1, 2), 0.6, RULE),
                ("FONT", (0, 2), (-1, 3), "Helvetica", 9.5),
                ("FONT", (0, 4), (-1, 4), "Helvetica-Bold", 11),
                ("LINEABOVE", (0, 4), (-1, 4), 1.2, ACCENT),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    notes = [f"Paid in full. The total includes {receipt.vat_percent_display} % VAT."]
    if receipt.refunded_amount:
        notes.append(f"Refunded: {money(receipt.refunded_amount, receipt.currency)}.")
    if receipt.status == Receipt.Status.DISPUTED:
        notes.append("The payment is disputed at the payment provider.")
    story = [
        header,
        Spacer(1, 12 * mm),
        Paragraph("Invoice", _TITLE),
        addresses,
        Spacer(1, 10 * mm),
        items,
        Spacer(1, 8 * mm),
        *[Paragraph(escape(note), _BODY) for note in notes],
        Spacer(1, 10 * mm),
        Paragraph(
            "Card and account details are held by the payment provider only. This invoice was issued electronically "
            "and is valid without a signature.",
            _SMALL,
        ),
    ]
    document.build(story)
    return buffer.getvalue()


def _facts_style() -> TableStyle:
    return TableStyle(
        [
            ("FONT", (0, 0), (0, -1), "Helvetica", 8.5),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            ("FONT", (1, 0), (1, -1), "Helvetica", 9.5),
            ("TEXTCOLOR", (1, 0), (1, -1), INK),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
