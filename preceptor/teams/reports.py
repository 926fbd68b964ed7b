"""The manager's report, as CSV and as PDF: one line per seat holder, each value only when the member shares it
(the dashboard's rows, ``selectors.dashboard_rows``, never read what is not shared)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from preceptor.teams.models import Organisation
from preceptor.teams.selectors import MemberRow


def report_header() -> list[str]:
    return [
        _("Name"),
        _("E-mail"),
        _("Courses started"),
        _("Courses completed"),
        _("Last activity"),
        _("Overdue assignments"),
        _("Quizzes passed"),
        _("CME credits"),
        _("Credit claims"),
    ]


def report_cells(row: MemberRow) -> list[Any]:
    """The report's values for one member, "not shared" where they do not share."""
    hidden = _("not shared")
    progress = "progress" in row.shared
    last = row.last_activity.date().isoformat() if row.last_activity else ""
    return [
        row.name,
        row.email,
        *((row.started, row.completed, last, row.overdue) if progress else (hidden,) * 4),
        row.quizzes_passed if "scores" in row.shared else hidden,
        *((row.credits, row.claims) if "credits" in row.shared else (hidden, hidden)),
    ]


def report_pdf(*, organisation: Organisation, rows: list[MemberRow], printed: datetime) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{organisation.name} — {_('Members')}",
        author="Preceptor",
    )
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=8.5, leading=11, textColor=colors.HexColor("#14212b"))
    head = ParagraphStyle("head", parent=body, fontName="Helvetica-Bold")
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=18, leading=22)
    story: list[Flowable] = [
        Paragraph(escape(organisation.name), title),
        Spacer(0, 2 * mm),
        Paragraph(
            escape(
                _("Members' training, as far as each member shares it. Printed %(date)s.")
                % {"date": printed.date().isoformat()}
            ),
            body,
        ),
        Spacer(0, 5 * mm),
    ]
    data = [[Paragraph(escape(str(cell)), head) for cell in report_header()]]
    data += [[Paragraph(escape(str(cell)), body) for cell in report_cells(row)] for row in rows]
    widths = [40 * mm, 52 * mm, 20 * mm, 22 * mm, 22 * mm, 22 * mm, 20 * mm, 20 * mm, 20 * mm]
    table = Table(data, repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#0f5c6e")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#dde3ea")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
