"""Importers on sample texts: several entries, comments, missing fields, malformed lines."""

from __future__ import annotations

from spacesgui.core.account_export import export_accounts, parse_export
from spacesgui.core.account_import import (
    ImportResult,
    SourceKind,
    already_present,
    parse_environment,
)
from spacesgui.core.accounts import Account, AddressingStyle
from spacesgui.core.import_parsers import parse_aws, parse_rclone, parse_s3cfg
from spacesgui.core.ini_text import parse_ini

AWS_CREDENTIALS = """\
# my keys
[default]
aws_access_key_id = AKDEFAULT
aws_secret_access_key = default-secret

[spaces]
aws_access_key_id=DO00SPACES
aws_secret_access_key=spaces-secret
; a comment

[temporary]
aws_access_key_id = ASIATEMP
aws_secret_access_key = temp-secret
aws_session_token = token

[broken
aws_access_key_id = SHOULD-NOT-APPEAR
"""

AWS_CONFIG = """\
[default]
region = eu-west-1

[profile spaces]
region = us-east-1
s3 =
    endpoint_url = https://ams3.digitaloceanspaces.com
    addressing_style = virtual

[profile minio]
aws_access_key_id = MINIOKEY
endpoint_url = http://127.0.0.1:9000
s3 =
  addressing_style = path
this line has no equals sign

[profile sso]
sso_session = corp

[profile badendpoint]
aws_access_key_id = BADKEY
endpoint_url = ftp://example.com

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
"""


def _by_name(result: ImportResult) -> dict[str, object]:
    return {c.name: c for c in result.candidates}


def _problems(result: ImportResult) -> str:
    return "\n".join(p.text() for p in result.problems)


def test_aws_profiles_merge_both_files_and_recognise_digitalocean() -> None:
    result = parse_aws(AWS_CREDENTIALS, AWS_CONFIG)
    found = {c.name: c for c in result.candidates}

    assert set(found) == {"default", "spaces", "minio"}
    spaces = found["spaces"]
    assert spaces.provider == "digitalocean"
    assert spaces.region == "ams3"  # the host says so, whatever `region` was
    assert spaces.endpoint_url == "https://ams3.digitaloceanspaces.com"
    assert spaces.addressing is AddressingStyle.VIRTUAL
    assert (spaces.access_key_id, spaces.secret) == ("DO00SPACES", "spaces-secret")
    default = found["default"]
    assert (default.provider, default.region) == ("aws", "eu-west-1")
    assert default.endpoint_url == "https://s3.eu-west-1.amazonaws.com"
    minio = found["minio"]
    assert (minio.endpoint_url, minio.addressing, minio.secret) == (
        "http://127.0.0.1:9000", AddressingStyle.PATH, "",
    )  # fmt: skip


def test_aws_bad_entries_each_get_a_message_and_never_import() -> None:
    result = parse_aws(AWS_CREDENTIALS, AWS_CONFIG)
    text = _problems(result)

    assert "profile temporary" in text
    assert "temporary keys" in text
    assert "profile sso" in text
    assert "AWS SSO" in text
    assert "profile badendpoint" in text
    assert "ftp://" in text
    assert "[broken" in text
    assert "Line 16" in text
    assert "this line has no equals sign" in text
    assert "SHOULD-NOT-APPEAR" not in {c.access_key_id for c in result.candidates}


def test_a_secret_never_shows_in_a_candidates_repr() -> None:
    (candidate,) = parse_aws("[x]\naws_access_key_id = K\naws_secret_access_key = hush\n", "").candidates
    assert "hush" not in repr(candidate)


def test_aws_services_section_gives_an_endpoint_to_the_profiles_naming_it() -> None:
    config = (
        "[profile do]\naws_access_key_id = K\nservices = spaces\n"
        "[services spaces]\ns3 =\n  endpoint_url = https://fra1.digitaloceanspaces.com\n"
    )
    (candidate,) = parse_aws("", config).candidates
    assert (candidate.provider, candidate.region) == ("digitalocean", "fra1")


def test_s3cfg_reads_host_base_host_bucket_keys_and_use_https() -> None:
    text = """\
[default]
access_key = DO00S3CMD
secret_key = s3cmd-secret
host_base = sgp1.digitaloceanspaces.com
host_bucket = %(bucket)s.sgp1.digitaloceanspaces.com
use_https = True
"""
    (candidate,) = parse_s3cfg(text).candidates
    assert candidate.source is SourceKind.S3CMD
    assert candidate.endpoint_url == "https://sgp1.digitaloceanspaces.com"
    assert (candidate.provider, candidate.region) == ("digitalocean", "sgp1")
    assert candidate.addressing is AddressingStyle.VIRTUAL
    assert (candidate.access_key_id, candidate.secret) == ("DO00S3CMD", "s3cmd-secret")


