"""featherkit.redact: credentials in locations become ``***``; everything else stays."""

from __future__ import annotations

import pytest

from featherkit.redact import redact_location, redact_text


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("rediss+x://alice:Hunter2@db:6380/0?lock_ttl=3", "rediss+x://alice:***@db:6380/0?lock_ttl=3"),
        ("redis://:Hunter2@db/0", "redis://:***@db/0"),
        ("postgresql://bob@db/x", "postgresql://bob@db/x"),
        ("s3://bucket/k?X-Amz-Signature=Hunter2&x=1", "s3://bucket/k?X-Amz-Signature=***&x=1"),
        ("abfs://c/k?sv=1&sig=Hunter2", "abfs://c/k?sv=1&sig=***"),
        ("https://h/p?token=Hunter2#frag", "https://h/p?token=***#frag"),
        ("/tmp/plain/path", "/tmp/plain/path"),
        ("sqlite:///home/me/.cache/featherkit", "sqlite:///home/me/.cache/featherkit"),
        ("postgresql://u:Hunter2@[::1/db", "postgresql://***@[::1/db"),
    ],
)
def test_redact_location(location: str, expected: str) -> None:
    assert redact_location(location) == expected


def test_redact_text_finds_every_url_in_a_message() -> None:
    text = (
        "cannot reach redis://alice:Hunter2@a:1/0 nor 'gs://b/k?access_token=Hunter2'; "
        "see https://docs.example/page"
    )
    redacted = redact_text(text)
    assert "Hunter2" not in redacted
    assert "redis://alice:***@a:1/0" in redacted
    assert "'gs://b/k?access_token=***'" in redacted
    assert "https://docs.example/page" in redacted
    assert redact_text("no location here") == "no location here"
