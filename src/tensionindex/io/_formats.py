"""The event-data formats tensionindex reads, declared as :class:`FormatSpec` values.

Adding a format is adding an entry to :data:`FORMATS` (and a public
``read_x``/``iter_x`` pair that hands its name to the reader); see
docs/data-sources.md, "Adding a format".

Each layout also names the dataset its records come from, the value of the
events' ``dataset`` column (:attr:`Variant.dataset`, by default the format's
name): ``"gdelt1"`` and ``"gdelt2"`` for the two GDELT layouts, ``"icews"``,
``"polecat"``.  Events of several datasets can then be scored together and
compared (docs/multiple-sources.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, TypeAlias, get_args

from tensionindex.io._spec import (
    Actors,
    Column,
    DateFormat,
    EventTypes,
    Field,
    FormatSpec,
    Variant,
)

__all__ = [
    "DATASETS",
    "FORMATS",
    "GDELT",
    "GDELT1_COLUMNS",
    "GDELT2_COLUMNS",
    "ICEWS",
    "ICEWS_COLUMNS",
    "POLECAT",
    "POLECAT_COLUMNS",
    "GdeltIntensity",
]


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(map(repr, names))


# -- GDELT ------------------------------------------------------------------------------

#: GDELT volume fields that can serve as the events' intensity.
GdeltIntensity: TypeAlias = Literal["NumSources", "NumArticles", "NumMentions"]

# Column names of the raw exports, from GDELT's header files as shipped by gdeltPyR
# (utils/schema_csvs/GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv and
# GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv; see
# ../shared/data/gdelt/schema and SOURCES.md section 2e).  The 1.0 historical
# backfile is the 1.0 layout without its last field, SOURCEURL.
GDELT1_COLUMNS: tuple[str, ...] = (
    'GLOBALEVENTID', 'SQLDATE', 'MonthYear', 'Year', 'FractionDate', 'Actor1Code',
    'Actor1Name', 'Actor1CountryCode', 'Actor1KnownGroupCode', 'Actor1EthnicCode',
    'Actor1Religion1Code', 'Actor1Religion2Code', 'Actor1Type1Code', 'Actor1Type2Code',
    'Actor1Type3Code', 'Actor2Code', 'Actor2Name', 'Actor2CountryCode',
    'Actor2KnownGroupCode', 'Actor2EthnicCode', 'Actor2Religion1Code',
    'Actor2Religion2Code', 'Actor2Type1Code', 'Actor2Type2Code', 'Actor2Type3Code',
    'IsRootEvent', 'EventCode', 'EventBaseCode', 'EventRootCode', 'QuadClass',
    'GoldsteinScale', 'NumMentions', 'NumSources', 'NumArticles', 'AvgTone',
    'Actor1Geo_Type', 'Actor1Geo_FullName', 'Actor1Geo_CountryCode', 'Actor1Geo_ADM1Code',
    'Actor1Geo_Lat', 'Actor1Geo_Long', 'Actor1Geo_FeatureID', 'Actor2Geo_Type',
    'Actor2Geo_FullName', 'Actor2Geo_CountryCode', 'Actor2Geo_ADM1Code', 'Actor2Geo_Lat',
    'Actor2Geo_Long', 'Actor2Geo_FeatureID', 'ActionGeo_Type', 'ActionGeo_FullName',
    'ActionGeo_CountryCode', 'ActionGeo_ADM1Code', 'ActionGeo_Lat', 'ActionGeo_Long',
    'ActionGeo_FeatureID', 'DATEADDED', 'SOURCEURL',
)  # fmt: skip
#: GDELT 2.0 adds an ADM2 code after each of the three ADM1 codes of 1.0.
GDELT2_COLUMNS: tuple[str, ...] = tuple(
    name
    for column in GDELT1_COLUMNS
    for name in (
        (column, column.replace("ADM1", "ADM2")) if column.endswith("_ADM1Code") else (column,)
    )
)

_GDELT_COLUMNS = (
    Column("GLOBALEVENTID", required=True),
    Column(
        "SQLDATE",
        "date",
        required=True,
        dates=DateFormat(("%Y%m%d",), r"\d{8}", "a date written YYYYMMDD"),
    ),
    Column("Actor1CountryCode", required=True),
    Column("Actor2CountryCode", required=True),
    Column("IsRootEvent", "integer", required=True),
    Column("EventCode", required=True),
    # Read to check EventCode against them: a row cut inside EventCode keeps its
    # first digits ("13" of "139"), a valid code of another level.
    Column("EventBaseCode"),
    Column("EventRootCode"),
    Column("GoldsteinScale", "number", required=True),
    Column("NumMentions", "integer", required=True),
    Column("NumSources", "integer", required=True),
    Column("NumArticles", "integer", required=True),
    Column("AvgTone", "number", required=True),
    Column(
        "DATEADDED",
        "date",
        required=True,
        dates=DateFormat(
            ("%Y%m%d%H%M%S", "%Y%m%d"),
            r"\d{8}(\d{6})?",
            "a date written YYYYMMDD or YYYYMMDDHHMMSS",
            keep_time=True,
        ),
    ),
    # Absent from the 1.0 historical backfile: its rows get no URL.
    Column("SOURCEURL"),
)

GDELT = FormatSpec(
    name="gdelt",
    label="GDELT",
    columns=_GDELT_COLUMNS,
    variants=(
        Variant(
            "GDELT 1.0",
            GDELT1_COLUMNS,
            version=1,
            dataset="gdelt1",
            field_counts=((57, "GDELT 1.0 historical backfile"), (58, "GDELT 1.0 daily export")),
        ),
        Variant(
            "GDELT 2.0",
            GDELT2_COLUMNS,
            version=2,
            dataset="gdelt2",
            field_counts=((61, "GDELT 2.0 export"),),
            header_marker="Actor1Geo_ADM2Code",
        ),
    ),
    # Coverage is counted on the index's own axis, the event date (SQLDATE): a day
    # to which no record of the files read is dated is unmonitored, and the
    # records dated to a day are the denominators of aggregation="share".
    date="SQLDATE",
    actors=Actors(("Actor1CountryCode", "Actor2CountryCode")),
    # GDELT codebook: EventBaseCode is EventCode's level-two code (its first three
    # digits, or the code itself at levels one and two), EventRootCode its first two.
    event_types=EventTypes(
        "cameo:", "EventCode", levels=(("EventRootCode", 2), ("EventBaseCode", 3))
    ),
    fields=(
        Field("event_id", "GLOBALEVENTID"),
        Field("source", "SOURCEURL", "site"),
        Field("url", "SOURCEURL"),
        Field("NumMentions", "NumMentions"),
        Field("NumSources", "NumSources"),
        Field("NumArticles", "NumArticles"),
        Field("IsRootEvent", "IsRootEvent"),
        Field("GoldsteinScale", "GoldsteinScale"),
        Field("AvgTone", "AvgTone"),
        Field("DATEADDED", "DATEADDED"),
    ),
    # Exports from BigQuery, R or gdeltPyR carry a header row; the raw ones do not.
    header_key="GLOBALEVENTID",
    header_hint=(
        f"A GDELT events file names {', '.join(c.name for c in _GDELT_COLUMNS if c.required)} "
        "(among others)."
    ),
    layout_hint="Is it a GDELT events file (not a mentions or GKG file)?",
    # Exports written by R (e.g. the GDELTtools package) mark missing values NA.
    na_values=("NA",),
    volume_columns=get_args(GdeltIntensity),
)

# -- ICEWS ------------------------------------------------------------------------------

# Where an event took place: POLECAT, ICEWS's successor, kept ICEWS's place fields.
_PLACE_COLUMNS = ("City", "District", "Province", "Country", "Latitude", "Longitude")

#: The columns of an ICEWS events file (Harvard Dataverse doi:10.7910/DVN/28075).
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    *_PLACE_COLUMNS,
)

ICEWS = FormatSpec(
    name="icews",
    label="ICEWS",
    columns=(
        Column("Event ID", required=True),
        Column(
            "Event Date",
            "date",
            required=True,
            dates=DateFormat(
                ("%Y-%m-%d", "%Y%m%d"), r"\d{4}-?\d{2}-?\d{2}", "a date written YYYY-MM-DD"
            ),
        ),
        Column("Source Country", required=True),
        Column("Target Country", required=True),
        Column("CAMEO Code", required=True),
        Column("Intensity", "number"),
        Column("Story ID"),
        Column("Sentence Number", "integer"),
        Column("Publisher"),
        Column("Event Text"),
        Column("Source Name"),
        Column("Target Name"),
    ),
    variants=(Variant("ICEWS events", ICEWS_COLUMNS),),
    date="Event Date",  # ICEWS files events by event day
    # Countries are full names ("United States"), mapped with the alias table.
    actors=Actors(("Source Country", "Target Country"), names_only=True),
    event_types=EventTypes("cameo:", "CAMEO Code"),
    fields=(
        Field("event_id", "Event ID"),
        Field("source", "Publisher"),
        Field("icews_intensity", "Intensity"),
        Field("story_id", "Story ID"),
        Field("sentence_number", "Sentence Number"),
        Field("event_text", "Event Text"),
        Field("source_name", "Source Name"),
        Field("target_name", "Target Name"),
    ),
    header_hint=(
        f"ICEWS files start with a header row naming {_quoted(ICEWS_COLUMNS[:8])}, ... "
        "(Harvard Dataverse doi:10.7910/DVN/28075)."
    ),
    na_values=("NA",),
)

# -- POLECAT ----------------------------------------------------------------------------

#: The documented columns of a POLECAT events file (see :mod:`tensionindex.io.polecat`).
POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Event Type",
    "Event Mode",
    "Event Intensity",
    "Quad Code",
    "Contexts",
    "Actor Name",
    "Actor Country",
    "Actor COW",
    "Primary Actor Sector",
    "Actor Sectors",
    "Actor Title",
    "Actor Name Raw",
    "Wikipedia Actor ID",
    "Recipient Name",
    "Recipient Country",
    "Recipient COW",
    "Primary Recipient Sector",
    "Recipient Sectors",
    "Recipient Title",
    "Recipient Name Raw",
    "Wikipedia Recipient ID",
    "Placename",
    *_PLACE_COLUMNS,
    "GeoNames ID",
    "Raw Placename",
    "Feature Type",
    "Source",
    "Publication Date",
    "Story People",
    "Story Organizations",
    "Story Locations",
    "Language",
    "Version",
)

_POLECAT_DATES = DateFormat(
    ("ISO8601", "%Y%m%d"), r"\d{4}-\d{2}-\d{2}([ T].*)?|\d{8}", "a date written YYYY-MM-DD"
)

POLECAT = FormatSpec(
    name="polecat",
    label="POLECAT",
    columns=(
        Column("Event ID", required=True),
        Column("Event Date", "date", required=True, dates=_POLECAT_DATES),
        Column("Event Type", required=True),
        Column("Actor Country", required=True),
        Column("Recipient Country", required=True),
        Column("Event Mode"),
        Column("Event Intensity", "number"),
        Column("Quad Code"),
        Column("Contexts"),
        Column("Actor Name"),
        Column("Recipient Name"),
        Column("Source"),
        Column("Publication Date", "date", dates=_POLECAT_DATES),
    ),
    variants=(Variant("POLECAT events", POLECAT_COLUMNS),),
    date="Event Date",
    actors=Actors(("Actor Country", "Recipient Country"), several_sep=";"),
    event_types=EventTypes("plover:", "Event Type", mode_column="Event Mode"),
    fields=(
        Field("event_id", "Event ID"),
        Field("source", "Source"),
        Field("polecat_intensity", "Event Intensity"),
        Field("quad_code", "Quad Code"),
        Field("contexts", "Contexts"),
        Field("actor_name", "Actor Name"),
        Field("recipient_name", "Recipient Name"),
        Field("publication_date", "Publication Date"),
    ),
    header_hint=(
        f"POLECAT files start with a header row naming {_quoted(POLECAT_COLUMNS[:5])}, ... "
        "(Harvard Dataverse doi:10.7910/DVN/AJGVIT)."
    ),
    aliases=(("Intensity", "Event Intensity"),),  # the early name of the column
    # Header and rows disagree in these files: the rows follow the standard layout.
    misplaced_header="Headline",
    quote_tabs=True,
    na_values=("None",),
)

#: Every format, by name: the one table the reader looks formats up in.
FORMATS: Mapping[str, FormatSpec] = MappingProxyType(
    {spec.name: spec for spec in (GDELT, ICEWS, POLECAT)}
)

#: The ``dataset`` of every layout of every format, in table order.
DATASETS: tuple[str, ...] = tuple(name for spec in FORMATS.values() for name in spec.datasets)
