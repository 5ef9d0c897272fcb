#!/usr/bin/env bash
# Run the whole job on a bundled sample case, as an agent would type it:
#   bash samples/run-sample.sh [signed-not-received|returned-not-ours] [WORKDIR]
# The sample folder itself is never modified: it is copied to WORKDIR first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="${1:-signed-not-received}"
work="${2:-$(mktemp -d)/case}"
dk="${DISPUTEKIT:-disputekit}"
src="$here/$name"
[ -f "$src/case.toml" ] || { echo "no such sample: $name" >&2; exit 2; }
mkdir -p "$work"
cp "$src/case.toml" "$work/"
# Each sample is "as of" the day after its refund request, so deadlines read as they did then.
case "$name" in
  signed-not-received)
    now="2025-04-21T09:00:00+08:00"
    $dk add "$work" "$src/chat.txt" "$src/tracking.json" --now "$now"
    $dk add "$work" "$src/screenshots/tracking.png" --caption "淘宝物流详情截图" --tag shipment --now "$now"
    $dk add "$work" "$src"/photos/packing_*.jpg --caption "出库前拍照(运单与商品同框)" --tag before_shipment --now "$now"
    $dk mark "$work" E1 --message 19 --message 24 --now "$now" ;;
  returned-not-ours)
    now="2025-05-13T09:00:00+08:00"
    $dk add "$work" "$src/chat.txt" --now "$now"
    $dk add "$work" "$src/tracking.json" --tag shipment --now "$now"
    $dk add "$work" "$src/return_tracking.json" --tag return --now "$now"
    $dk add "$work" "$src/photos/outbound_sn.jpg" --caption "出库拍照:SN A1B2C3D4E5 与韵达运单同框" --tag before_shipment --now "$now"
    $dk add "$work" "$src/photos/return_unboxing.jpg" --caption "退货开箱:SN Z9Y8X7W6V5 与顺丰运单同框" --tag returned_item --now "$now"
    $dk add "$work" "$src/screenshots/return_tracking.png" --caption "退货物流截图" --tag return --now "$now" ;;
  *) echo "no recipe for sample $name" >&2; exit 2 ;;
esac
$dk list "$work"
$dk check "$work" --now "$now" || true
$dk draft "$work" --now "$now"
$dk build "$work" --now "$now"
echo "dossier: $work/out/dossier.pdf"
