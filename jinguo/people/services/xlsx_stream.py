"""Reading the import's sheet in a second process.

Parsing the sheet is about a third of a large import. A helper process parses while the
importer checks and writes the rows it already has, so a second core shares the work. The
reading itself, and its limits, are ``jinguo.core.xlsxread.SheetReader``'s.
"""

from collections.abc import Iterator
from pathlib import Path

from jinguo.core.xlsxcheck import Limits, XlsxRefused
from jinguo.core.xlsxread import SheetReader

ROWS_PER_MESSAGE = 500


class SheetReadError(Exception):
    """The helper process could not open or parse the sheet (a damaged or unusual file)."""


def _read_into(source, sender, rows_per_message: int, limits: Limits) -> None:
    """Runs in the helper process: send the sheet's rows in chunks, then "end", "refused"
    (a limit: its code and figures) or "error" (the kind of failure)."""
    try:
        reader = SheetReader(source, limits)
        try:
            chunk = []
            for item in reader.rows():
                chunk.append(item)
                if len(chunk) >= rows_per_message:
                    sender.send(("rows", chunk))
                    chunk = []
            if chunk:
                sender.send(("rows", chunk))
        finally:
            reader.close()
        sender.send(("end", None))
    except XlsxRefused as exc:
        if exc.code == "damaged":
            cause = exc.__cause__
            sender.send(("error", type(cause).__name__ if cause else exc.code))
        else:
            sender.send(("refused", (exc.code, exc.params)))
    except Exception as exc:  # any failure ends the read; the importer reports it
        # Only the kind of failure: a converter's message can quote a cell, i.e. personal data.
        sender.send(("error", type(exc).__name__))
    finally:
        sender.close()


def rows_in_process(
    source: bytes | Path, limits: Limits | None = None
) -> Iterator[tuple[int, list]]:
    """``SheetReader(source, limits).rows()``, parsed by a helper process.

    Raises XlsxRefused past a limit, SheetReadError for a file it cannot parse. The process is
    started fresh ("spawn": no copy of the caller's database connections or threads) and
    imports only the reader, openpyxl and lxml. The file's bytes go to it through the pipe
    that starts it — a decrypted upload never touches the disk. If the caller stops early,
    the process is ended.
    """
    import multiprocessing

    if isinstance(source, Path):
        source = str(source)
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_read_into,
        args=(source, sender, ROWS_PER_MESSAGE, limits or Limits()),
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise SheetReadError("the reading process ended without a result") from None
            if kind == "rows":
                yield from payload
            elif kind == "refused":
                code, params = payload
                raise XlsxRefused(code, **params)
            elif kind == "error":
                raise SheetReadError(payload)
            else:
                return
    finally:
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
