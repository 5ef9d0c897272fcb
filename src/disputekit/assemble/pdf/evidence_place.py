"""Put a drawn evidence page (or its notice) into a dossier page's slot with pikepdf.

The image data goes in as it was encoded, never decoded again: JPEG as ``/DCTDecode``, PNG as
its zlib stream with the PNG predictors (``/FlateDecode``, ``/Predictor 15``), which PDF
readers and PDF/A accept directly. The page gains one image XObject and one ``Do``: no
resource of the evidence.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pikepdf

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FRAME_GREY, FRAME_WIDTH = 0.6, 0.5  # the thin grey line round a drawn page: where it ends


def png_stream(pdf: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    """An image XObject from a non-interlaced PNG as we write them: 8-bit greyscale or RGB, or
    a 4- or 8-bit palette (an /Indexed colour space on the palette's greys or colours)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    pos, idat, header, palette = len(PNG_SIGNATURE), [], b"", b""
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header[:13])
    layouts = {(0, 8): 1, (2, 8): 3, (3, 8): 1, (3, 4): 1}  # (colour type, depth) -> colours
    if (colour, depth) not in layouts or interlace or (colour == 3 and not palette):
        raise ValueError("unsupported PNG layout")
    image = pikepdf.Stream(pdf, b"".join(idat))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, depth
    if colour == 3:
        entries = [palette[i:i + 3] for i in range(0, len(palette) - 2, 3)]
        grey = all(e[0] == e[1] == e[2] for e in entries)
        lookup = bytes(e[0] for e in entries) if grey else b"".join(entries)
        base = pikepdf.Name.DeviceGray if grey else pikepdf.Name.DeviceRGB
        image.ColorSpace = pikepdf.Array([pikepdf.Name.Indexed, base, len(entries) - 1,
                                          pikepdf.String(lookup)])
    else:
        image.ColorSpace = pikepdf.Name.DeviceGray if colour == 0 else pikepdf.Name.DeviceRGB
    image.Filter = pikepdf.Name.FlateDecode
    image.DecodeParms = pikepdf.Dictionary(Predictor=15, Colors=layouts[(colour, depth)],
                                           BitsPerComponent=depth, Columns=width)
    return image


def jpeg_stream(pdf: pikepdf.Pdf, data: bytes, width: int, height: int, gray: bool) -> pikepdf.Stream:
    image = pikepdf.Stream(pdf, data)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace = pikepdf.Name.DeviceGray if gray else pikepdf.Name.DeviceRGB
    image.Filter = pikepdf.Name.DCTDecode
    return image


def fit_top(size: tuple[int, int], box: pikepdf.Rectangle) -> tuple[float, float, float, float]:
    """``(x, y, w, h)``: ``size`` scaled to fit ``box``, centred across, at its top."""
    scale = min(box.width / size[0], box.height / size[1])
    w, h = size[0] * scale, size[1] * scale
    return box.llx + (box.width - w) / 2, box.ury - h, w, h


def place(pdf: pikepdf.Pdf, page_no: int, box: pikepdf.Rectangle, path: Path,
          size: tuple[int, int], gray: bool, name: str, *, framed: bool = True,
          ) -> tuple[float, float, float, float]:
    """Draw the image file at ``path`` (PNG or JPEG) fitted into ``box`` on page ``page_no``;
    return where it went, ``(x, y, w, h)`` in points."""
    data = path.read_bytes()
    image = (jpeg_stream(pdf, data, size[0], size[1], gray) if path.suffix == ".jpg"
             else png_stream(pdf, data))
    page = pdf.pages[page_no - 1]
    key = page.add_resource(image, pikepdf.Name.XObject, pikepdf.Name("/" + name))
    x, y, w, h = fit_top(size, box)
    frame = (f"q {FRAME_GREY} G {FRAME_WIDTH} w {x:.4f} {y:.4f} {w:.4f} {h:.4f} re S Q\n"
             if framed else "")
    draw = f"Q q {w:.4f} 0 0 {h:.4f} {x:.4f} {y:.4f} cm {key} Do Q\n{frame}"
    # the page's own content inside q … Q, so whatever state it leaves cannot shift the image
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, draw.encode("ascii")), prepend=False)
    return x, y, w, h
