"""Imports that cannot hurt the server or leak: zip bombs refused in the upload request, uploads
encrypted at rest and deleted with their job, abandoned jobs failed with a message, and a
template whose example row imports as it is."""

import io
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinguo.core import crypto, registry, scheduler
from jinguo.orgs.choices import UnitKind
from jinguo.people import choices
from jinguo.people.models import Person, PersonImport
from jinguo.people.services.importing import columns, housekeeping, reader, runner
from jinguo.people.views import importing as views_import
from jinguo.testing import xlsx_bombs as bombs
from jinguo.testing.factories import user_with_role
from jinguo.testing.tree import make_unit

from .test_import import XLSX, last_job, row, upload, xlsx

pytestmark = pytest.mark.django_db

STALE = "导入进程意外中断，未导入任何记录，请重新上传。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class NoWorker:
    def enqueue(self, *args):
        pass


def stored(media) -> list[Path]:
    folder = Path(media) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def page_text(response) -> str:
    return response.content.decode()


# --- zip bombs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        # The two files: 400 MB of shared strings, 35 million empty rows.
        (
            lambda: bombs.shared_strings_bomb(columns.HEADERS, 400 * 1024 * 1024),
            "解压后超过 200 MB",
        ),
        (lambda: bombs.empty_rows_bomb(columns.HEADERS, 35_000_000), "解压后超过 200 MB"),
        # Within 200 MB, but a thousand times its packed size.
        (lambda: bombs.shared_strings_bomb(columns.HEADERS, 20 * 1024 * 1024), "可能不是正常的"),
        # A small file declaring 35 million rows.
        (
            lambda: bombs.empty_rows_bomb(columns.HEADERS, 3, dimension="A1:S35000001"),
            "超过 200,000 行的上限",
        ),
    ],
    ids=["shared strings", "empty rows", "ratio", "declared rows"],
)
def test_zip_bombs_are_refused_in_the_upload_request_at_once(
    login, community_chair, media, bomb, message
):
    content = bomb()
    assert len(content) < 1024 * 1024
    client = login(community_chair)
    response = upload(client, content)  # how fast: bench/bench_import_bombs.py
    assert response.status_code == 200
    assert message in page_text(response)
    assert not PersonImport.objects.exists() and not stored(media)


def test_empty_rows_count_against_the_row_limit_while_streaming(
    login, community_chair, tree, monkeypatch
):
    """Without a declared size the request cannot know; the run stops at the limit."""
    monkeypatch.setattr(reader, "MAX_ROWS", 50)
    cells = {"姓名": "张丽", "所属单位代码": tree.community_a.code}
    data_row = "".join(
        f'<c r="{bombs._column(i)}2" t="inlineStr"><is><t>{cells[h]}</t></is></c>'
        for i, h in enumerate(columns.HEADERS, start=1)
        if h in cells
    )
    content = bombs.workbook(
        bombs.sheet(
            [bombs.header_row(columns.HEADERS), f'<row r="2">{data_row}</row>'.encode()]
            + [b"<row/>"] * 100
        ),
        bombs.shared_strings(columns.HEADERS),
    )
    response = upload(login(community_chair), content)
    job = last_job()
    assert response.status_code == 302
    assert job.status == choices.ImportStatus.FAILED
    assert "超过 50 行的上限" in job.message
    assert not Person.objects.exists()


# --- uploads at rest --------------------------------------------------------------------------


def test_an_upload_is_stored_encrypted_owner_only_and_never_in_clear(
    login, community_chair, media, monkeypatch
):
    # Keep the job queued, so its stored file can be looked at.
    monkeypatch.setattr(views_import, "INLINE_MAX_ROWS", 0)
    monkeypatch.setattr(views_import, "import_persons", NoWorker())
    # Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file; not this one.
    temporary = []
    real_init = TemporaryUploadedFile.__init__

    def spy(self, *args, **kwargs):
        temporary.append(args)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", spy)
    monkeypatch.setattr("django.conf.settings.FILE_UPLOAD_MAX_MEMORY_SIZE", 10)
    id_number = row()["证件号码"]
    content = xlsx([row()])
    response = upload(login(community_chair), content)
    assert response.status_code == 302 and not temporary
    job = last_job()
    assert job.status == choices.ImportStatus.PENDING
    (path,) = stored(media)
    assert job.stored_path == f"imports/{path.name}" and not path.name.endswith(".xlsx")
    sealed = path.read_bytes()
    assert not sealed.startswith(b"PK") and id_number.encode() not in sealed
    assert crypto.decrypt_bytes(sealed) == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_upload_is_deleted_when_the_job_runs_whatever_its_outcome(
    login, community_chair, media
):
    client = login(community_chair)
    upload(client, xlsx([row()]))
    assert last_job().status == choices.ImportStatus.DONE
    upload(client, xlsx([row(证件号码="1")]))
    assert last_job().status == choices.ImportStatus.FAILED
    assert not stored(media)
    assert set(PersonImport.objects.values_list("stored_path", flat=True)) == {""}


