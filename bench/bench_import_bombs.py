"""How fast, and at what memory cost, an upload of a zip bomb is refused.

    python bench/bench_import_bombs.py [--view] [--old]

Builds in memory the two files of the issue — 400 MB of shared strings packed into ~0.4 MB,
35 million empty rows packed into 307 KB — and a few relatives, then hands each to the code the
upload requests run: ``inspect_file`` (the person import's checks before a job is made) and
``read_upload`` (the unit import, which reads the whole file in the request). Two more cases
pass those checks by design and are refused by the streaming reader in the run. A legitimate
20,000-row file is measured the same way, for comparison. For each it prints the time to the
refusal and the peak extra memory of the process (VmHWM after resetting it, minus VmRSS
before: lxml's C allocations included, unlike tracemalloc). Targets: < 2 s, < 200 MB.

--view   also post the person-import cases through the real upload page (test client, an
         in-memory SQLite database migrated first): multipart parsing, the form, the view.
--old    also run what the upload request did before (openpyxl's read-only load and first
         row, as inspect_file did), each in a child process stopped after 300 s.
"""

import argparse
import gc
import io
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def setup_django(view: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "jinguo.settings.test"
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("JINGUO_MEDIA_ROOT", str(ROOT / "var" / "bench" / "media"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if view:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def reset_peak() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def measure(function, data: bytes) -> tuple[float, float, str]:
    """(seconds, peak extra MB, outcome) of ``function(data)``."""
    gc.collect()
    reset_peak()
    before = memory_kb("VmRSS")
    started = time.perf_counter()
    try:
        function(data)
        outcome = "accepted"
    except Exception as exc:
        outcome = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    elapsed = time.perf_counter() - started
    peak = memory_kb("VmHWM") - before
    return elapsed, peak / 1024, outcome


def cases() -> list[tuple[str, dict[str, bytes], str]]:
    """(label, {importer: file}, stage): stage "request" for a file the upload's checks refuse,
    "run" for one they let through by design, "legitimate" for a normal file."""
    from jinguo.orgs.importing.readers import TEMPLATE_HEADER
    from jinguo.people.services.importing import HEADERS
    from jinguo.testing import xlsx_bombs as bombs

    units = [str(h) for h in TEMPLATE_HEADER]
    built = []
    for label, make, stage in [
        (
            "issue: 400 MB of shared strings",
            lambda h: bombs.shared_strings_bomb(h, 400 * MB),
            "request",
        ),
        ("issue: 35 million empty rows", lambda h: bombs.empty_rows_bomb(h, 35_000_000), "request"),
        (
            "declares 35 million rows",
            lambda h: bombs.empty_rows_bomb(h, 3, dimension=f"A1:S{35_000_001}"),
            "request",
        ),
        (
            "20 MB of shared strings (~1000:1)",
            lambda h: bombs.shared_strings_bomb(h, 20 * MB),
            "request",
        ),
        # Numbered rows and cells do not compress a thousandfold: these pass the request's
        # checks (no <dimension>, sizes and ratio within the limits) and meet the run's.
        (
            "1,000,000 numbered empty rows, no <dimension>",
            lambda h: bombs.empty_rows_bomb(h, 1_000_000, numbered_rows=True),
            "run",
        ),
        (
            "one row of 5 million numbered cells",
            lambda h: bombs.wide_row_bomb(h, 5_000_000, numbered_cells=True),
            "run",
        ),
        ("legitimate: 20,000 rows", lambda h: legitimate(h, 20_000), "legitimate"),
    ]:
        started = time.perf_counter()
        files = {"person": make(HEADERS)}
        if stage != "legitimate":
            files["unit"] = make(units)
        size = len(files["person"]) / 1024
        print(f"  built {label}: {size:,.0f} KB in {time.perf_counter() - started:.1f} s")
        built.append((label, files, stage))
    return built


def legitimate(headers: list[str], rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for i in range(rows):
        sheet.append([f"人员{i}", "女", "1985-03-01", "汉族", "", "", f"138{i:08d}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stream_rows(data: bytes) -> None:
    """What the run does with the file (in this process, so its memory is measured here)."""
    from jinguo.people.services.importing.reader import iter_rows

    for _row in iter_rows(data, in_process=False):
        pass


def unit_upload(data: bytes) -> None:
    from jinguo.orgs.importing import read_upload

    read_upload(data, "区划.xlsx")


def through_view(data: bytes) -> None:
    """The upload page; a file that passes is queued (the run is measured apart)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client, override_settings
    from django.urls import reverse

    from jinguo.people.views import importing as views_import

    client = Client()
    client.force_login(through_view.user)
    upload = SimpleUploadedFile("人员.xlsx", data, content_type="application/octet-stream")
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    inline, views_import.INLINE_MAX_ROWS = views_import.INLINE_MAX_ROWS, 0
    try:
        with override_settings(TASKS=dummy):
            response = client.post(reverse("people:import_list"), {"file": upload})
    finally:
        views_import.INLINE_MAX_ROWS = inline
    if response.status_code == 302:
        from jinguo.people.models import PersonImport
        from jinguo.people.services.importing.uploads import upload_delete

        upload_delete(PersonImport.objects.order_by("-pk").first().stored_path)  # queued only
        return
    text = response.content.decode()
    start = text.find("invalid-feedback")
    raise RuntimeError(text[start : start + 200].split(">", 1)[-1].split("<", 1)[0].strip())


def old_request(data: bytes, queue) -> None:
    """The upload request before: openpyxl's read-only load, the first row, the declared size."""
    from openpyxl import load_workbook

    reset_peak()
    before = memory_kb("VmRSS")
    started = time.perf_counter()
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    next(sheet.iter_rows(max_row=1, values_only=True), None)
    declared = sheet.max_row
    outcome = "refused (declared rows)" if declared and declared - 1 > 200_000 else "accepted"
    queue.put((time.perf_counter() - started, (memory_kb("VmHWM") - before) / 1024, outcome))


def run_old(data: bytes) -> str:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=old_request, args=(data, queue))
    started = time.perf_counter()
    process.start()
    process.join(timeout=300)
    if process.is_alive():
        process.kill()
        process.join()
        return f"still running after {time.perf_counter() - started:.0f} s (stopped)"
    if queue.empty():
        return f"failed (exit {process.exitcode})"
    elapsed, peak, outcome = queue.get()
    return f"{elapsed:6.2f} s  {peak:7.0f} MB  {outcome}"


PATHS = {
    "inspect_file": ("person", "person import, upload request (inspect_file)"),
    "stream_rows": ("person", "person import, the run (iter_rows)"),
    "through_view": ("person", "person import, the whole upload page"),
    "unit_upload": ("unit", "unit import, upload request (read_upload)"),
}


def in_child(path: str, data: bytes, sender) -> None:
    """Runs in a fresh process: set up, warm up on a small file, then measure ``path``."""
    setup_django(path == "through_view")
    from jinguo.people.services.importing import HEADERS, inspect_file

    functions = {
        "inspect_file": inspect_file,
        "stream_rows": stream_rows,
        "through_view": through_view,
        "unit_upload": unit_upload,
    }
    if path == "through_view":
        from jinguo.testing.factories import user_with_role
        from jinguo.testing.tree import build_tree

        through_view.user = user_with_role(build_tree().community_a, "community_chair")
    small = legitimate(HEADERS, 10)
    measure(functions[path], small)  # imports, caches, first queries: not the file's cost
    sender.send(measure(functions[path], data))


def run_in_child(path: str, data: bytes) -> tuple[float, float, str]:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=in_child, args=(path, data, sender))
    process.start()
    sender.close()
    try:
        return receiver.recv()
    finally:
        process.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--view", action="store_true", help="also through the upload page")
    parser.add_argument("--old", action="store_true", help="also the old request's checks")
    args = parser.parse_args()
    setup_django(False)
    print("building the files …")
    built = cases()
    stages = {
        "request": ["inspect_file", "unit_upload"],
        "run": ["inspect_file", "stream_rows", "unit_upload"],
        "legitimate": ["inspect_file", "stream_rows"],
    }
    if args.view:
        stages["request"].append("through_view")
        stages["legitimate"].append("through_view")
    print("\neach measured in a fresh process (targets: < 2 s, < 200 MB of extra memory)")
    for label, files, stage in built:
        print(f"\n{label} ({len(files['person']) / 1024:,.0f} KB)")
        for path in stages[stage]:
            importer, path_label = PATHS[path]
            elapsed, peak, outcome = run_in_child(path, files[importer])
            ok = "✔" if elapsed < 2 and peak < 200 else "✘"
            print(f"  {ok} {path_label:48} {elapsed:6.3f} s  {peak:6.1f} MB  {outcome[:60]}")
        if args.old and stage != "run":
            print(f"    before: {'upload request (openpyxl)':46} {run_old(files['person'])}")


if __name__ == "__main__":
    main()
