"""The one scheduler: registered jobs, their last-run records, failures that stop nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jinguo.core import registry, scheduler
from jinguo.core.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch):
    empty = registry.Registry()
    monkeypatch.setattr(registry, "registry", empty)
    calls = []

    def good():
        calls.append("good")
        return {"n": 3}

    def bad():
        calls.append("bad")
        secret = "张三 " + "138" + "0013" + "8000"
        raise RuntimeError(secret)  # a message that must not reach the log

    registry.job("a.bad", "会失败的任务", bad, every_minutes=10)
    registry.job(
        "b.good", "正常任务", good, every_minutes=60, describe=lambda r: f"处理 {r['n']} 件"
    )
    return calls


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(jobs, caplog):
    ran = scheduler.run_due()
    assert jobs == ["bad", "good"]
    assert [(job.key, ok) for job, ok, _ in ran] == [("a.bad", False), ("b.good", True)]
    bad, good = JobRun.objects.get(key="a.bad"), JobRun.objects.get(key="b.good")
    assert bad.outcome == JobRun.Outcome.FAILED and bad.failures == 1
    assert "RuntimeError" in bad.summary and bad.last_success_at is None
    assert good.outcome == JobRun.Outcome.OK and good.summary == "处理 3 件"
    assert good.last_success_at is not None and good.finished_at >= good.started_at
    assert "13800138000" not in caplog.text and "RuntimeError" in caplog.text


def test_a_job_runs_again_only_when_its_period_has_passed(jobs):
    scheduler.run_due()
    jobs.clear()
    scheduler.run_due(now=timezone.now() + timedelta(minutes=11))
    assert jobs == ["bad"]  # every 10 minutes; the hourly one is not due yet
    assert JobRun.objects.get(key="a.bad").failures == 2
    jobs.clear()
    scheduler.run_due(force=True)
    assert jobs == ["bad", "good"]


def test_once_runs_every_job_and_reports_failures(jobs):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 项定时任务执行失败"):
        call_command("run_scheduler", "--once", stdout=out, stderr=err)
    assert "正常任务：处理 3 件" in out.getvalue()
    assert "会失败的任务" in err.getvalue()
    out = StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "a.bad" in out.getvalue() and "失败" in out.getvalue()


def test_a_success_resets_the_failure_count(jobs, monkeypatch):
    scheduler.run_due()
    job = registry.registry.jobs["a.bad"]
    monkeypatch.setitem(
        registry.registry.jobs, "a.bad", registry.Job(job.key, job.label, lambda: None)
    )
    scheduler.run_due(force=True)
    run = JobRun.objects.get(key="a.bad")
    assert run.outcome == JobRun.Outcome.OK and run.failures == 0 and run.summary == "完成"
