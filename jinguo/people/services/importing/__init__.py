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
from jinguo.orgs.importing.readers import MAX_UPLOAD_BYTES

from .columns import COLUMNS, HEADERS
from .reader import inspect_file
from .runner import import_persons, issue_counts, person_import_run

# The entry points, for code outside people/services (the upload form, the bench, other
# apps); everything else is imported from its module. Limits and chunk sizes (MAX_ROWS,
# READ_IN_PROCESS_BYTES, LOOKUP_CHUNK) are not re-exported: a patch here would not reach them.
__all__ = [
    "COLUMNS",
    "HEADERS",
    "MAX_UPLOAD_BYTES",
    "ImportFileError",
    "import_persons",
    "inspect_file",
    "issue_counts",
    "person_import_run",
]