def test_s3cfg_plain_http_path_style_and_a_section_without_keys() -> None:
    text = """\
[default]
access_key = LOCAL
host_base = 127.0.0.1:9000
host_bucket = 127.0.0.1:9000
use_https = False
[other]
host_base = example.com
"""
    result = parse_s3cfg(text)
    (candidate,) = result.candidates
    assert candidate.endpoint_url == "http://127.0.0.1:9000"
    assert candidate.addressing is AddressingStyle.PATH
    assert "section [other]" in _problems(result)
    assert "no access_key" in _problems(result)


RCLONE = """\
[spaces]
type = s3
provider = DigitalOcean
access_key_id = DO00RCLONE
secret_access_key = rclone-secret
endpoint = nyc3.digitaloceanspaces.com

[nosecret]
type = s3
provider = Minio
access_key_id = MINIO
endpoint = http://127.0.0.1:9000

[fromenv]
type = s3
provider = AWS
env_auth = true

[aws]
type = s3
provider = AWS
access_key_id = AKAWS
secret_access_key = aws-secret
region = us-west-2

[drive]
type = drive
token = {"x": 1}

[noendpoint]
type = s3
provider = Other
access_key_id = K
"""


def test_rclone_s3_remotes_are_read_and_others_passed_over() -> None:
    result = parse_rclone(RCLONE)
    found = {c.name: c for c in result.candidates}

    assert set(found) == {"spaces", "nosecret", "aws"}
    spaces = found["spaces"]
    assert (spaces.provider, spaces.region, spaces.endpoint_url) == (
        "digitalocean", "nyc3", "https://nyc3.digitaloceanspaces.com",
    )  # fmt: skip
    assert spaces.secret == "rclone-secret"
    assert found["nosecret"].secret == ""  # asked for at import
    assert found["nosecret"].addressing is AddressingStyle.PATH  # Minio: path style
    assert found["aws"].endpoint_url == "https://s3.us-west-2.amazonaws.com"
    text = _problems(result)
    assert "remote fromenv" in text
    assert "env_auth" in text
    assert "remote noendpoint" in text
    assert "no endpoint" in text
    assert "drive" not in text


def test_an_rclone_remote_signed_with_v2_is_explained_not_imported_with_that_as_its_region() -> None:
    """rclone's region "other-v2-signature" means: sign with SigV2. It was taken as a region."""
    result = parse_rclone(
        "[old-ceph]\ntype = s3\nprovider = Ceph\naccess_key_id = K\nsecret_access_key = S\n"
        "endpoint = https://ceph.example.com\nregion = other-v2-signature\n"
    )
    assert not result.candidates
    text = _problems(result)
    assert "remote old-ceph" in text
    assert "v2 signatures" in text


def test_an_encrypted_rclone_conf_is_one_clear_problem() -> None:
    result = parse_rclone("# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nAbCd==\n")
    assert not result.candidates
    assert "encrypted" in _problems(result)


def test_environment_keys_with_a_digitalocean_endpoint() -> None:
    result = parse_environment({
        "AWS_ACCESS_KEY_ID": "DO00ENV", "AWS_SECRET_ACCESS_KEY": "env-secret",
        "AWS_ENDPOINT_URL": "https://example.com", "AWS_ENDPOINT_URL_S3": "https://lon1.digitaloceanspaces.com",
        "AWS_DEFAULT_REGION": "us-east-1",
    })  # fmt: skip
    (candidate,) = result.candidates
    assert (candidate.provider, candidate.region) == ("digitalocean", "lon1")
    assert candidate.secret == "env-secret"


def test_environment_without_keys_is_no_source_and_temporary_keys_are_refused() -> None:
    assert parse_environment({"AWS_REGION": "us-east-1"}) == ImportResult()
    refused = parse_environment({"AWS_ACCESS_KEY_ID": "ASIA", "AWS_SESSION_TOKEN": "t"})
    assert not refused.candidates
    assert "temporary keys" in _problems(refused)
    assert (
        parse_environment({"AWS_ACCESS_KEY_ID": "K", "AWS_REGION": "eu-west-1"}).candidates[0].region
        == "eu-west-1"
    )


