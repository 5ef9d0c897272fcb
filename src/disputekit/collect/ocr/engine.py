"""The OCR seam: an ``OcrEngine`` protocol and the bundled, fully offline RapidOCR engine.

RapidOCR 3.x ships PP-OCRv6 small detection/recognition models inside its wheel. Left to its
defaults it resolves model files through a download table (and would fetch anything missing),
logs to the terminal and runs the detector on the whole image. Here every model path is given
explicitly (nothing is resolved or downloaded), its logger is silenced, and the detector input
is sized per image (``det_scale``). Importing this module is cheap: rapidocr, onnxruntime and
numpy load on the first ``RapidOcrEngine()``.

Tuning, measured on a 2-core machine (benchmarks/bench_ocr.py):

* detector input area capped at ``DET_MAX_PIXELS`` (the default ``limit_type: min`` left a
  1080×2160 page at 1000×2000), but never narrower than ``DET_MIN_SIDE`` so long scroll
  captures keep readable text; recognition crops come from the full-resolution image;
* ``intra_op_num_threads = 2`` (the machine's cores; more only adds contention);
* no angle classifier: screenshots are upright (EXIF orientation is applied first);
* recognition batches of ``REC_BATCH`` crops sorted by width, which cuts session calls.
"""

from __future__ import annotations

import logging
import math
import threading
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from disputekit.errors import DisputekitError
from disputekit.models.screen import OcrLine

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger(__name__)

THREADS = 2
DET_MAX_PIXELS = 900_000
"""Detector input area. 1080×2160 → 670×1340; text of a phone page stays ≥ 18 px high."""
DET_MIN_SIDE = 640
"""Shortest detector side, so a 1080×6000 scroll capture is not shrunk to unreadable."""
REC_BATCH = 8
TEXT_SCORE = 0.5
"""Lines recognised with less confidence are dropped by RapidOCR (its default)."""
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


class OcrFailed(DisputekitError):
    """The OCR engine could not load or could not read an image."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"文字识别（OCR）失败：{detail}。",
            f"Text recognition (OCR) failed: {detail}.",
            fix_zh="该文件仍可作为普通图片保存，但其中的文字未被读取。",
            fix_en="The file can still be kept as a plain image; its text was not read.",
        )
        self.detail = detail


@runtime_checkable
class OcrEngine(Protocol):
    """Anything that turns an upright RGB image into text lines."""

    name: str
    """Engine, versions and settings: part of the cache key of every result."""

    def read(self, image: Image.Image) -> list[OcrLine]: ...


def det_scale(width: int, height: int) -> float:
    """Factor applied to the image for text detection (≤ 1; recognition uses full pixels)."""
    if width <= 0 or height <= 0:
        return 1.0
    by_area = math.sqrt(DET_MAX_PIXELS / (width * height))
    floor = DET_MIN_SIDE / min(width, height)
    return min(1.0, max(by_area, floor))


def model_dir() -> Path:
    """The models folder inside the installed rapidocr package (not imported for this)."""
    for file in metadata.files("rapidocr") or ():
        if file.name == MODEL_FILES["Det"]:
            return Path(str(file.locate())).parent
    raise OcrFailed("rapidocr 的模型文件缺失 / rapidocr's bundled model files are missing")


class RapidOcrEngine:
    """RapidOCR on onnxruntime with the models bundled in its wheel; never touches the network."""

    def __init__(self, *, threads: int = THREADS) -> None:
        try:
            self._ocr = _load_rapidocr(model_dir(), threads)
        except OcrFailed:
            raise
        except Exception as exc:  # any import or model error → one clear type
            raise OcrFailed(f"{type(exc).__name__}: {exc}") from exc
        self._lock = threading.Lock()
        self.name = engine_name()

    def read(self, image: Image.Image) -> list[OcrLine]:
        import numpy as np

        rgb = image if image.mode == "RGB" else image.convert("RGB")
        width, height = rgb.size
        limit = max(32, round(max(width, height) * det_scale(width, height)))
        with self._lock:
            try:
                _set_det_limit(self._ocr, limit)
                result = self._ocr(np.asarray(rgb)[:, :, ::-1])  # rapidocr wants BGR arrays
            except Exception as exc:
                raise OcrFailed(f"{type(exc).__name__}: {exc}") from exc
        return _lines(result)


def engine_name() -> str:
    versions = " ".join(f"{p} {metadata.version(p)}" for p in ("rapidocr", "onnxruntime"))
    return (
        f"{versions} PP-OCRv6-small det{DET_MAX_PIXELS // 1000}k/{DET_MIN_SIDE} "
        f"score{TEXT_SCORE}"
    )


@cache
def default_engine() -> OcrEngine:
    """The one engine of this process, loaded on first use (≈ 1 s, ~150 MB)."""
    return RapidOcrEngine()


# ------------------------------------------------------------------------------ rapidocr glue
def _load_rapidocr(models: Path, threads: int) -> Any:
    silence_rapidocr()
    import onnxruntime
    from rapidocr import RapidOCR

    onnxruntime.set_default_logger_severity(3)
    params: dict[str, Any] = {f"{k}.model_path": str(models / f) for k, f in MODEL_FILES.items()}
    params |= {
        "Global.log_level": "critical",
        "Global.use_cls": False,
        "Global.text_score": TEXT_SCORE,
        "Global.max_side_len": 100_000,  # no global shrink: crops keep full resolution
        "Det.limit_type": "max",
        "Rec.rec_batch_num": REC_BATCH,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    engine = RapidOCR(params=params)
    silence_rapidocr()  # RapidOCR() resets its logger's level
    return engine


def silence_rapidocr() -> None:
    """RapidOCR logs to its own stderr handler at INFO; route it into a NullHandler."""
    rapid = logging.getLogger("RapidOCR")
    for handler in list(rapid.handlers):
        rapid.removeHandler(handler)
    rapid.addHandler(logging.NullHandler())
    rapid.propagate = False
    rapid.setLevel(logging.CRITICAL + 1)


def _set_det_limit(ocr: Any, limit: int) -> None:
    ocr.cfg.Det.limit_side_len = limit  # used when the detector loads (first call)
    if getattr(ocr, "text_det", None) is not None:
        ocr.text_det.limit_side_len = limit


def _lines(result: Any) -> list[OcrLine]:
    boxes, texts, scores = (getattr(result, k, None) for k in ("boxes", "txts", "scores"))
    if boxes is None or texts is None or scores is None:
        return []
    lines = []
    for quad, text, score in zip(boxes, texts, scores, strict=True):
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        box = (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)), math.ceil(max(ys)))
        confidence = min(1.0, max(0.0, float(score)))
        lines.append(OcrLine(text=str(text), box=box, confidence=round(confidence, 4)))
    return lines
