"""Parsers for the AWS CLI, s3cmd and rclone settings files: text in, an ImportResult out.

Each entry (profile, section, remote) is judged alone: a bad one becomes a problem that
says which and why, and the others still come through.
"""

from __future__ import annotations

from collections.abc import Callable

from spacesgui.core.account_import import (
    TEMPORARY_KEYS,
    ImportCandidate,
    ImportProblem,
    ImportResult,
    SourceKind,
    bad_addressing,
    locate,
    yes,
)
from spacesgui.core.errors import InvalidEndpoint
from spacesgui.core.ini_text import IniSection, IniText, parse_ini
from spacesgui.core.tls import ca_path_problem

# -- AWS CLI: ~/.aws/credentials and ~/.aws/config -----------------------------------------


def parse_aws(credentials_text: str, config_text: str) -> ImportResult:
    """Profiles of both files, merged by name (keys from either; the credentials file wins).

    In the config file profiles are `[profile NAME]` (and `[default]`); `[services NAME]`
    blocks give endpoints to the profiles naming them with `services = NAME`.
    """
    kind = SourceKind.AWS
    credentials, config = parse_ini(credentials_text), parse_ini(config_text)
    problems = _file_problems(kind, "credentials file", credentials)
    problems += _file_problems(kind, "config file", config)
    profiles: dict[str, dict[str, str]] = {}
    nested: dict[str, dict[str, dict[str, str]]] = {}
    services: dict[str, dict[str, dict[str, str]]] = {}
    for section in config.sections:
        name = _config_profile_name(section.name)
        if section.name.startswith("services "):
            services[section.name.removeprefix("services ").strip()] = section.subsections
        if name is None:
            continue
        problems += _section_problems(kind, f"profile {name} (config)", section)
        profiles.setdefault(name, {}).update(section.values)
        nested[name] = section.subsections
    for section in credentials.sections:
        problems += _section_problems(kind, f"profile {section.name} (credentials)", section)
        profiles.setdefault(section.name, {}).update(
            {k: v for k, v in section.values.items() if k.startswith("aws_")}
        )
    candidates = []
    for name, values in profiles.items():
        s3 = {
            **services.get(values.get("services", ""), {}).get("s3", {}),
            **nested.get(name, {}).get("s3", {}),
        }
        found = _aws_profile(name, values, s3)
        if isinstance(found, ImportProblem):
            problems.append(found)
        else:
            candidates.append(found)
            if note := bad_addressing(s3.get("addressing_style", "")):
                problems.append(ImportProblem(kind, f"profile {name}", note))
    return ImportResult(tuple(candidates), tuple(problems))


def _config_profile_name(header: str) -> str | None:
    if header == "default":
        return "default"
    if header.startswith("profile "):
        return header.removeprefix("profile ").strip() or None
    return None  # sso-session, services, plugins…: not profiles


def _aws_profile(name: str, values: dict[str, str], s3: dict[str, str]) -> ImportCandidate | ImportProblem:
    kind, where = SourceKind.AWS, f"profile {name}"
    key_id = values.get("aws_access_key_id", "")
    if not key_id:
        how = next(
            (label for key, label in _INDIRECT_KEYS if values.get(key)),
            "it has no aws_access_key_id",
        )
        return ImportProblem(kind, where, f"no keys to import: {how}.")
    if values.get("aws_session_token"):
        return ImportProblem(kind, where, TEMPORARY_KEYS)
    endpoint = s3.get("endpoint_url") or values.get("endpoint_url", "")
    try:
        place = locate(endpoint, values.get("region", ""), s3.get("addressing_style", ""))
    except InvalidEndpoint as exc:
        return ImportProblem(kind, where, exc.message)
    ca_bundle = values.get("ca_bundle", "").strip()  # the profile's private CA, if any
    if problem := ca_path_problem(ca_bundle):
        return ImportProblem(kind, where, f"ca_bundle “{ca_bundle}”: {problem}.")
    return ImportCandidate(
        kind, where, name, place.provider, place.endpoint_url, place.region, key_id,
        values.get("aws_secret_access_key", ""), place.addressing, place.bucket, ca_bundle=ca_bundle,
    )  # fmt: skip


_INDIRECT_KEYS = (
    ("sso_session", "it signs in with AWS SSO"),
    ("sso_start_url", "it signs in with AWS SSO"),
    ("role_arn", "it assumes a role"),
    ("credential_process", "it gets its keys from a program (credential_process)"),
    ("web_identity_token_file", "it uses a web identity token"),
)


# -- s3cmd: ~/.s3cfg ---------------------------------------------------------------------


def parse_s3cfg(text: str) -> ImportResult:
    """The [default] section (and any other) of an s3cmd configuration."""
    kind = SourceKind.S3CMD
    ini = parse_ini(text)
    problems = _file_problems(kind, ".s3cfg", ini)
    places = [(section, f"section [{section.name}]") for section in ini.sections]
    return _read_sections(kind, places, _s3cmd_section, problems)


