"""Key rotation in the privacy layer: a keyring replaced in place seals under its new current key at once
and keeps opening the old ones; a ciphertext under a key the ring has not read makes it read again;
re-sealing is a no-op for current ciphertexts; the blind index tries the previous keys in order."""

import os

import pytest

from chalicelib.privacy.crypto import BlindIndex, DecryptionFailed, FieldCipher, Keyring


def identity(blob: bytes) -> bytes:
    return blob


def test_a_replaced_keyring_seals_under_the_new_key_at_once_and_opens_the_old_one():
    k1, k2 = os.urandom(32), os.urandom(32)
    ring = Keyring("k1", {"k1": k1}, identity)
    cipher = FieldCipher(ring)
    old = cipher.seal("张三", context="c")
    ring.replace("k2", {"k1": k1, "k2": k2})
    assert FieldCipher.kid_of(cipher.seal("张三", context="c")) == "k2" and cipher.current_kid == "k2"
    assert cipher.open(old, context="c") == "张三"


def test_an_unknown_key_makes_the_ring_read_the_keyring_again_once():
    k1, k2 = os.urandom(32), os.urandom(32)
    newer = FieldCipher(Keyring("k2", {"k1": k1, "k2": k2}, identity)).seal("x", context="c")
    reads = []

    def reload() -> None:
        reads.append(1)
        ring.replace("k2", {"k1": k1, "k2": k2})

    ring = Keyring("k1", {"k1": k1}, identity, reload=reload)
    assert FieldCipher(ring).open(newer, context="c") == "x" and reads == [1]
    assert FieldCipher(ring).open(newer, context="c") == "x" and reads == [1]


def test_a_key_unknown_even_after_reading_again_is_refused():
    ring = Keyring("k1", {"k1": os.urandom(32)}, identity, reload=lambda: None)
    foreign = FieldCipher(Keyring("k9", {"k9": os.urandom(32)}, identity)).seal("x", context="c")
    with pytest.raises(DecryptionFailed):
        FieldCipher(ring).open(foreign, context="c")


def test_a_retired_key_no_longer_opens():
    k1, k2 = os.urandom(32), os.urandom(32)
    ring = Keyring("k1", {"k1": k1}, identity)
    old = FieldCipher(ring).seal("x", context="c")
    ring.replace("k2", {"k2": k2})
    with pytest.raises(DecryptionFailed):
        FieldCipher(ring).open(old, context="c")


def test_reseal_moves_old_ciphertexts_to_the_current_key_and_leaves_current_ones_alone():
    k1, k2 = os.urandom(32), os.urandom(32)
    ring = Keyring("k1", {"k1": k1, "k2": k2}, identity)
    cipher = FieldCipher(ring)
    old = cipher.seal("11010519491231002X", context="member:m1:id_number")
    ring.replace("k2", {"k1": k1, "k2": k2})
    moved = cipher.reseal(old, context="member:m1:id_number")
    assert (
        FieldCipher.kid_of(moved) == "k2" and cipher.open(moved, context="member:m1:id_number") == "11010519491231002X"
    )
    assert cipher.reseal(moved, context="member:m1:id_number") == moved
    with pytest.raises(DecryptionFailed):
        cipher.reseal(old, context="member:m2:id_number")  # the context still binds


def test_kid_of_names_our_tokens_only():
    assert FieldCipher.kid_of("v1.dk-3.AAAA") == "dk-3"
    assert FieldCipher.kid_of("plain text") == "" and FieldCipher.kid_of("v9.k.x") == ""


def test_the_blind_index_tries_the_current_key_then_the_previous_ones():
    old, new = os.urandom(32), os.urandom(32)
    before, during, after = BlindIndex(old), BlindIndex(new, previous=[old]), BlindIndex(new)
    assert during.candidates("phone", "13800138000") == (after("phone", "13800138000"), before("phone", "13800138000"))
    assert during("phone", "13800138000") == after("phone", "13800138000")
    assert during.rotating and not after.rotating and after.candidates("phone", "1") == (after("phone", "1"),)
