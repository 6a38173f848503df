"""Readers and writers at the edge of the library (files in, files out).

``read_events``/``write_table`` handle tensionindex's own CSV, JSON and
Parquet files; ``read_gdelt``, ``read_icews`` and ``read_polecat`` (and their
chunked ``iter_*`` versions) read the coded event datasets, reporting what
they kept and left out in a :class:`ReadReport`.  Every reader takes
``limits=`` (:class:`ReadLimits`): the caps on line and value length that keep
a damaged or hostile file from exhausting memory, and whether named pipes and
devices may be read.
"""

from tensionindex.io._delimited import DEFAULT_CHUNKSIZE, ENGINES, Engine
from tensionindex.io._files import read_events, write_table
from tensionindex.io._limits import DEFAULT_LIMITS, ReadLimits
from tensionindex.io._report import DROP_REASONS, ReadReport, read_report
from tensionindex.io._sources import SourceLike
from tensionindex.io.gdelt import GdeltIntensity, iter_gdelt, read_gdelt
from tensionindex.io.icews import iter_icews, read_icews
from tensionindex.io.polecat import iter_polecat, read_polecat

__all__ = [
    "DEFAULT_CHUNKSIZE",
    "DEFAULT_LIMITS",
    "DROP_REASONS",
    "ENGINES",
    "Engine",
    "GdeltIntensity",
    "ReadLimits",
    "ReadReport",
    "SourceLike",
    "iter_gdelt",
    "iter_icews",
    "iter_polecat",
    "read_events",
    "read_gdelt",
    "read_icews",
    "read_polecat",
    "read_report",
    "write_table",
]
