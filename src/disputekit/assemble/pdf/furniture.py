"""Header and footer of every dossier page: case id, exhibit label, page X of Y, DRAFT."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from disputekit.assemble.pdf.fonts import FontSet
from disputekit.assemble.pdf.labels import t
from disputekit.assemble.pdf.layout import MARGIN, PAGE_H, PAGE_W


def make_furniture(
    fonts: FontSet, *, case_id: str, dossier_id: str, lang: str, draft: bool
) -> Callable[[Canvas, int, int, list[str]], None]:
    def furniture(canvas: Canvas, number: int, total: int, labels: list[str]) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#555555"))
        top = PAGE_H - MARGIN + 4
        fonts.draw_string(canvas, MARGIN, top, f"{case_id} · {t('dossier_id', lang)} {dossier_id}", 8)
        label = " ".join(labels)
        if label:
            width = fonts.string_width(label, 10)
            canvas.setFillColor(colors.HexColor("#b00020"))
            fonts.draw_string(canvas, PAGE_W - MARGIN - width, top, label, 10)
        canvas.setStrokeColor(colors.HexColor("#c8c8c8"))
        canvas.line(MARGIN, top - 4, PAGE_W - MARGIN, top - 4)
        canvas.setFillColor(colors.HexColor("#555555"))
        footer = t("page_of", lang, x=number, y=total)
        fonts.draw_string(canvas, (PAGE_W - fonts.string_width(footer, 8)) / 2, MARGIN - 14, footer, 8)
        if draft:
            banner = t("draft_banner", lang)
            canvas.setFillColor(colors.HexColor("#b00020"))
            fonts.draw_string(canvas, MARGIN, MARGIN - 14, banner, 8)
        canvas.restoreState()

    return furniture


def furniture_texts(case_id: str, dossier_id: str, lang: str, pages_hint: int = 999) -> list[str]:
    """Strings the furniture may draw, for font subsetting."""
    return [
        f"{case_id} · {t('dossier_id', lang)} {dossier_id}",
        t("page_of", lang, x=pages_hint, y=pages_hint), t("draft_banner", lang),
        "0123456789E ",
    ]
