import base64
import hashlib
import hmac

from retail_sync_engine import signing


def test_body_signature_is_hmac_sha256_hex_of_raw_body():
    body = b'{"id": "e1"}'
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signing.body_signature("s3cret", body) == "sha256=" + expected


def test_verify_accepts_either_secret_during_rotation():
    body = b"payload"
    header = signing.body_signature("new-secret", body)
    assert signing.verify_body_signature(["old-secret", "new-secret"], body, header)
    assert not signing.verify_body_signature(["old-secret"], body, header)


def test_verify_rejects_tampered_body_and_bad_header():
    header = signing.body_signature("k", b"original")
    assert not signing.verify_body_signature(["k"], b"tampered", header)
    assert not signing.verify_body_signature(["k"], b"original", "")
    assert not signing.verify_body_signature(["k"], b"original", header[7:])
    assert not signing.verify_body_signature([None, ""], b"original", header)


def test_webhook_signature_matches_standard_webhooks_vector():
    # Test vector from the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    value = signing.webhook_signature(
        secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body
    )
    assert value == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_verify_webhook_checks_signature_and_timestamp():
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef").decode()
    headers = signing.webhook_headers(secret, "d-1", 1_700_000_000, b"{}")
    assert signing.verify_webhook(secret, headers, b"{}", now=1_700_000_010)
    assert not signing.verify_webhook(secret, headers, b"{ }", now=1_700_000_010)
    assert not signing.verify_webhook(secret, headers, b"{}", now=1_700_001_000)
    rotated = dict(
        headers, **{"webhook-signature": "v1,AAAA " + headers["webhook-signature"]}
    )
    assert signing.verify_webhook(secret, rotated, b"{}", now=1_700_000_000)
