"""Platform profiles: every value sourced; Tmall's differences; shop overrides and their errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from disputekit.errors import ExitCode, ProfileError
from disputekit.profiles.load import load_profile, shipped_platforms
from disputekit.profiles.model import Profile, Sourced

SHIPPED = shipped_platforms()

# Facts that are not deadlines, limits or requirements: the API's fixed state table.
UNSOURCED_OK = {"states.*.refusable"}


def walk(value: Any, path: str = "", sourced: bool = False) -> Iterator[tuple[str, Any, bool]]:
    """(dotted path, value, has a Sourced ancestor-or-self) for every node of a model tree."""
    sourced = sourced or isinstance(value, Sourced)
    yield path, value, sourced
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from walk(getattr(value, name), f"{path}.{name}".lstrip("."), sourced)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}", sourced)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]", sourced)


def generic(path: str) -> str:
    parts = path.split(".")
    return ".".join("*" if i == 1 and parts[0] in ("states", "grounds") else p
                    for i, p in enumerate(parts))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_sourced_value_has_a_source_and_confidence(name: str) -> None:
    nodes = [v for _, v, _ in walk(load_profile(name)) if isinstance(v, Sourced)]
    assert len(nodes) >= 30
    for node in nodes:
        assert node.source.strip(), node
        assert node.confidence in ("high", "medium", "low"), node


@pytest.mark.parametrize("name", SHIPPED)
def test_no_number_or_flag_without_a_source(name: str) -> None:
    """Adding an unsourced deadline, limit or requirement to the model makes this fail."""
    bare = [path for path, value, sourced in walk(load_profile(name))
            if isinstance(value, int | float) and not sourced and generic(path) not in UNSOURCED_OK]
    assert bare == []


@pytest.mark.parametrize("name", SHIPPED)
def test_every_seller_state_timeout_is_sourced(name: str) -> None:
    profile = load_profile(name)
    for state_id, state in profile.states.items():
        if state.actor in ("seller", "both") and not state.on_timeout_zh.startswith("期限未知"):
            assert state.timeout is not None, state_id
            assert isinstance(state.timeout, Sourced)
        elif state.actor in ("seller", "both") and state.timeout is None:  # no number known: say so
            assert state.on_timeout_en.startswith("Period unknown"), state_id


def test_taobao_values_from_the_issue() -> None:
    p = load_profile("taobao")
    limits = p.limits
    assert (limits.reason_min_chars.value, limits.reason_max_chars.value) == (2, 200)
    assert limits.proof_image_max_bytes.value == 130_000
    assert sorted(limits.proof_image_formats.value) == ["gif", "jpg", "png"]
    assert limits.message_max_bytes.value == 400
    assert limits.message_image_max_bytes.value == 500 * 1024
    assert limits.web_image_max_count.confidence == "low"
    timeout = p.states["waiting_seller_agree"].timeout
    assert timeout is not None
    assert (timeout.amount, timeout.unit) == (5, "days")
    assert (p.unshipped.timeout.amount, p.unshipped.timeout.unit) == (48, "hours")
    assert p.unshipped.refusable is False
    assert {s.api for s in p.states.values()} >= {
        "WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS", "WAIT_SELLER_CONFIRM_GOODS",
        "SELLER_REFUSE_BUYER", "CLOSED", "SUCCESS"}
    assert p.requirements.proof_image_required.value is False
    assert p.requirements.refund_phase_required.value is False


def test_every_case_ground_is_in_the_profile() -> None:
    from disputekit.models.case import GROUND_IDS

    for name in SHIPPED:
        assert sorted(load_profile(name).grounds) == sorted(GROUND_IDS)


def test_tmall_overrides_requirements_and_keeps_the_rest() -> None:
    taobao, tmall = load_profile("taobao"), load_profile("tmall")
    assert tmall.profile.id == "tmall"
    assert tmall.requirements.proof_image_required.value is True
    assert tmall.requirements.refund_phase_required.value is True
    assert "Tmall" in tmall.requirements.proof_image_required.source
    assert tmall.limits == taobao.limits
    assert tmall.grounds == taobao.grounds
    # 天猫客服48小时内介入 is when Tmall steps in, not the evidence deadline (issue 11)
    assert tmall.states["cs_intervening"] == taobao.states["cs_intervening"]


def test_shop_override_changes_a_threshold(tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text('[thresholds]\nsmall_amount_cny = { value = 200, source = "shop rules 3", '
                    'confidence = "high" }\n', "utf-8")
    profile = load_profile("taobao", shop)
    assert profile.thresholds.small_amount_cny.value == 200
    assert profile.thresholds.small_amount_cny.source == "shop rules 3"
    assert profile.thresholds.chat_gap_hours == load_profile("taobao").thresholds.chat_gap_hours


def test_shop_override_on_tmall(tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text('[limits]\nweb_image_max_count = { value = 5, source = "seen in our '
                    'back office", confidence = "medium" }\n', "utf-8")
    profile = load_profile("tmall", shop)
    assert profile.limits.web_image_max_count.value == 5
    assert profile.requirements.proof_image_required.value is True


def profile_error(tmp_path: Path, text: str) -> str:
    shop = tmp_path / "shop.toml"
    shop.write_text(text, "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile("taobao", shop)
    assert info.value.exit_code == ExitCode.INPUT
    return info.value.message("en")


def test_unknown_key_names_file_key_and_line(tmp_path: Path) -> None:
    message = profile_error(tmp_path, '# shop\n[thresholds]\nchat_gap_hour = { value = 48, '
                                      'source = "shop", confidence = "low" }\n')
    assert f"{tmp_path / 'shop.toml'}:3: thresholds.chat_gap_hour → unknown key" in message
    assert "every value needs a source and a confidence" in message


def test_wrong_type_names_file_key_and_line(tmp_path: Path) -> None:
    message = profile_error(tmp_path, '# shop\n[thresholds]\nchat_gap_hours = { value = "lots", '
                                      'source = "shop", confidence = "low" }\n')
    assert "shop.toml:3: thresholds.chat_gap_hours.value → Input should be a valid number" in message


def test_bad_confidence_names_file_key_and_line(tmp_path: Path) -> None:
    message = profile_error(tmp_path, '[limits]\n\nreason_max_chars = { value = 200, '
                                      'source = "shop", confidence = "sure" }\n')
    assert "shop.toml:3: limits.reason_max_chars.confidence → Input should be 'high', 'medium' or 'low'" in message


def test_new_entry_without_source_names_file_key_and_line(tmp_path: Path) -> None:
    message = profile_error(tmp_path, '# our own ground\n\n[grounds.my_ground]\nname_zh = "x"\n')
    assert "shop.toml:3: grounds.my_ground.source → Field required" in message


def test_overridden_value_without_source_is_an_error(tmp_path: Path) -> None:
    message = profile_error(tmp_path, '# shop\n[thresholds]\nchat_gap_hours = { value = 48, '
                                      'confidence = "low" }\n')
    assert "shop.toml:3: thresholds.chat_gap_hours.source" in message


def test_line_number_is_the_line_of_the_key_not_the_first_similar_one(tmp_path: Path) -> None:
    message = profile_error(tmp_path, '# shop\n[thresholds]\nphoto_min_side_px = { value = 800, '
                                      'source = "shop", confidence = "low" }\nchat_gap_hours = '
                                      '{ value = "lots", source = "shop", confidence = "low" }\n')
    assert "shop.toml:4: thresholds.chat_gap_hours.value" in message


def test_unparseable_override_names_the_file(tmp_path: Path) -> None:
    message = profile_error(tmp_path, "[thresholds\n")
    assert message.startswith(f"{tmp_path / 'shop.toml'} cannot be parsed: ")


def test_unknown_platform() -> None:
    with pytest.raises(ProfileError) as info:
        load_profile("jd")
    assert info.value.message("en") == "No profile for platform 'jd'. Choose one of: taobao, tmall."


def test_profile_model_forbids_unknown_keys_everywhere() -> None:
    for model in (Profile, Sourced):
        assert model.model_config.get("extra") == "forbid"