def _read_sections(
    kind: SourceKind,
    places: list[tuple[IniSection, str]],
    read: Callable[[IniSection, str], ImportCandidate | ImportProblem],
    problems: list[ImportProblem],
) -> ImportResult:
    """Each section read into a candidate or a problem, after the file's own `problems`."""
    candidates = []
    for section, where in places:
        problems += _section_problems(kind, where, section)
        found = read(section, where)
        if isinstance(found, ImportProblem):
            problems.append(found)
        else:
            candidates.append(found)
    return ImportResult(tuple(candidates), tuple(problems))


def _s3cmd_section(section: IniSection, where: str) -> ImportCandidate | ImportProblem:
    kind, values = SourceKind.S3CMD, section.values
    key_id = values.get("access_key", "")
    if not key_id:
        return ImportProblem(kind, where, "no access_key: nothing to import.")
    host = values.get("host_base", "") or "s3.amazonaws.com"
    bucket_host = values.get("host_bucket", "")
    # %(bucket)s in host_bucket: the bucket goes in the host name (virtual-hosted style).
    style = "virtual" if "%(bucket)s" in bucket_host else ("path" if bucket_host else "")
    region = values.get("bucket_location", "")
    region = "" if region.upper() in ("US", "EU") else region  # s3cmd's old location words
    try:
        place = locate(host, region, style, https=yes(values.get("use_https", "True")))
    except InvalidEndpoint as exc:
        return ImportProblem(kind, where, f"host_base: {exc.message}")
    ca_bundle = values.get("ca_certs_file", "").strip()  # s3cmd's private CA, if any
    if problem := ca_path_problem(ca_bundle):
        return ImportProblem(kind, where, f"ca_certs_file “{ca_bundle}”: {problem}.")
    name = "s3cmd" if section.name == "default" else f"s3cmd {section.name}"
    return ImportCandidate(
        kind, where, name, place.provider, place.endpoint_url, place.region, key_id,
        values.get("secret_key", ""), place.addressing, place.bucket, ca_bundle=ca_bundle,
    )  # fmt: skip


# -- rclone: rclone.conf -----------------------------------------------------------------

ENCRYPTED_RCLONE = "RCLONE_ENCRYPT_V0:"


def parse_rclone(text: str) -> ImportResult:
    """The `type = s3` remotes; other remote types are not S3 accounts and are passed over."""
    kind = SourceKind.RCLONE
    if ENCRYPTED_RCLONE in text:
        return ImportResult(problems=(ImportProblem(
            kind, "rclone.conf", "the file is encrypted with a password, so spacesgui cannot read it. "
            "Run “rclone config show” to see its remotes, and add them by hand.",
        ),))  # fmt: skip
    ini = parse_ini(text)
    problems = _file_problems(kind, "rclone.conf", ini)
    remotes = [s for s in ini.sections if s.values.get("type", "").lower() == "s3"]
    places = [(section, f"remote {section.name}") for section in remotes]
    return _read_sections(kind, places, _rclone_remote, problems)


RCLONE_V2_REGION = "other-v2-signature"


def _rclone_remote(section: IniSection, where: str) -> ImportCandidate | ImportProblem:
    kind, values = SourceKind.RCLONE, section.values
    key_id = values.get("access_key_id", "")
    if not key_id:
        why = (
            "it takes its keys from the environment or an IAM role (env_auth = true); "
            "import the environment instead, or add the account by hand"
            if yes(values.get("env_auth", ""))
            else "it has no access_key_id"
        )
        return ImportProblem(kind, where, f"no keys to import: {why}.")
    endpoint = values.get("endpoint", "")
    brand = values.get("provider", "").lower()
    if values.get("region", "").strip().lower() == RCLONE_V2_REGION or yes(values.get("v2_auth", "")):
        # Not a region: rclone's word for "sign with the old v2 signatures", all this server takes.
        return ImportProblem(
            kind, where,
            "rclone signs it with old v2 signatures (v2_auth, or region = other-v2-signature), which "
            "spacesgui does not send; if the server also takes v4 signatures, add the account by hand.",
        )  # fmt: skip
    if not endpoint and brand not in ("", "aws"):
        return ImportProblem(kind, where, f"no endpoint for provider {values.get('provider')}.")
    path_style = values.get("force_path_style", "")
    style = ("path" if yes(path_style) else "virtual") if path_style else ""
    if brand == "digitalocean" and not style:
        style = "virtual"
    try:
        place = locate(endpoint, values.get("region", ""), style)
    except InvalidEndpoint as exc:
        return ImportProblem(kind, where, f"endpoint: {exc.message}")
    return ImportCandidate(
        kind, where, section.name, place.provider, place.endpoint_url, place.region, key_id,
        values.get("secret_access_key", ""), place.addressing, place.bucket,
    )  # fmt: skip


# -- shared -------------------------------------------------------------------------------


def _file_problems(kind: SourceKind, where: str, ini: IniText) -> list[ImportProblem]:
    return [ImportProblem(kind, where, text) for text in ini.problems]


def _section_problems(kind: SourceKind, where: str, section: IniSection) -> list[ImportProblem]:
    return [ImportProblem(kind, where, text) for text in section.problems]
