"""Multipart arithmetic, MD5s and ETags, and one-pass download verification."""

from __future__ import annotations

import hashlib
import random

import pytest

from spacesgui.core.multipart import (
    DEFAULT_MULTIPART_THRESHOLD,
    DEFAULT_PART_SIZE,
    MAX_PARTS,
    MIN_PART_SIZE,
    ChecksumVerifier,
    MiB,
    PartHasher,
    candidate_part_sizes,
    choose_part_size,
    describe_size,
    etag_part_count,
    is_md5_etag,
    md5_b64,
    md5_digest,
    md5_hex,
    multipart_etag,
    plan_parts,
    strip_etag,
)
from spacesgui.core.transfers import PartRecord

EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def data_of(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def etag_for(data: bytes, part_size: int) -> str:
    """The ETag S3 would give `data` uploaded in parts of `part_size`."""
    parts = [data[i : i + part_size] for i in range(0, len(data), part_size)] or [b""]
    return multipart_etag([hashlib.md5(p).digest() for p in parts])


def verify(
    data: bytes, etag: str, chunk: int = 65_536, *, stored_md5_hex: str = "", known_part_size: int = 0
) -> tuple[bool, str]:
    """Feed `data` to a verifier in `chunk`-sized pieces and return its result."""
    verifier = ChecksumVerifier(len(data), etag, stored_md5_hex, known_part_size)
    for i in range(0, len(data), chunk):
        verifier.feed(data[i : i + chunk])
    return verifier.result()


def test_constants_are_s3s_limits_and_our_defaults() -> None:
    assert (MIN_PART_SIZE, MAX_PARTS) == (5 * 1024 * 1024, 10_000)
    assert (DEFAULT_PART_SIZE, DEFAULT_MULTIPART_THRESHOLD) == (8 * 1024 * 1024, 16 * 1024 * 1024)


@pytest.mark.parametrize(
    ("size", "preferred", "expected"),
    [
        (100, DEFAULT_PART_SIZE, 8 * MiB),
        (100 * MiB, 5 * MiB, 5 * MiB),
        (100 * MiB, 1 * MiB, 5 * MiB),
        (100 * MiB, 6 * MiB + 1, 7 * MiB),
        (1024**4, DEFAULT_PART_SIZE, 105 * MiB),  # 1 TiB / 10,000 = 104.86 MiB
        (10_000 * 8 * MiB, DEFAULT_PART_SIZE, 8 * MiB),
        (10_000 * 8 * MiB + 1, DEFAULT_PART_SIZE, 9 * MiB),
    ],
)
def test_choose_part_size_respects_minimum_preference_and_part_limit(
    size: int, preferred: int, expected: int
) -> None:
    assert choose_part_size(size, preferred) == expected


def test_plan_parts_numbers_from_one_with_a_short_last_part() -> None:
    assert plan_parts(20, 8) == [PartRecord(1, 0, 8, ""), PartRecord(2, 8, 8, ""), PartRecord(3, 16, 4, "")]


def test_plan_parts_of_an_exact_multiple_has_no_empty_tail() -> None:
    assert plan_parts(16, 8) == [PartRecord(1, 0, 8, ""), PartRecord(2, 8, 8, "")]


def test_plan_parts_of_an_empty_file_is_one_empty_part() -> None:
    assert plan_parts(0, 8 * MiB) == [PartRecord(1, 0, 0, "")]


def test_plan_parts_refuses_a_zero_part_size() -> None:
    with pytest.raises(ValueError, match="part size must be positive"):
        plan_parts(10, 0)


def test_md5_helpers_give_hex_base64_and_binary() -> None:
    assert md5_hex(b"") == EMPTY_MD5
    assert md5_b64(b"") == "1B2M2Y8AsgTpgAmY7PhCfg=="
    assert md5_digest(b"abc") == bytes.fromhex("900150983cd24fb0d6963f7d28e17f72")


def test_md5_helpers_accept_memoryviews() -> None:
    assert md5_hex(memoryview(b"abc")) == "900150983cd24fb0d6963f7d28e17f72"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f'"{EMPTY_MD5}"', EMPTY_MD5),
        (f'W/"{EMPTY_MD5}"', EMPTY_MD5),
        (f' "{EMPTY_MD5}-3" ', f"{EMPTY_MD5}-3"),
        (EMPTY_MD5, EMPTY_MD5),
        ("", ""),
    ],
)
def test_strip_etag_removes_quotes_and_weak_prefix(raw: str, clean: str) -> None:
    assert strip_etag(raw) == clean


@pytest.mark.parametrize(
    ("etag", "md5"),
    [
        (EMPTY_MD5, True),
        (f'"{EMPTY_MD5.upper()}"', True),
        (f"{EMPTY_MD5}-2", False),
        (EMPTY_MD5[:31], False),
        ("g" * 32, False),
        ("", False),
    ],
)
def test_is_md5_etag_wants_exactly_32_hex_digits(etag: str, md5: bool) -> None:
    assert is_md5_etag(etag) is md5


