"""The optimistic version check and the deadlock retry of the service layer."""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import OperationalError, transaction

from jinguo.core import concurrency
from jinguo.core.concurrency import StaleVersion, check_version, retry_on_deadlock


class Record(SimpleNamespace):
    _meta = SimpleNamespace(verbose_name="维权个案")


def pg_error(sqlstate: str | None, text="deadlock detected") -> OperationalError:
    """An OperationalError as Django raises it from psycopg: the driver's error as its cause."""
    error = OperationalError(text)
    error.__cause__ = type("DriverError", (Exception,), {"sqlstate": sqlstate})()
    return error


# --- check_version -----------------------------------------------------------------------


def test_the_version_she_read_passes():
    check_version(Record(version=3), 3)
    check_version(Record(version=3), "3")  # as typed into a hidden input


def test_no_version_given_is_not_checked():
    check_version(Record(version=3), None)


def test_a_stale_version_raises_with_the_current_one():
    with pytest.raises(StaleVersion) as exc:
        check_version(Record(version=4), 3)
    assert exc.value.current_version == 4
    assert exc.value.code == "conflict"
    assert "这条维权个案在您编辑期间已被其他人修改" in exc.value.messages[0]


def test_a_service_may_word_the_conflict_itself():
    with pytest.raises(StaleVersion) as exc:
        check_version(Record(version=2), 1, message="档案已被他人修改。")
    assert exc.value.messages == ["档案已被他人修改。"]


# --- retry_on_deadlock -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_sleep():
    with mock.patch.object(concurrency.time, "sleep") as sleep:
        yield sleep


@pytest.fixture
def outside_transactions():
    """The retry only acts where no caller's transaction is open (a view, a worker)."""
    connection = mock.Mock(in_atomic_block=False)
    with mock.patch.object(concurrency.transaction, "get_connection", return_value=connection):
        yield


def flaky(failures: list[Exception]):
    calls = []

    @retry_on_deadlock
    def service(*, value):
        calls.append(value)
        if failures:
            raise failures.pop(0)
        return value * 2

    return service, calls


@pytest.mark.usefixtures("outside_transactions")
def test_a_deadlocked_call_runs_again_and_succeeds(no_sleep):
    service, calls = flaky([pg_error("40P01"), pg_error("40001", "could not serialize")])
    assert service(value=21) == 42
    assert calls == [21, 21, 21]
    assert no_sleep.call_count == 2


@pytest.mark.usefixtures("outside_transactions")
def test_it_gives_up_after_the_last_attempt_with_the_error():
    service, calls = flaky([pg_error("40P01") for _ in range(5)])
    with pytest.raises(OperationalError, match="deadlock detected"):
        service(value=1)
    assert len(calls) == concurrency.RETRY_ATTEMPTS


@pytest.mark.usefixtures("outside_transactions")
def test_the_number_of_attempts_can_be_set():
    calls = []

    @retry_on_deadlock(attempts=5)
    def service():
        calls.append(1)
        raise pg_error("40P01")

    with pytest.raises(OperationalError):
        service()
    assert len(calls) == 5


@pytest.mark.usefixtures("outside_transactions")
def test_other_database_errors_are_not_retried():
    service, calls = flaky([pg_error(None, "server closed the connection unexpectedly")])
    with pytest.raises(OperationalError, match="server closed"):
        service(value=1)
    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_nothing_is_retried():
    """That transaction is aborted too; only whoever opened it can start it again."""
    service, calls = flaky([pg_error("40P01")])
    with pytest.raises(OperationalError), transaction.atomic():
        service(value=1)
    assert calls == [1]
