"""A real S3 HTTP API on localhost for the storage tests: moto's server, started once per test
session, with a fresh bucket per test. The app's own client (obstore) talks to it over HTTP;
boto3 only creates the buckets (obstore cannot), and ``age`` reaches into the server's state
to make an object older, as ``os.utime`` does for a file.

A test module names the fixtures it uses: ``s3_settings = s3_server.s3_settings``.
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from datetime import timedelta

import boto3  # type: ignore[import-untyped]
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer

from contest.core.s3_storage import S3Settings

REGION = "us-east-1"
#: moto accepts any credentials; these only have to be present and signed with.
ACCESS_KEY_ID = "test-access-key"
SECRET_ACCESS_KEY = "test-secret-key"
_buckets = itertools.count(1)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The address of the test S3 server (plain HTTP on 127.0.0.1)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_settings(s3_endpoint: str) -> S3Settings:
    """A new, empty bucket of this test's own, with the photos under a prefix."""
    bucket = f"contest-test-{next(_buckets)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )
    client.create_bucket(Bucket=bucket)
    return S3Settings(
        url=f"s3://{bucket}/media",
        endpoint=s3_endpoint,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        region=REGION,
    )


def environment(settings: S3Settings) -> dict[str, str]:
    """The settings a site reads to keep its photos in this bucket (CONTEST_MEDIA_DIR and the
    usual AWS_* variables)."""
    return {
        "CONTEST_MEDIA_DIR": settings.url,
        "AWS_ENDPOINT_URL": settings.endpoint or "",
        "AWS_ACCESS_KEY_ID": settings.access_key_id or "",
        "AWS_SECRET_ACCESS_KEY": settings.secret_access_key or "",
        "AWS_REGION": settings.region or "",
    }


def bucket_keys(settings: S3Settings) -> list[str]:
    """Every object name in the settings' bucket, as the server holds them (with the prefix)."""
    bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[settings.bucket]
    return sorted(bucket.keys.keys())


def age(settings: S3Settings, key: str, seconds: float) -> None:
    """Make the object under ``key`` look stored ``seconds`` earlier than it was."""
    bucket = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[settings.bucket]
    stored = bucket.keys[f"{settings.prefix}/{key}"]
    stored.last_modified -= timedelta(seconds=seconds)


def closed_port_endpoint() -> str:
    """An http address on localhost where nothing listens (a port just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
