"""Write ``icews_synthetic.tab``: invented events in the layout of an ICEWS events file.

ICEWS data is licensed for research and education only, so the repository ships
no ICEWS rows.  The reader tests instead use this file, which has the real
layout of the Harvard Dataverse ``events.YYYY.tab`` files (doi:10.7910/DVN/28075)
and made-up rows.  Regenerate it, byte for byte, from the repository root with

    python tests/data/make_icews_fixture.py

The layout is copied from the files; every value is invented:

- the 20 columns of ``ICEWS_COLUMNS`` in their order, one header row,
  tab-separated, UTF-8 without a byte-order mark (non-ASCII place and outlet
  names), LF line endings, no quote characters (apostrophes do occur), the
  literal ``NA`` for a missing value;
- countries as ICEWS spells them (``Russian Federation``, ``Occupied Palestinian
  Territory``, ``Moldova, Republic of``, ``Cote d'Ivoire``, ``the former
  Yugoslav Republic of Macedonia``, ...), and in actor names the shorter label
  ICEWS uses there (``Foreign Affairs (Russia)``); actors without a country
  (international organisations, ``Unspecified Actor``) and domestic events;
- sectors as comma-joined lists, ``NA`` for a bare country actor;
- CAMEO codes of 3 and 4 digits with their leading zeros, with the event text
  and the intensity of the CAMEO table of the ``icews`` R package
  (``andybega/icews``, ``data-raw/cameo-codes.csv``, MIT), which is what ICEWS
  writes: ``1.9``, ``-6.5``, ``0`` (not ``0.0``), lower-case ``fight with small
  arms and light weapons``; 016 is -5 and 022 is 3.4 there, not GDELT's -2 and
  3.2;
- symmetric events (consult, meet, negotiate, sign) coded twice, once in each
  direction, from the same story and sentence;
- 8-digit Event IDs, unique but not sorted, and 8-digit Story IDs, both from
  ranges no real ICEWS release uses; Sentence Numbers 1 to 6;
- coordinates as R writes doubles, including a latitude printed with a
  rounding tail (``27.971800000000002``); a few events without a place.

The events, actors, outlets and stories are fiction: no row describes a real
report.  The only real facts are the CAMEO codebook and place coordinates.
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 20180601
OUT = Path(__file__).with_name("icews_synthetic.tab")
DATES = ("2018-06-01", "2018-06-02", "2018-06-03")
STORIES = 130

HEADER = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
    "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
    "Target Country", "Story ID", "Sentence Number", "Publisher", "City", "District",
    "Province", "Country", "Latitude", "Longitude",
)  # fmt: skip

# (CAMEO code, ICEWS event text, ICEWS intensity as written, coded in both directions)
CODES = (
    ("010", "Make statement", "0", False),
    ("012", "Make pessimistic comment", "-0.4", False),
    ("013", "Make optimistic comment", "0.4", False),
    ("014", "Consider policy option", "0", False),
    ("016", "Deny responsibility", "-5", False),
    ("017", "Engage in symbolic act", "0", False),
    ("019", "Express accord", "3.4", False),
    ("020", "Make an appeal or request", "3", False),
    ("022", "Appeal for diplomatic cooperation (such as policy support)", "3.4", False),
    ("0241", "Appeal for change in leadership", "-0.3", False),
    ("030", "Express intent to cooperate", "4", False),
    ("0311", "Express intent to cooperate economically", "5.2", False),
    ("032", "Express intent to engage in diplomatic cooperation (such as policy support)",
     "4.5", False),
    ("036", "Express intent to meet or negotiate", "4", False),
    ("040", "Consult", "1", True),
    ("041", "Discuss by telephone", "1", True),
    ("042", "Make a visit", "1.9", False),
    ("043", "Host a visit", "2.8", False),
    ("044", "Meet at a 'third' location", "2.5", True),
    ("046", "Engage in negotiation", "7", True),
    ("050", "Engage in diplomatic cooperation", "3.5", False),
    ("051", "Praise or endorse", "3.4", False),
    ("057", "Sign formal agreement", "8", True),
    ("060", "Engage in material cooperation", "6", False),
    ("070", "Provide aid", "7", False),
    ("073", "Provide humanitarian aid", "7.4", False),
    ("081", "Ease administrative sanctions", "5", False),
    ("0841", "Return, release person(s)", "7", False),
    ("090", "Investigate", "-2", False),
    ("100", "Demand", "-5", False),
    ("102", "Demand diplomatic cooperation (such as policy support)", "-5", False),
    ("111", "Criticize or denounce", "-2", False),
    ("112", "Accuse", "-2", False),
    ("1121", "Accuse of crime, corruption", "-2", False),
    ("114", "Complain officially", "-2", False),
    ("120", "Reject", "-4", False),
    ("128", "Defy norms, law", "-5", False),
    ("130", "Threaten", "-4.4", False),
    ("138", "Threaten with military force", "-7", False),
    ("141", "Demonstrate or rally", "-6.5", False),
    ("143", "Conduct strike or boycott", "-6.5", False),
    ("145", "Protest violently, riot", "-7.5", False),
    ("154", "Mobilize or increase armed forces", "-7.2", False),
    ("160", "Reduce relations", "-4", False),
    ("173", "Arrest, detain, or charge with legal action", "-5", False),
    ("1711", "Confiscate property", "-9.2", False),
    ("174", "Expel or deport individuals", "-5", False),
    ("180", "Use unconventional violence", "-9", False),
    ("181", "Abduct, hijack, or take hostage", "-9", False),
    ("190", "Use conventional military force", "-10", False),
    ("193", "fight with small arms and light weapons", "-10", False),
    ("195", "Employ aerial weapons", "-10", False),
)
# The codes of an inter-country story, by its kind; force comes from the military.
TALK = ("010", "012", "013", "014", "016", "017", "019", "020", "022", "030", "0311", "032",
        "036", "040", "041", "042", "043", "044", "046", "050", "051", "057")
HELP = ("060", "070", "073", "081", "0841")
DISPUTE = ("0241", "090", "100", "102", "111", "112", "1121", "114", "120", "128", "130",
           "138", "160", "174")
FORCE = ("154", "173", "1711", "180", "181", "190", "193", "195")
# The codes of a domestic story, with the roles that carry them out.
DOMESTIC = {
    ("010", "012", "014", "017", "020", "040", "051", "090"): (
        "Government ({c})", "Head of Government ({c})", "Lawmaker ({c})", "Citizen ({c})"),
    ("0241", "1121", "128", "141", "143", "145"): (
        "Protester ({c})", "Opposition Activist ({c})", "Citizen ({c})"),
    ("173", "1711"): ("Police ({c})", "Member of the Judiciary ({c})"),
    ("180", "181", "193"): ("Militant ({c})",),
}
# Codes of a story with an international organisation or an unknown actor.
STATELESS_CODES = ("010", "020", "036", "051", "073", "111", "112")

# ICEWS country name -> (label in actor names, places: city, district, province, lat, lon)
COUNTRIES: dict[str, tuple[str, tuple[tuple[str, str, str, float, float], ...]]] = {
    "United States": ("United States", (
        ("Washington", "NA", "Washington D.C.", 38.9171, -77.0003),
        ("New York City", "NA", "New York", 40.7143, -74.006),
    )),
    "China": ("China", (
        ("Beijing", "NA", "Beijing Shi", 39.9075, 116.397),
        ("Shanghai", "NA", "Shanghai Shi", 31.2222, 121.458),
    )),
    "North Korea": ("North Korea", (
        ("Pyongyang", "NA", "Pyongyang-si", 39.0339, 125.754),
    )),
    "South Korea": ("South Korea", (
        ("Seoul", "NA", "Seoul", 37.5683, 126.978),
        ("Busan", "NA", "Busan", 35.1028, 129.04),
    )),
    "Japan": ("Japan", (
        ("Tokyo", "NA", "Tokyo", 35.6895, 139.692),
        ("Osaka", "Osaka-shi", "Osaka-fu", 34.6937, 135.502),
    )),
    "Russian Federation": ("Russia", (
        ("Moscow", "NA", "Moscow", 55.7522, 37.6156),
    )),
    "Ukraine": ("Ukraine", (
        ("Kiev", "NA", "Kyiv City", 50.4547, 30.5238),
    )),
    "Occupied Palestinian Territory": ("Palestinian Territory, Occupied", (
        ("Gaza", "NA", "Gaza Strip", 31.5, 34.4667),
        ("Ramallah", "NA", "West Bank", 31.8996, 35.2042),
    )),
    "Israel": ("Israel", (
        ("Jerusalem", "NA", "Jerusalem District", 31.769, 35.2163),
    )),
    "India": ("India", (
        ("New Delhi", "NA", "National Capital Territory of Delhi", 28.6358, 77.2245),
        ("Islamganj", "NA", "State of Uttar Pradesh", 27.9718, 79.1945),
    )),
    "Pakistan": ("Pakistan", (
        ("Islamabad", "NA", "Islamabad Capital Territory", 33.7215, 73.0433),
    )),
    "Philippines": ("Philippines", (
        ("Manila", "NA", "National Capital Region", 14.6042, 120.982),
    )),
    "Vietnam": ("Vietnam", (
        ("Hanoi", "NA", "Thanh Pho Ha Noi", 21.0245, 105.841),
    )),
    "Taiwan": ("Taiwan", (
        ("Taipei", "NA", "Taipei", 25.0478, 121.532),
    )),
    "Moldova, Republic of": ("Moldova", (
        ("Chisinau", "NA", "Municipiul Chisinau", 47.0056, 28.8575),
    )),
    "Cote d'Ivoire": ("Cote d'Ivoire", (
        ("Abidjan", "NA", "District d'Abidjan", 5.3097, -4.0127),
    )),
    "the former Yugoslav Republic of Macedonia": ("Macedonia", (
        ("Skopje", "NA", "Grad Skopje", 41.9965, 21.4314),
    )),
    "Colombia": ("Colombia", (
        ("Bogotá", "NA", "Bogotá D.C.", 4.6097, -74.0817),
    )),
    "France": ("France", (
        ("Saint-Denis", "Département de Seine-Saint-Denis", "Île-de-France", 48.9362, 2.3574),
    )),
    "Germany": ("Germany", (
        ("Berlin", "NA", "Land Berlin", 52.5244, 13.4105),
    )),
    "Turkey": ("Turkey", (
        ("Ankara", "NA", "Ankara", 39.9199, 32.8543),
    )),
}

# Sectors of each actor role; "{c}" is the country's label.  A bare country has none.
SECTORS = {
    "{c}": "NA",
    "Foreign Affairs ({c})": "Executive,Foreign Ministry,Government",
    "Government ({c})": "Government",
    "Head of Government ({c})": "Executive,Government,Executive Office",
    "Ministry ({c})": "Government",
    "Envoy ({c})": "Executive,Government,Foreign Ministry",
    "Military ({c})": "Military,Government",
    "Defense / Security Ministry ({c})": "Defense / Security Ministry,Executive,Government",
    "Trade Ministry ({c})": "Government,Executive,Finance / Economy / Commerce / Trade Ministry",
    "Lawmaker ({c})": "Legislative / Parliamentary,Government,(National) Major Party,Parties",
    "Business ({c})": "Business",
    "Citizen ({c})": "General Population / Civilian / Social,Social",
    "Police ({c})": "Police,Government",
    "Protester ({c})": "Dissident,Protestors / Popular Opposition / Mobs",
    "Member of the Judiciary ({c})": "Judicial,Government",
    "Opposition Activist ({c})": "Dissident,Ideological,Parties",
    "Militant ({c})": "Unidentified Forces",
}
# The roles on either side of an inter-country story, by its kind.
STATE_ROLES = ("{c}", "{c}", "Foreign Affairs ({c})", "Government ({c})",
               "Head of Government ({c})", "Ministry ({c})", "Envoy ({c})",
               "Trade Ministry ({c})", "Lawmaker ({c})", "Business ({c})")
FORCE_ROLES = ("{c}", "Military ({c})", "Defense / Security Ministry ({c})", "Police ({c})")
FORCE_TARGETS = ("{c}", "Military ({c})", "Citizen ({c})")
# Actors without a country: their side's country is NA.
STATELESS = (
    ("United Nations", "International Government Organization,Global,Global Diplomatic IGOs"),
    ("Unspecified Actor", "Unspecified"),
    ("Human Rights Group", "Nongovernmental Organization (International),Human Rights NGOs"),
)

# Undirected dyads of the inter-country stories: weight, then the weights of talk,
# help, dispute and force among its stories.  Every dyad occurs.
DYADS = (
    ("United States", "China", 8, (6, 1, 3, 0)),
    ("North Korea", "South Korea", 6, (7, 1, 2, 0)),
    ("United States", "North Korea", 6, (7, 0, 3, 0)),
    ("Russian Federation", "Ukraine", 4, (2, 0, 4, 2)),
    ("Israel", "Occupied Palestinian Territory", 4, (2, 1, 3, 3)),
    ("China", "Japan", 3, (5, 1, 2, 0)),
    ("India", "Pakistan", 3, (3, 0, 3, 2)),
    ("China", "Philippines", 2, (4, 1, 3, 0)),
    ("China", "Taiwan", 2, (2, 0, 4, 1)),
    ("Russian Federation", "United States", 2, (3, 0, 3, 0)),
    ("Japan", "Vietnam", 2, (6, 2, 0, 0)),
    ("Moldova, Republic of", "Russian Federation", 1, (3, 0, 2, 0)),
    ("Cote d'Ivoire", "France", 1, (5, 2, 0, 0)),
    ("the former Yugoslav Republic of Macedonia", "Turkey", 1, (5, 1, 0, 0)),
    ("Colombia", "Germany", 1, (5, 2, 0, 0)),
)

# Outlets: invented names, two with non-ASCII letters.
PUBLISHERS = (
    "Pacific Rim Wire", "Northern Courier", "Continental Press Service", "Harbour City Herald",
    "Eastern Daily Monitor", "Diário do Litoral", "Le Courrier Régional", "Capital Morning Post",
    "Asia Business Bulletin", "Global Affairs Digest",
)
# Coordinates readr printed with 17 significant digits (a quirk of the real files).
LONG_DIGITS = {27.9718}


def _number(value: float) -> str:
    """A double as readr's write_tsv prints it: no trailing '.0', rarely 17 digits."""
    text = format(value, ".17g") if value in LONG_DIGITS else repr(value)
    return text[:-2] if text.endswith(".0") else text