def test_ini_reader_keeps_going_after_bad_lines() -> None:
    ini = parse_ini("stray = 1\n[a]\nx = 1\n[a]\ny = 2\n[]\nz = 3\n[b]\nw=4\n")
    names = [s.name for s in ini.sections]
    assert names == ["a", "b"]
    assert ini.sections[0].values == {"x": "1", "y": "2"}
    assert any("appears again" in p for p in ini.sections[0].problems)
    assert any("Line 1" in p and "outside" in p for p in ini.problems)
    assert any("Line 6" in p for p in ini.problems)


def _account(**changes: object) -> Account:
    base = Account("Work", "digitalocean", "https://nyc3.digitaloceanspaces.com", "nyc3", "DO00WORK",
                   AddressingStyle.VIRTUAL, bucket="photos", cache_control="max-age=60")  # fmt: skip
    return base.with_changes(**changes)


def test_export_then_parse_round_trips_every_field_but_the_secret() -> None:
    accounts = [_account(), _account(name="Local", provider="custom", endpoint_url="http://127.0.0.1:9000",
                                     region="us-east-1", access_key_id="LOCAL", addressing=AddressingStyle.PATH,
                                     bucket="", upload_acl="public-read", ca_bundle="/srv/minio/ca.pem")]  # fmt: skip
    text = export_accounts(accounts)
    result = parse_export(text)

    assert "secret" not in text.lower()
    assert not result.problems
    back = [c.to_account() for c in result.candidates]
    for original, imported in zip(accounts, back, strict=True):
        assert imported.with_changes(id=original.id) == original
        assert already_present(result.candidates[accounts.index(original)], accounts) == original


def test_a_broken_export_file_and_broken_entries_say_what_is_wrong() -> None:
    assert "not JSON" in _problems(parse_export("{nope"))
    assert "not a spacesgui" in _problems(parse_export('{"accounts": []}'))
    text = (
        '{"format": "spacesgui-accounts", "version": 1, "accounts": ['
        '{"name": "ok", "endpoint_url": "https://nyc3.digitaloceanspaces.com", "access_key_id": "K"},'
        '{"name": "nokey", "endpoint_url": "https://nyc3.digitaloceanspaces.com"},'
        '"text", {"name": "badurl", "endpoint_url": "nyc3 digitalocean", "access_key_id": "K2"},'
        '{"name": "acl", "endpoint_url": "http://h", "access_key_id": "K3", "upload_acl": "everyone"}]}'
    )
    result = parse_export(text)
    assert [c.name for c in result.candidates] == ["ok"]
    problems = _problems(result)
    assert "account 2: access_key_id missing" in problems
    assert "account 3: it is not an object" in problems
    assert "account 4 (badurl)" in problems
    assert "upload_acl “everyone”" in problems


def test_a_malformed_line_that_may_hold_a_secret_is_never_quoted() -> None:
    text = "[p]\naws_secret_access_key: wJalrXUtnFEMI/K7MDENG\nwJalrXUtnFEMIK7MDENGbPxRfiCY\n"
    result = parse_aws(text, "")
    problems = _problems(result)
    assert "wJalrXUtnFEMI" not in problems
    assert "aws_secret_access_key …" in problems
    assert "a line of 28 characters" in problems


def test_a_space_or_cdn_host_as_endpoint_gives_the_region_endpoint_and_opens_that_space() -> None:
    for host in ("my-space.fra1.digitaloceanspaces.com", "my-space.fra1.cdn.digitaloceanspaces.com"):
        (candidate,) = parse_environment(
            {"AWS_ACCESS_KEY_ID": "K", "AWS_ENDPOINT_URL": f"https://{host}"}
        ).candidates
        assert (candidate.endpoint_url, candidate.region, candidate.bucket) == (
            "https://fra1.digitaloceanspaces.com", "fra1", "my-space",
        )  # fmt: skip


def test_a_private_ca_from_an_aws_profile_or_an_s3cfg_comes_along() -> None:
    aws = parse_aws(
        "[ceph]\naws_access_key_id = CEPHKEY\naws_secret_access_key = ceph-secret\n",
        "[profile ceph]\nendpoint_url = https://ceph.example.lan\nca_bundle = /srv/ceph/ca.pem\n",
    )
    s3cmd = parse_s3cfg(
        "[default]\naccess_key = MINIOKEY\nsecret_key = minio-secret\nhost_base = minio.example.lan:9000\n"
        "host_bucket = minio.example.lan:9000\nca_certs_file = /srv/minio/ca.pem\n"
    )
    assert [c.to_account().ca_bundle for c in aws.candidates] == ["/srv/ceph/ca.pem"]
    assert [c.to_account().ca_bundle for c in s3cmd.candidates] == ["/srv/minio/ca.pem"]
