"""A botocore session that reads no ~/.aws files and no AWS_* environment variables.

An account is its own endpoint, keys and region. botocore would otherwise mix in the
user's shell: AWS_PROFILE naming a profile that does not exist makes every client fail
(ProfileNotFound), a broken AWS_CONFIG_FILE fails it with ConfigParseError, and settings
such as AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE, AWS_USE_FIPS_ENDPOINT or an `s3 =` section of
~/.aws/config change how requests are made. Importing those files is the import dialog's
job (core/account_import.py), done once and shown to the user; never silently here.
"""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.configprovider import (
    BOTOCORE_DEFAUT_SESSION_VARIABLES,
    DEFAULT_PROXIES_CONFIG_VARS,
    DEFAULT_S3_CONFIG_VARS,
    ChainProvider,
    ConfigChainFactory,
    ConfigValueStore,
    ConstantProvider,
)

# Overridden defaults: no config or credentials file at all (None reads as "none"), and
# endpoints come only from the account (AWS_ENDPOINT_URL and `endpoint_url` ignored).
_FIXED: dict[str, Any] = {
    "config_file": None,
    "credentials_file": None,
    "profile": None,
    "ignore_configured_endpoint_urls": True,
}


def isolated_session() -> botocore.session.Session:
    """Return a new botocore session whose settings come only from code. Any thread."""
    session = botocore.session.Session()
    # environ={} and no config-file names: each setting is the session's own value or
    # botocore's default, never the process environment or a file.
    factory = ConfigChainFactory(session=session, environ={})
    mapping: dict[str, Any] = {
        name: _chain(factory, name, spec) for name, spec in BOTOCORE_DEFAUT_SESSION_VARIABLES.items()
    }
    for name, value in _FIXED.items():
        mapping[name] = ConstantProvider(value=value)
    mapping["s3"] = ConstantProvider(value=_section_defaults(factory, DEFAULT_S3_CONFIG_VARS))
    mapping["proxies_config"] = ConstantProvider(
        value=_section_defaults(factory, DEFAULT_PROXIES_CONFIG_VARS)
    )
    session.register_component("config_store", ConfigValueStore(mapping=mapping))
    return session


def _chain(factory: ConfigChainFactory, name: str, spec: tuple[Any, ...]) -> ChainProvider:
    _config_names, _env_names, default, conversion = spec
    return factory.create_config_chain(instance_name=name, default=default, conversion_func=conversion)


def _section_defaults(
    factory: ConfigChainFactory, variables: dict[str, tuple[Any, ...]]
) -> dict[str, Any] | None:
    """The defaults of a config-file section (`s3 =`, proxies), or None when it has none."""
    values = {}
    for name, spec in variables.items():
        value = _chain(factory, name, spec).provide()
        if value is not None:
            values[name] = value
    return values or None
