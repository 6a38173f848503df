"""Rebuild the reader test excerpts in tests/data from the shared real samples.

Usage: python tools/make_reader_excerpts.py ../shared/data tests/data

Each excerpt is a subset of the lines of one real file, copied byte for byte
and kept in file order (a header row, when the file has one, comes first).
The selection rules are in EXCERPTS below and in tests/data/README.md.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

# GDELT field positions of Actor1CountryCode / Actor2CountryCode (0-based; same in 1.0 and 2.0).
_GDELT_ACTORS = (7, 17)

EXCERPTS = [
    # (output, input, header?, sep, quoted, actor columns, first rows, dyads kept anywhere, extra)
    (
        "gdelt_v2_20191024143000_excerpt.export.CSV", "gdelt/v2_raw/20191024143000.export.CSV",
        False, "\t", False, _GDELT_ACTORS, 150,
        {"CHN-USA", "GBR-USA", "NOR-RUS", "JPN-TKM"}, None,
    ),
    (
        "gdelt_v2_20180326044500_excerpt.export.CSV", "gdelt/v2_raw/20180326044500.export.CSV",
        False, "\t", False, _GDELT_ACTORS, 60, {"CHN-USA", "RUS-USA", "ISR-PSE"}, None,
    ),
    (
        "gdelt_v1_mixed_excerpt.tsv", "gdelt/v1_raw/reed9999_sample_events_dateadded20160728.tsv",
        False, "\t", False, _GDELT_ACTORS, 80, {"CHN-USA", "RUS-USA", "ISR-PSE", "ISR-USA"},
        range(510, 561),  # 1-based lines 510-560: the 57-field backfile rows
    ),
    (
        "georgia_oct2012_excerpt.csv", "gdelt/derived/georgia_gdelt1_monthly/oct2012.csv",
        True, ",", True, _GDELT_ACTORS, 40, {"GEO-USA"}, "RUS-USA 20121001-20121004",
    ),
    (
        "georgia_december12_excerpt.csv", "gdelt/derived/georgia_gdelt1_monthly/december12.csv",
        True, ",", True, tuple(i + 1 for i in _GDELT_ACTORS), 30, {"GEO-RUS"}, None,
    ),
    (
        "gdeltPyR_events2samps_excerpt.csv", "gdelt/derived/gdeltPyR_events2samps.csv",
        True, ",", True, _GDELT_ACTORS, 30, {"CHN-USA", "CHN-PHL"}, None,
    ),
    # No ICEWS or POLECAT excerpt: their licences allow research and education only, so
    # tests/data/icews_synthetic.tab is made up (tests/data/make_icews_fixture.py).
]


def _dyad(fields: list[str], columns: tuple[int, int]) -> str | None:
    try:
        a, b = (fields[i].strip() for i in columns)
    except IndexError:
        return None
    if not a or not b or a == b or a == "NA" or b == "NA":
        return None
    return "-".join(sorted((a, b)))


def main(root: Path, out: Path) -> None:
    for name, source, header, sep, quoted, columns, first, dyads, extra in EXCERPTS:
        lines = (root / source).read_bytes().splitlines(keepends=True)
        head, body = (lines[:1], lines[1:]) if header else ([], lines)
        kept = []
        for number, raw in enumerate(body, start=1):
            text = raw.decode("utf-8").rstrip("\r\n")
            if quoted:
                fields = next(csv.reader(io.StringIO(text), delimiter=sep))
            else:
                fields = text.split(sep)
            dyad = _dyad(fields, columns)
            take = number <= first or dyad in dyads
            if isinstance(extra, range):
                take |= number in extra
            elif extra == "RUS-USA 20121001-20121004":
                take |= dyad == "RUS-USA" and "20121001" <= fields[1] <= "20121004"
            if take:
                kept.append(raw)
        (out / name).write_bytes(b"".join(head + kept))
        print(f"{name}: {len(kept)} rows of {len(body)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