def _actor(country: str, template: str) -> tuple[str, str]:
    return template.format(c=COUNTRIES[country][0]), SECTORS[template]


def _place(rng: random.Random, country: str) -> tuple[str, ...]:
    if rng.random() < 0.06:  # no place coded at all
        return ("NA",) * 6
    city, district, province, lat, lon = rng.choice(COUNTRIES[country][1])
    if rng.random() < 0.15:  # only the province is known
        city = district = "NA"
    return city, district, province, country, _number(lat), _number(lon)


def _event(rng: random.Random, kind: str, pair: tuple[str, str],
           mix: tuple[int, ...]) -> tuple[str, str, tuple[str, str], str, tuple[str, str]]:
    """(code, source country, source actor, target country, target actor) of one event."""
    names = list(COUNTRIES)
    if kind == "dyad":
        a, b = pair if rng.random() < 0.5 else pair[::-1]
        group = rng.choices(("talk", "help", "dispute", "force"), weights=mix)[0]
        code = rng.choice({"talk": TALK, "help": HELP, "dispute": DISPUTE, "force": FORCE}[group])
        roles, targets = (FORCE_ROLES, FORCE_TARGETS) if group == "force" else (STATE_ROLES,) * 2
        return code, a, _actor(a, rng.choice(roles)), b, _actor(b, rng.choice(targets))
    if kind == "domestic":
        a = rng.choice(names)
        codes, roles = rng.choice(list(DOMESTIC.items()))
        code = rng.choice(codes)
        target = rng.choice([t for t in ("Government ({c})", "Citizen ({c})", "Police ({c})",
                                          "Business ({c})") if t not in roles])
        return code, a, _actor(a, rng.choice(roles)), a, _actor(a, target)
    a = rng.choice(names)
    code = rng.choice(STATELESS_CODES)
    state, other = _actor(a, rng.choice(STATE_ROLES)), rng.choice(STATELESS)
    if rng.random() < 0.5:
        return code, "NA", other, a, state
    return code, a, state, "NA", other


