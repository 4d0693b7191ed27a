import copy

import pytest
from retail_sync_engine import masking

VISA = "4111111111111111"  # Luhn-valid test card
VISA_BAD = "4111111111111112"  # same length, fails Luhn
VISA_INT = 4111111111111111


def test_luhn_valid():
    assert masking.luhn_valid(VISA)
    assert masking.luhn_valid("79927398713")
    assert not masking.luhn_valid(VISA_BAD)
    assert not masking.luhn_valid("79927398710")


@pytest.mark.parametrize("value", ["", "4111 1111 1111 1111", "4111-1111", "abc", "٤١"])
def test_luhn_rejects_non_digit_strings(value):
    assert not masking.luhn_valid(value)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (VISA, "************1111"),
        ("4111 1111 1111 1111", "**** **** **** 1111"),
        ("4111-1111-1111-1111", "****-****-****-1111"),
        ("paid with 4111 1111 1111 1111.", "paid with **** **** **** 1111."),
        ("4222222222222", "*********2222"),  # 13 digits
        ("5555555555555555556", "***************5556"),  # 19 digits
        ("card:4111111111111111;", "card:************1111;"),
    ],
)
def test_masks_luhn_valid_runs_keeping_separators_and_last_four(text, masked):
    assert masking.mask_card_numbers(text) == masked
    assert masking.contains_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        VISA_BAD,
        "4111 1111 1111 1112",
        "555555555559",  # Luhn-valid but only 12 digits
        "55555555555555555555",  # Luhn-valid but 20 digits
        VISA + "1234",  # a card number inside a 20-digit reference
        "4111 1111 1111 1111 1111",  # 20 digits in groups
        "4111  1111 1111 1111",  # double space splits it into 4 + 12 digits
        "phone +1 555-123-4567, 2024-01-15",
    ],
)
def test_leaves_other_digit_runs_alone(text):
    assert masking.mask_card_numbers(text) == text
    assert not masking.contains_card_number(text)


def test_masks_every_card_in_a_string():
    text = f"{VISA} then 4111-1111-1111-1111 and {VISA_BAD}"
    assert masking.mask_card_numbers(text) == (
        f"************1111 then ****-****-****-1111 and {VISA_BAD}"
    )


def test_walks_nested_dicts_and_lists_but_not_keys_or_numbers():
    payload = {
        "note": f"card {VISA}",
        "lines": [{"memo": "4111-1111-1111-1111"}, [VISA], 4111111111111111],
        VISA: "key is kept",
        "amount": 12.5,
        "flag": None,
    }
    assert masking.mask_card_numbers(payload) == {
        "note": "card ************1111",
        "lines": [{"memo": "****-****-****-1111"}, ["************1111"], VISA_INT],
        VISA: "key is kept",
        "amount": 12.5,
        "flag": None,
    }


def test_exempt_keys_are_left_alone_case_insensitively_including_nested_values():
    payload = {
        "Barcode": VISA,
        "sku": [VISA],
        "ORDER_REF": {"inner": VISA},
        "line": {"id": VISA, "memo": VISA},
    }
    masked = masking.mask_card_numbers(payload)
    assert masked == {
        "Barcode": VISA,
        "sku": [VISA],
        "ORDER_REF": {"inner": VISA},
        "line": {"id": VISA, "memo": "************1111"},
    }
    assert masking.contains_card_number(payload)
    del payload["line"]["memo"]
    assert not masking.contains_card_number(payload)


def test_custom_exempt_keys_replace_the_default():
    payload = {"barcode": VISA, "pan_ref": VISA}
    assert masking.mask_card_numbers(payload, exempt_keys=frozenset({"pan_ref"})) == {
        "barcode": "************1111",
        "pan_ref": VISA,
    }
    assert not masking.contains_card_number(
        {"pan_ref": VISA}, exempt_keys=frozenset({"pan_ref"})
    )


def test_input_is_not_mutated_and_result_shares_nothing_mutable():
    payload = {"memo": [VISA], "barcode": [VISA], "t": ("x", VISA)}
    before = copy.deepcopy(payload)
    masked = masking.mask_card_numbers(payload)
    assert payload == before
    assert masked["t"] == ("x", "************1111")
    masked["barcode"].append("new")
    masked["memo"].append("new")
    assert payload == before


def test_contains_card_number_is_false_for_clean_payloads():
    assert not masking.contains_card_number({"qty": 3, "note": "no card", "n": [1]})
    assert not masking.contains_card_number(VISA_INT)
