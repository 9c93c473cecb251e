"""Helpers for the Space settings tests: a Space that may receive access logs."""

from __future__ import annotations

from spacesgui.adapters.s3_store import S3Store

LOG_DELIVERY = 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"'


def log_target(store: S3Store, bucket: str) -> str:
    """Create a second bucket the log-delivery group may write to (S3 and moto require it)."""
    target = f"{bucket[:50]}-logs"
    store.client.create_bucket(Bucket=target)
    owner = store.client.get_bucket_acl(Bucket=target)["Owner"]["ID"]
    store.client.put_bucket_acl(
        Bucket=target, GrantWrite=LOG_DELIVERY, GrantReadACP=LOG_DELIVERY, GrantFullControl=f'id="{owner}"'
    )
    return target
