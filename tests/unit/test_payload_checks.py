import json

from retail_sync_engine import payload_checks


def nested(depth):
    value = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


def test_depth_within_the_limit_passes():
    assert payload_checks.depth_beyond(nested(5), 5) is None
    assert payload_checks.depth_beyond([1, [2, [3]]], 3) is None


def test_depth_beyond_the_limit_names_the_path():
    assert payload_checks.depth_beyond(nested(6), 5) == ("a",) * 5
    assert payload_checks.depth_beyond({"x": [[[]]]}, 3) == ("x", 0, 0)


def test_thousands_of_levels_do_not_recurse():
    deep = json.loads("[" * 900 + "]" * 900)
    assert payload_checks.depth_beyond(deep, 32) is not None


def test_nul_and_lone_surrogates_are_found_with_a_pointer():
    event = {"id": "e1", "data": {"lines": [{"sku": "A\x00"}]}}
    pointer, reason = payload_checks.unstorable_string(event)
    assert pointer == "/data/lines/0/sku"
    assert "NUL" in reason
    pointer, reason = payload_checks.unstorable_string(json.loads('{"id": "\\ud800"}'))
    assert pointer == "/id"
    assert "surrogate" in reason
    pointer, reason = payload_checks.unstorable_string({"data": {"k\x00": 1}})
    assert pointer == "/data/k\x00"
    assert reason.startswith("a key")


def test_storable_text_passes():
    assert payload_checks.unstorable_string({"name": "Zoë 😀 ﬁ", "n": [1, 2.5]}) is None
    # A well-formed surrogate pair is one character once parsed.
    assert payload_checks.unstorable_string(json.loads('"\\ud83d\\ude00"')) is None


def test_strict_json_refuses_what_jsonb_cannot_store():
    assert payload_checks.loads(b'{"a": 1.5, "b": 10}') == {"a": 1.5, "b": 10}
    for body in (b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b"[1e400]"):
        try:
            payload_checks.loads(body)
        except ValueError:
            continue
        raise AssertionError(f"{body!r} was accepted")
