"""datetime, date and timedelta: ``primitive.datetime`` (Timestamp) and ``primitive.duration``.

Wire facts (checked against flytekit 1.16):

* a naive ``datetime`` is taken as UTC (not local time); an aware one is converted to UTC.
  Reading gives an aware UTC ``datetime``.
* a ``date`` is written as midnight UTC of that day, and read as the UTC date of the
  timestamp. A ``datetime`` passed where a ``date`` is declared is refused, as in flytekit:
  silently dropping its time would lose data.
* a negative ``timedelta`` is normalised the protobuf way (seconds and nanos share a sign).

The arithmetic is done here rather than by protobuf's ``FromDatetime``/``ToDatetime`` helpers:
it gives the same numbers at a fraction of the cost.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from featherkit.types._common import SimpleType, read_other
from featherkit.types.base import Reader
from featherkit.types.errors import mismatch
from featherkit.types.primitives import SimpleTransformer

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine

_UTC = datetime.timezone.utc
_EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
_EPOCH_ORDINAL = _EPOCH_NAIVE.toordinal()
_NANOS_PER_SECOND = 1_000_000_000
#: the range of a protobuf ``Timestamp`` (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z): an
#: aware datetime near year 1 or 9999 may fall outside it in UTC, and would not read back
_MIN_SECONDS = -62135596800
_MAX_SECONDS = 253402300799


def _micros(nanos: int) -> int:
    """Nanoseconds to microseconds rounded toward zero, as protobuf's helpers do."""
    return nanos // 1000 if nanos >= 0 else -((-nanos) // 1000)


def write_datetime(value: Any, out: literals_pb2.Literal) -> None:
    if not isinstance(value, datetime.datetime):
        raise mismatch("datetime", value)
    delta = value - (_EPOCH_NAIVE if value.utcoffset() is None else _EPOCH_UTC)
    seconds = delta.days * 86400 + delta.seconds
    if not _MIN_SECONDS <= seconds <= _MAX_SECONDS:
        raise mismatch("a datetime between years 1 and 9999 in UTC", value)
    stamp = out.scalar.primitive.datetime
    stamp.seconds = seconds
    stamp.nanos = delta.microseconds * 1000


class DatetimeTransformer(SimpleTransformer):
    name = "datetime"
    python_type = datetime.datetime
    simple = SimpleType.DATETIME
    write = staticmethod(write_datetime)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            if primitive.WhichOneof("value") == "datetime":
                stamp = primitive.datetime
                return _EPOCH_UTC + datetime.timedelta(
                    seconds=stamp.seconds, microseconds=_micros(stamp.nanos)
                )
            return read_other(literal, "a datetime", read, from_msgpack)

        return read


def write_date(value: Any, out: literals_pb2.Literal) -> None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise mismatch("date", value)
    out.scalar.primitive.datetime.seconds = (value.toordinal() - _EPOCH_ORDINAL) * 86400


class DateTransformer(SimpleTransformer):
    name = "date"
    python_type = datetime.date
    simple = SimpleType.DATETIME
    write = staticmethod(write_date)

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        return None  # DATETIME guesses as datetime, which carries more

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            if primitive.WhichOneof("value") == "datetime":
                stamp = primitive.datetime
                moment = _EPOCH_UTC + datetime.timedelta(
                    seconds=stamp.seconds, microseconds=_micros(stamp.nanos)
                )
                return moment.date()
            return read_other(literal, "a datetime (for a date)", read, from_msgpack)

        return read


def write_timedelta(value: Any, out: literals_pb2.Literal) -> None:
    if not isinstance(value, datetime.timedelta):
        raise mismatch("timedelta", value)
    seconds = value.days * 86400 + value.seconds
    nanos = value.microseconds * 1000
    if seconds < 0 and nanos > 0:
        seconds += 1
        nanos -= _NANOS_PER_SECOND
    duration = out.scalar.primitive.duration
    duration.seconds = seconds
    duration.nanos = nanos


class TimedeltaTransformer(SimpleTransformer):
    name = "timedelta"
    python_type = datetime.timedelta
    simple = SimpleType.DURATION
    write = staticmethod(write_timedelta)

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from_msgpack = self._from_msgpack

        def read(literal: literals_pb2.Literal) -> Any:
            primitive = literal.scalar.primitive
            if primitive.WhichOneof("value") == "duration":
                duration = primitive.duration
                return datetime.timedelta(
                    seconds=duration.seconds, microseconds=_micros(duration.nanos)
                )
            return read_other(literal, "a duration", read, from_msgpack)

        return read