def test_a_file_from_before_encryption_fails_its_job_with_a_message(community_chair, media):
    folder = Path(media) / "imports"
    folder.mkdir(parents=True)
    (folder / "old.xlsx").write_bytes(xlsx([row()]))
    job = PersonImport.objects.create(
        user=community_chair, file_name="旧.xlsx", stored_path="imports/old.xlsx"
    )
    job = runner.person_import_run(import_id=job.pk)
    assert job.status == choices.ImportStatus.ERROR and "请重新上传" in job.message
    assert not stored(media) and not Person.objects.exists()


def test_the_platforms_files_are_owner_only(settings):
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_the_csrf_check_still_guards_the_upload(client, community_chair):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(community_chair)
    assert upload(client, xlsx([row()])).status_code == 403
    assert not PersonImport.objects.exists()
    token = client.get(reverse("people:person_import_list")).cookies["csrftoken"].value
    response = client.post(
        reverse("people:person_import_list"),
        {
            "file": SimpleUploadedFile("人员.xlsx", xlsx([row()]), content_type=XLSX),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302 and last_job().status == choices.ImportStatus.DONE


# --- abandoned jobs ---------------------------------------------------------------------------


def queued_job(user, **fields) -> PersonImport:
    job = runner.person_import_create(
        user=user, data=xlsx([row()]), file_name="人员.xlsx", total_rows=1
    )
    if fields:
        PersonImport.objects.filter(pk=job.pk).update(**fields)
        job.refresh_from_db()
    return job


def run_housekeeping() -> str:
    (job,) = [j for j in registry.jobs() if j.key == "people.imports"]
    ok, summary = scheduler.run_job(job)
    assert ok, summary
    return summary


def test_a_job_whose_process_died_is_failed_by_the_scheduler(login, community_chair, media):
    long_ago = timezone.now() - timedelta(minutes=11)
    dead = queued_job(
        community_chair,
        status=choices.ImportStatus.RUNNING,
        heartbeat_at=long_ago,
        processed_rows=1,
    )
    alive = queued_job(
        community_chair, status=choices.ImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    summary = run_housekeeping()
    assert "中断的导入 1 个" in summary
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == choices.ImportStatus.ERROR and dead.message == STALE
    assert dead.finished_at and dead.stored_path == ""
    assert alive.status == choices.ImportStatus.RUNNING and alive.stored_path
    assert stored(media) == [Path(media) / alive.stored_path]
    page = page_text(
        login(community_chair).get(reverse("people:person_import_detail", args=[dead.pk]))
    )
    assert STALE in page and "every 1s" not in page and "正在写入数据库" not in page


def test_the_job_page_notices_an_abandoned_job_without_the_scheduler(login, community_chair):
    job = queued_job(
        community_chair,
        status=choices.ImportStatus.RUNNING,
        processed_rows=1,
        heartbeat_at=timezone.now() - timedelta(minutes=30),
    )
    client = login(community_chair)
    fragment = page_text(client.get(reverse("people:person_import_status", args=[job.pk])))
    assert STALE in fragment and "every 1s" not in fragment
    job.refresh_from_db()
    assert job.status == choices.ImportStatus.ERROR and job.stored_path == ""


def test_the_heartbeat_moves_while_a_job_runs(community_chair, tree, monkeypatch):
    monkeypatch.setattr(runner, "BATCH_SIZE", 1)
    beats = []
    real = runner._progress

    def progress(job, processed, total):
        real(job, processed, total)
        beats.append(PersonImport.objects.get(pk=job.pk).heartbeat_at)

    monkeypatch.setattr(runner, "_progress", progress)
    rows = [row(姓名=f"人员{i}", 证件号码="", 证件类型="") for i in range(3)]
    job = runner.person_import_create(
        user=community_chair, data=xlsx(rows), file_name="人员.xlsx", total_rows=3
    )
    started = timezone.now()
    job = runner.person_import_run(import_id=job.pk)
    assert job.status == choices.ImportStatus.DONE, job.errors
    assert len(beats) == 3 and all(b and b >= started for b in beats)
    assert beats == sorted(beats) and job.heartbeat_at >= beats[-1]


def test_a_restarted_worker_finds_nothing_hanging(community_chair, media):
    """What a worker killed mid-write leaves: a claimed job, no commit. It is failed, and a
    second run of its task (a restarted worker) does not take it up again."""
    job = queued_job(community_chair)
    PersonImport.objects.filter(pk=job.pk).update(
        status=choices.ImportStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=15),
    )
    housekeeping.person_imports_housekeeping()
    assert runner.person_import_run(import_id=job.pk).status == choices.ImportStatus.ERROR
    assert not Person.objects.exists() and not stored(media)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two processes share one database")
def test_killing_the_worker_while_it_writes(community_chair, tree, media):
    """A real worker process, killed (SIGKILL) in the middle of the write: nothing is written,
    nothing stays on disk, and the job is failed with a message instead of hanging."""
    rows = [row(姓名=f"人员{i}", 证件号码="", 证件类型="") for i in range(3)]
    job = runner.person_import_create(
        user=community_chair, data=xlsx(rows), file_name="人员.xlsx", total_rows=3
    )
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jinguo.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "JINGUO_MEDIA_ROOT": str(media),
    }
    script = (
        "import time, django\n"
        "django.setup()\n"
        "from jinguo.people.services.importing import runner\n"
        "real = runner.insert_rows\n"
        "def stuck(*args, **kwargs):\n"
        "    done = real(*args, **kwargs)\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(120)\n"
        "    return done\n"
        "runner.insert_rows = stuck\n"
        f"runner.person_import_run(import_id={job.pk})\n"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout.readline().strip() == "writing"
        job.refresh_from_db()
        assert job.status == choices.ImportStatus.RUNNING and job.processed_rows == 3
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert not Person.objects.exists(), "all or nothing"
    assert not stored(media), "the upload was deleted when the run read it"
    housekeeping.person_imports_housekeeping(now=timezone.now() + timedelta(minutes=11))
    job.refresh_from_db()
    assert job.status == choices.ImportStatus.ERROR and job.message == STALE


# --- retention --------------------------------------------------------------------------------


def test_the_retention_sweep_leaves_no_upload_behind(community_chair, media, settings):
    settings.JINGUO_IMPORT_RETENTION_HOURS = 24
    finished = queued_job(community_chair, status=choices.ImportStatus.DONE)  # crash after commit
    waiting = queued_job(community_chair)
    forgotten = queued_job(community_chair, created_at=timezone.now() - timedelta(hours=25))
    folder = Path(media) / "imports"
    orphan, recent = folder / "orphan.bin", folder / "recent.bin"
    orphan.write_bytes(b"x")
    recent.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(orphan, (day_ago, day_ago))
    summary = run_housekeeping()
    assert "排队过久 1 个" in summary and "删除上传文件 3 个" in summary, summary
    for job in (finished, waiting, forgotten):
        job.refresh_from_db()
    assert finished.status == choices.ImportStatus.DONE and finished.stored_path == ""
    assert waiting.status == choices.ImportStatus.PENDING and waiting.stored_path
    assert (
        forgotten.status == choices.ImportStatus.ERROR and "排队超过 24 小时" in forgotten.message
    )
    assert stored(media) == sorted([Path(media) / waiting.stored_path, recent])
    assert PersonImport.objects.count() == 3, "job rows are kept, without their file"


# --- the template -----------------------------------------------------------------------------


def template_example(client) -> tuple[bytes, dict]:
    response = client.get(reverse("people:person_import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    example = {c.header: cell for c, cell in zip(columns.COLUMNS, sheet[2], strict=True)}
    return response.content, example


def test_the_untouched_template_of_a_district_user_imports(login, district_officer, tree):
    """A district cannot hold persons: the example row takes a community of her district."""
    client = login(district_officer)
    content, example = template_example(client)
    assert example["所属单位代码"].value == tree.community_a.code
    assert example["姓名"].value == "示例人员"
    upload(client, content, "模板.xlsx")
    job = last_job()
    assert job.status == choices.ImportStatus.DONE, job.errors
    person = Person.objects.get()
    assert (person.name, person.org, person.birth_date) == (
        "示例人员",
        tree.community_a,
        date(1986, 3, 7),
    )


def test_a_template_for_a_user_without_communities_explains_the_unit_cell(login, tree):
    street = make_unit("990102002", "空白街道妇联", UnitKind.TOWNSHIP, tree.district_b)
    officer = user_with_role(street, "rights_officer", username="street_officer")
    _content, example = template_example(login(officer))
    cell = example["所属单位代码"]
    assert cell.value in (None, "")
    assert "请填写人员所属社区或网格的单位代码" in cell.comment.text
