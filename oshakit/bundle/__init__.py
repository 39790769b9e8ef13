"""Read a case bundle: find each file's kind, type every column, account for every row.

The loader is the only place that parses the input files. Per file it decides the
encoding and line ends (:mod:`.text`), finds the header and the file's kind
(:mod:`.header`), finds where every record starts, on which line, and which records are
damaged (:mod:`.records`, numpy over the positions of quotes and newlines), hands the
records that read cleanly to pyarrow's CSV reader in one call (:mod:`.parse`) and types the
columns with Arrow compute (:mod:`.types`).

Nothing is lost: every input row is either in a frame or rejected in ``Bundle.rejects``
(severity ``error``, with file, line, column and the reason), every cell that could not be
read is emptied and listed there too, and every guess the loader made (an encoding, an
Excel serial date) is listed with severity ``warning``. ``Bundle.accounting`` shows rows
read = accepted + rejected per file.
"""

from oshakit.bundle.load import DATA_SUFFIXES, NOT_DATA, SAMPLE_BUNDLE, data_files, load_bundle
from oshakit.bundle.model import (
    ACCOUNTING_COLUMNS,
    COLUMN_CODES,
    FILE_CODES,
    REJECT_COLUMNS,
    Bundle,
)

__all__ = [
    "ACCOUNTING_COLUMNS",
    "COLUMN_CODES",
    "DATA_SUFFIXES",
    "FILE_CODES",
    "NOT_DATA",
    "REJECT_COLUMNS",
    "SAMPLE_BUNDLE",
    "Bundle",
    "data_files",
    "load_bundle",
]