@pytest.mark.parametrize(
    ("etag", "count"),
    [(f'"{EMPTY_MD5}-12"', 12), (f"{EMPTY_MD5}-1", 1), (EMPTY_MD5, 0), ("abc-3", 0), (f"{EMPTY_MD5}-", 0)],
)
def test_etag_part_count_reads_the_suffix_of_multipart_etags(etag: str, count: int) -> None:
    assert etag_part_count(etag) == count


def test_multipart_etag_is_md5_of_the_concatenated_digests_and_the_count() -> None:
    digests = [md5_digest(b"a"), md5_digest(b"b")]
    assert multipart_etag(digests) == hashlib.md5(digests[0] + digests[1]).hexdigest() + "-2"


@pytest.mark.parametrize(
    ("size", "count", "known", "expected"),
    [
        (20 * MiB, 3, 0, [8 * MiB, 7 * MiB]),
        (20 * MiB, 2, 0, [16 * MiB, 10 * MiB, 15 * MiB]),
        (20 * MiB, 4, 6 * MiB, [6 * MiB, 5 * MiB]),
        (20 * MiB, 3, 6 * MiB, [8 * MiB, 7 * MiB]),  # 6 MiB would make 4 parts
        (12 * MiB, 3, 0, [5 * MiB, 4 * MiB]),
        (3 * MiB, 1, 0, [3 * MiB]),
        (3 * MiB, 1, 8 * MiB, [8 * MiB]),
        (0, 1, 0, [MiB]),
        (10, 3, 4, [4]),
        (10, 3, 0, []),
        (10, 0, 0, []),
    ],
)
def test_candidate_part_sizes_are_consistent_with_the_part_count(
    size: int, count: int, known: int, expected: list[int]
) -> None:
    assert candidate_part_sizes(size, count, known) == expected


def test_candidate_part_sizes_for_a_big_aws_cli_upload_include_its_doubled_size() -> None:
    size = 100 * 1024**3  # 100 GiB: aws cli doubles 8 MiB to 16 MiB to stay under 10,000 parts
    assert 16 * MiB in candidate_part_sizes(size, 6400)


@pytest.mark.parametrize(
    ("nbytes", "text"), [(8 * MiB, "8 MiB"), (1024 * MiB, "1 GiB"), (5_000_000, "5,000,000 bytes")]
)
def test_describe_size_names_part_sizes_as_people_set_them(nbytes: int, text: str) -> None:
    assert describe_size(nbytes) == text


def test_verifier_accepts_bytes_matching_a_plain_md5_etag() -> None:
    data = data_of(100_000)
    assert verify(data, f'"{md5_hex(data)}"') == (True, "ETag (MD5)")


def test_verifier_rejects_bytes_differing_from_a_plain_md5_etag() -> None:
    data = data_of(100_000)
    damaged = data[:500] + bytes([data[500] ^ 1]) + data[501:]
    assert verify(damaged, md5_hex(data)) == (False, "MD5 differs from the ETag")


def test_verifier_prefers_the_md5_stored_at_upload() -> None:
    data = data_of(1000)
    assert verify(data, "not-an-md5", stored_md5_hex=md5_hex(data).upper()) == (True, "MD5 stored at upload")


def test_verifier_rejects_bytes_differing_from_the_stored_md5() -> None:
    data = data_of(1000)
    ok, how = verify(data, md5_hex(data), stored_md5_hex=md5_hex(b"other"))
    assert (ok, how) == (False, "MD5 differs from the MD5 stored at upload")


def test_verifier_rejects_a_file_of_the_wrong_size_first() -> None:
    data = data_of(1000)
    verifier = ChecksumVerifier(1001, md5_hex(data))
    verifier.feed(data)
    assert verifier.result() == (False, "1,000 bytes arrived, 1,001 expected")


def test_verifier_accepts_an_empty_file() -> None:
    verifier = ChecksumVerifier(0, EMPTY_MD5)
    assert verifier.result() == (True, "ETag (MD5)")


def test_verifier_accepts_an_empty_file_uploaded_as_one_empty_part() -> None:
    verifier = ChecksumVerifier(0, etag_for(b"", 5 * MiB))
    assert verifier.result() == (True, "ETag (MD5 of 1 part)")


def test_verifier_accepts_a_small_file_uploaded_as_one_part() -> None:
    data = data_of(3 * MiB)
    assert verify(data, etag_for(data, 8 * MiB)) == (True, "ETag (MD5 of 1 part)")


def test_verifier_checks_only_the_size_when_the_etag_is_no_md5() -> None:
    data = data_of(1000)
    assert verify(data, "0123456789abcdef") == (True, "size only")


@pytest.mark.parametrize("chunk", [1_000_003, 8 * MiB, 64 * 1024, 20 * MiB])
def test_verifier_finds_an_aws_cli_multipart_etag_whatever_the_chunk_size(chunk: int) -> None:
    data = data_of(20 * MiB)
    assert verify(data, etag_for(data, 8 * MiB), chunk) == (True, "ETag (MD5 of 3 parts of 8 MiB)")