def rows(seed: int = SEED) -> list[list[str]]:
    """The fixture's data rows, in file order, without their Event IDs."""
    rng = random.Random(seed)
    codes = {code: (text, intensity, both) for code, text, intensity, both in CODES}
    out: list[list[str]] = []
    story = 80_412_000
    for number in range(STORIES):
        story += rng.randint(1, 9)
        date = DATES[0] if number < 50 else rng.choice(DATES)
        publisher = rng.choice(PUBLISHERS)
        # The first stories go through every dyad once; then inter-country 55 %,
        # domestic 33 %, with an actor that has no country 12 %.
        if number < len(DYADS):
            kind, dyad = "dyad", DYADS[number]
        else:
            kind = rng.choices(("dyad", "domestic", "stateless"), weights=(55, 33, 12))[0]
            dyad = rng.choices(DYADS, weights=[d[2] for d in DYADS])[0]
        sentences = sorted(rng.sample(range(1, 7), rng.choice((1, 1, 2, 2, 3))))
        for sentence in sentences:
            code, a, source, b, target = _event(rng, kind, dyad[:2], dyad[3])
            text, intensity, both = codes[code]
            place = _place(rng, rng.choice([c for c in (a, b) if c != "NA"]))
            common = [str(story), str(sentence), publisher, *place]
            sides = [(source, a, target, b), (target, b, source, a)][: 2 if both else 1]
            for (s_name, s_sectors), s_country, (t_name, t_sectors), t_country in sides:
                out.append([date, s_name, s_sectors, s_country, text, code, intensity,
                            t_name, t_sectors, t_country, *common])
    return out


def render(seed: int = SEED) -> bytes:
    """The whole file: header, then rows with unique, locally shuffled Event IDs."""
    rng = random.Random(seed + 1)
    body = rows(seed)
    ids, next_id = [], 61_530_000
    for _ in body:
        next_id += rng.choice((1, 1, 1, 2, 3, 7))
        ids.append(next_id)
    for i in range(0, len(ids) - 1, 5):  # ICEWS files are not sorted by Event ID
        if rng.random() < 0.4:
            ids[i], ids[i + 1] = ids[i + 1], ids[i]
    lines = ["\t".join(HEADER)]
    lines += ["\t".join([str(event_id), *row]) for event_id, row in zip(ids, body, strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    data = render()
    OUT.write_bytes(data)
    rows_written = data.count(b"\n") - 1
    print(f"{OUT.name}: {rows_written} rows")


if __name__ == "__main__":
    main()
