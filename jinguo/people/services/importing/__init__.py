"""Excel import of persons (files exported from grid platforms), validated whole before writing.

Every row is checked with the same rules as the person form (``clean_person_values``,
``placeable_units``); every problem is collected as (row, column, masked value, reason). If
there is any error nothing is written. Otherwise all persons, their tags and their sensitivity
flags are inserted in one transaction, in batches, and one audit event records the import —
not one per row. Progress is committed after every batch of validated rows, so the job page
can show it while a background worker runs the import.

``columns`` the file's columns and choice words · ``reader`` the upload and its rows ·
``checks`` one row into a Person and tags, with its problems · ``lookups`` the registry
queries of the checks · ``runner`` the job: progress, the all-or-nothing write, the audit.
"""

from jinguo.orgs.importing import ImportFileError
from jinguo.orgs.readers import MAX_UPLOAD_BYTES

from .checks import parse_date
from .columns import CHOICE_ALIASES, COLUMNS, HEADERS, NOTES_MAX, choice_labels
from .reader import inspect_file, iter_rows, open_sheet
from .runner import IMPORT_DIR, import_persons, issue_counts, person_import_run

# Limits and chunk sizes (MAX_ROWS, READ_IN_PROCESS_BYTES, …) are not re-exported: patching
# them here would not reach the module that reads them.
__all__ = [
    "CHOICE_ALIASES",
    "COLUMNS",
    "HEADERS",
    "IMPORT_DIR",
    "MAX_UPLOAD_BYTES",
    "NOTES_MAX",
    "ImportFileError",
    "choice_labels",
    "import_persons",
    "inspect_file",
    "issue_counts",
    "iter_rows",
    "open_sheet",
    "parse_date",
    "person_import_run",
]