def test_verifier_finds_an_rclone_multipart_etag() -> None:
    data = data_of(12 * MiB + 5)
    assert verify(data, etag_for(data, 5 * MiB), 777_777) == (True, "ETag (MD5 of 3 parts of 5 MiB)")


def test_verifier_finds_the_size_over_count_estimate() -> None:
    data = data_of(20 * MiB)
    assert verify(data, etag_for(data, 7 * MiB), 999_999) == (True, "ETag (MD5 of 3 parts of 7 MiB)")


def test_verifier_uses_the_known_part_size_from_metadata() -> None:
    data = data_of(20 * MiB)
    etag = etag_for(data, 6 * MiB)
    assert verify(data, etag, known_part_size=6 * MiB) == (True, "ETag (MD5 of 4 parts of 6 MiB)")


def test_verifier_rejects_damage_when_the_part_size_is_known() -> None:
    data = data_of(20 * MiB)
    etag = etag_for(data, 6 * MiB)
    damaged = data[: 13 * MiB] + b"\x00" + data[13 * MiB + 1 :]
    ok, how = verify(damaged, etag, known_part_size=6 * MiB)
    assert (ok, how) == (False, "part MD5s differ from the ETag (parts of 6 MiB)")


def test_verifier_checks_only_the_size_when_no_guessed_part_size_fits() -> None:
    data = data_of(20 * MiB)
    assert verify(data, etag_for(data, 6 * MiB)) == (True, "size only")


def test_verifier_does_not_fail_damage_it_cannot_attribute_to_a_known_part_size() -> None:
    data = data_of(20 * MiB)
    damaged = data[:-1] + bytes([data[-1] ^ 0xFF])
    # Guesses only: a miss may be an unrecorded part size, so it is not called damage.
    assert verify(damaged, etag_for(data, 8 * MiB)) == (True, "size only")


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5, 7, 11, 100])
def test_verifier_splits_parts_correctly_across_chunk_boundaries(chunk: int) -> None:
    data = data_of(11)
    etag = etag_for(data, 4)
    assert verify(data, etag, chunk, known_part_size=4) == (True, "ETag (MD5 of 3 parts of 4 bytes)")


@pytest.mark.parametrize("chunk", [1, 4, 5, 9])
def test_verifier_detects_a_swapped_part_with_a_known_size(chunk: int) -> None:
    data = data_of(12)
    etag = etag_for(data, 4)
    swapped = data[4:8] + data[:4] + data[8:]
    assert verify(swapped, etag, chunk, known_part_size=4)[0] is False


def test_verifier_accepts_memoryview_chunks() -> None:
    data = data_of(11)
    verifier = ChecksumVerifier(11, etag_for(data, 4), known_part_size=4)
    view = memoryview(data)
    verifier.feed(view[:6])
    verifier.feed(view[6:])
    assert verifier.result()[0] is True


def test_part_hasher_gives_the_multipart_etag_from_parts_added_in_any_order() -> None:
    data = data_of(11)
    hasher = PartHasher()
    hasher.add(3, md5_digest(data[8:]))
    hasher.add(1, md5_digest(data[:4]))
    hasher.add(2, md5_digest(data[4:8]))
    assert hasher.etag() == etag_for(data, 4)


def test_part_hasher_accepts_part_etags_from_the_server() -> None:
    hasher = PartHasher()
    hasher.add_etag(1, f'"{md5_hex(b"a")}"')
    hasher.add_etag(2, md5_hex(b"b").upper())
    assert hasher.etag() == multipart_etag([md5_digest(b"a"), md5_digest(b"b")])


def test_part_hasher_matches_the_quoted_etag_the_server_returns() -> None:
    hasher = PartHasher()
    hasher.add(1, md5_digest(b"a"))
    assert hasher.matches(f'"{multipart_etag([md5_digest(b"a")]).upper()}"') is True
    assert hasher.matches(f'"{multipart_etag([md5_digest(b"b")])}"') is False


def test_part_hasher_keeps_the_last_try_of_a_retried_part() -> None:
    hasher = PartHasher()
    hasher.add(1, md5_digest(b"first try"))
    hasher.add(1, md5_digest(b"a"))
    assert hasher.etag() == multipart_etag([md5_digest(b"a")])


def test_part_hasher_refuses_missing_parts() -> None:
    hasher = PartHasher()
    hasher.add(1, md5_digest(b"a"))
    hasher.add(3, md5_digest(b"c"))
    with pytest.raises(ValueError, match=r"not numbered 1\.\.2"):
        hasher.etag()


def test_part_hasher_refuses_a_part_etag_that_is_no_md5() -> None:
    with pytest.raises(ValueError, match="is not an MD5"):
        PartHasher().add_etag(1, "abc-2")
