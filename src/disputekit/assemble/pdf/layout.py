"""Page furniture for the dossier: header/footer on every page, anchors, outline entries.

Page "X / Y" needs the total, so :class:`NumberedCanvas` keeps each page's state and draws
the furniture when the document is saved (the usual reportlab two-phase pattern).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

PAGE_W, PAGE_H = A4
MARGIN = 16 * mm
HEADER_H = 10 * mm
FOOTER_H = 10 * mm

Furniture = Callable[[Canvas, int, int, list[str]], None]


class NumberedCanvas(Canvas):
    """A canvas that draws header/footer with the page total, once every page is known."""

    furniture: Furniture | None = None  # set per document by the builder (class attribute copy)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._dk_pages: list[dict[str, Any]] = []
        self._dk_labels: list[str] = []
        self._dk_last_label = ""

    def note_label(self, label: str) -> None:
        if label and label not in self._dk_labels:
            self._dk_labels.append(label)
        self._dk_last_label = label

    def showPage(self) -> None:
        labels = self._dk_labels or ([self._dk_last_label] if self._dk_last_label else [])
        state = dict(self.__dict__)
        state["_dk_page_labels"] = list(labels)
        self._dk_pages.append(state)
        self._dk_labels = []
        self._startPage()

    def save(self) -> None:
        total = len(self._dk_pages)
        for number, state in enumerate(self._dk_pages, start=1):
            labels = state.pop("_dk_page_labels")
            self.__dict__.update(state)
            if self.furniture is not None:
                self.furniture(self, number, total, labels)
            Canvas.showPage(self)
        Canvas.save(self)


class Anchor(Flowable):
    """Zero-size flowable: a named destination, an outline entry and the page label."""

    def __init__(self, key: str, title: str | None = None, level: int = 0, label: str = "") -> None:
        super().__init__()
        self.key, self.title, self.level, self.label = key, title, level, label
        self.width = self.height = 0

    def wrap(self, *_: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        canvas.bookmarkPage(self.key)
        if self.title:
            canvas.addOutlineEntry(self.title, self.key, level=self.level, closed=False)
        if isinstance(canvas, NumberedCanvas):
            canvas.note_label(self.label)


class PageLabel(Flowable):
    """Zero-size flowable that only sets the label printed on the page (e.g. "E3")."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.width = self.height = 0

    def wrap(self, *_: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if isinstance(self.canv, NumberedCanvas):
            self.canv.note_label(self.label)
