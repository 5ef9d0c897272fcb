"""Build real case folders from the bundled samples (same recipe as samples/run-sample.sh)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from disputekit.clock import parse_time
from disputekit.collect.evidence_ops import add_files, mark_messages

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NOW = {
    "signed-not-received": parse_time("2025-04-21T09:00:00+08:00"),
    "returned-not-ours": parse_time("2025-05-13T09:00:00+08:00"),
}
RECIPES: dict[str, list[tuple[list[str], dict[str, str]]]] = {
    "signed-not-received": [
        (["chat.txt", "tracking.json"], {}),
        (["screenshots/tracking.png"], {"caption": "淘宝物流详情截图", "tag": "shipment"}),
        (["photos/packing_1.jpg", "photos/packing_2.jpg"],
         {"caption": "出库前拍照(运单与商品同框)", "tag": "before_shipment"}),
    ],
    "returned-not-ours": [
        (["chat.txt"], {}),
        (["tracking.json"], {"tag": "shipment"}),
        (["return_tracking.json"], {"tag": "return"}),
        (["photos/outbound_sn.jpg"], {"caption": "出库拍照", "tag": "before_shipment"}),
        (["photos/return_unboxing.jpg"], {"caption": "退货开箱", "tag": "returned_item"}),
        (["screenshots/return_tracking.png"], {"caption": "退货物流截图", "tag": "return"}),
    ],
}


def sample_case(name: str, dest: Path, *, now: datetime | None = None) -> Path:
    """Copy a sample's case.toml to ``dest`` and add its evidence as an agent would."""
    src = SAMPLES / name
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src / "case.toml", dest / "case.toml")
    when = now or NOW[name]
    for files, opts in RECIPES[name]:
        add_files(dest, [src / f for f in files], at=when, actor="tester",
                  caption=opts.get("caption"), tag=opts.get("tag"))
    if name == "signed-not-received":
        mark_messages(dest, "E1", [19, 24], at=when, actor="tester")
    return dest
