"""User code the end-to-end pods run (this directory goes on the pods' PYTHONPATH)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import NamedTuple, Optional

from featherkit import RecoverableError, current_context, task


class Tier(enum.Enum):
    FREE = "free"
    PRO = "pro"


@dataclasses.dataclass
class Account:
    name: str
    tier: Tier
    credits: float
    tags: list[str]


class Summary(NamedTuple):
    account: Account
    renewed: datetime.datetime
    note: Optional[str]
    raw_output_prefix: str


@task(enable_deck=True)
def renew(account: Account, on: datetime.datetime, months: int = 1) -> Summary:
    upgraded = dataclasses.replace(account, tier=Tier.PRO, credits=account.credits + 10 * months)
    return Summary(
        account=upgraded,
        renewed=on + datetime.timedelta(days=30 * months),
        note=None if months == 1 else f"{months} months",
        raw_output_prefix=current_context().raw_output_prefix,
    )


@task
def rate_limited(account: Account) -> float:
    raise RecoverableError(f"billing API rate limited for {account.name}")
