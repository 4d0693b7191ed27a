import hashlib

from retail_sync_engine import canonical


def test_canonical_json_sorts_keys_and_drops_whitespace():
    obj = {"b": 1, "a": {"d": [1, 2], "c": None}}
    assert canonical.canonical_json(obj) == b'{"a":{"c":null,"d":[1,2]},"b":1}'


def test_canonical_json_is_utf8_without_ascii_escapes():
    data = canonical.canonical_json({"name": "Crème brûlée €"})
    assert data == '{"name":"Crème brûlée €"}'.encode()
    assert b"\\u" not in data


def test_equal_objects_give_equal_bytes_whatever_the_insertion_order():
    first = {"x": 1, "y": {"p": "q", "r": [3, {"t": 1, "s": 2}]}}
    second = {"y": {"r": [3, {"s": 2, "t": 1}], "p": "q"}, "x": 1}
    assert canonical.canonical_json(first) == canonical.canonical_json(second)


def test_payload_hash_is_sha256_of_canonical_bytes():
    obj = {"id": "e1", "qty": 3}
    expected = hashlib.sha256(b'{"id":"e1","qty":3}').hexdigest()
    assert canonical.payload_hash(obj) == expected
    assert canonical.payload_hash({"qty": 3, "id": "e1"}) == expected


def test_payload_hash_differs_for_different_payloads():
    assert canonical.payload_hash({"qty": 3}) != canonical.payload_hash({"qty": 4})
    assert canonical.payload_hash([1, 2]) != canonical.payload_hash([2, 1])
