import os

import pytest

from chalicelib.privacy.crypto import BlindIndex, DecryptionFailed, FieldCipher, Keyring


def ring(current="k1", keys=None):
    keys = keys or {"k1": os.urandom(32)}
    # "wrapping" is the identity here: KMS is exercised by the API tests against moto
    return Keyring(current, dict(keys), unwrap=lambda blob: blob)


def test_sealed_field_opens_in_its_own_context_only():
    cipher = FieldCipher(ring())
    token = cipher.seal("13800138000", context="member:m1:phone")
    assert "13800138000" not in token
    assert cipher.open(token, context="member:m1:phone") == "13800138000"
    with pytest.raises(DecryptionFailed):
        cipher.open(token, context="member:m2:phone")


def test_same_value_seals_differently_each_time():
    cipher = FieldCipher(ring())
    assert cipher.seal("张三", context="c") != cipher.seal("张三", context="c")


def test_tampered_ciphertext_is_refused():
    cipher = FieldCipher(ring())
    token = cipher.seal("张三", context="c")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(DecryptionFailed):
        cipher.open(flipped, context="c")


def test_records_sealed_under_an_old_data_key_still_open_after_rotation():
    keys = {"k1": os.urandom(32), "k2": os.urandom(32)}
    old = FieldCipher(ring("k1", keys)).seal("11010519491231002X", context="c")
    rotated = FieldCipher(ring("k2", keys))
    assert rotated.open(old, context="c") == "11010519491231002X"
    assert rotated.seal("x", context="c").startswith("v1.k2.")


def test_blind_index_is_stable_keyed_and_separated_by_purpose():
    index = BlindIndex(b"k" * 32)
    assert index("phone", "13800138000") == index("phone", "13800138000")
    assert index("phone", "13800138000") != index("id_number", "13800138000")
    assert BlindIndex(b"j" * 32)("phone", "13800138000") != index("phone", "13800138000")
