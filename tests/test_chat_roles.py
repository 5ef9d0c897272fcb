"""Roles from the case's buyer and seller nicknames, sub-accounts and system senders."""

from __future__ import annotations

import pytest

from disputekit.collect.parse.roles import Roster, role_of, shop_of
from disputekit.models.facts import Role

BUYER, SELLER = "买家小王", "旗舰店"


@pytest.mark.parametrize(
    ("sender", "role"),
    [
        ("买家小王", Role.BUYER),
        (" 买家小王 ", Role.BUYER),
        ("买家小王2", Role.UNKNOWN),
        ("买家", Role.UNKNOWN),
        ("旗舰店", Role.SELLER),
        ("旗舰店:客服A", Role.SELLER),
        ("旗舰店：客服A", Role.SELLER),
        ("旗舰店 : 客服A", Role.SELLER),
        ("旗舰店二号:客服A", Role.UNKNOWN),
        ("别的店:旗舰店", Role.UNKNOWN),
        ("系统消息", Role.SYSTEM),
        ("服务助手", Role.SYSTEM),
        ("淘宝小二", Role.SYSTEM),
        ("", Role.UNKNOWN),
    ],
)
def test_role_of(sender: str, role: Role) -> None:
    assert role_of(sender, BUYER, SELLER) == role


def test_seller_given_as_a_sub_account() -> None:
    assert role_of("旗舰店:客服B", BUYER, "旗舰店：客服A") == Role.SELLER
    assert role_of("旗舰店", BUYER, "旗舰店:客服A") == Role.SELLER


def test_without_case_names_everything_is_unknown_but_system() -> None:
    assert role_of("买家小王") == Role.UNKNOWN
    assert role_of("旗舰店:客服A") == Role.UNKNOWN
    assert role_of("系统消息") == Role.SYSTEM


def test_buyer_wins_when_names_collide() -> None:
    assert role_of("同名", "同名", "同名") == Role.BUYER


def test_full_width_buyer_name_matches() -> None:
    assert role_of("ＡＢＣ", "ABC", SELLER) == Role.BUYER


def test_shop_of() -> None:
    assert shop_of("旗舰店：客服A") == "旗舰店"
    assert shop_of("旗舰店") == "旗舰店"


def test_roster_numbers_messages_and_lists_participants() -> None:
    roster = Roster(BUYER, SELLER)
    roster.message(None, "旗舰店:客服A", "a")
    roster.message(None, "", "b", recalled=True)
    roster.message(None, "买家小王", "c", read_status="read")
    roster.message(None, "旗舰店:客服A", "d")
    assert [(m.index, m.role) for m in roster.messages] == [
        (1, Role.SELLER),
        (2, Role.UNKNOWN),
        (3, Role.BUYER),
        (4, Role.SELLER),
    ]
    assert roster.participants == ["旗舰店:客服A", "买家小王"]
    assert roster.messages[2].read_status == "read"


def test_roster_warning_format() -> None:
    roster = Roster()
    roster.warn("中文。", "English.")
    assert roster.warnings == ["中文。 / English."]
