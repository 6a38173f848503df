"""IndexConfig: defaults, validation messages, files, fingerprint, diff and profiles."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tensionindex as ti

EVENTS = [
    {"date": "2024-03-05", "actor1": "CHN", "actor2": "PHL", "event_type": "water_cannon"},
    {"date": "2024-04-16", "actor1": "USA", "actor2": "CHN", "event_type": "leader_call"},
]


def _param_error(name: str, expected: str, shown: str) -> str:
    """The house message shape for a bad parameter, as a regex."""
    return re.escape(
        f"The {name} parameter of IndexConfig must be {expected}. Got {shown} instead."
    )


def _rich() -> ti.IndexConfig:
    """A configuration that sets every kind of field away from its default."""
    return ti.IndexConfig(
        default_weights="plover",
        weights={"water_cannon": 12, "cameo:046": -3.5, "plover:CONSULT/phone": -2},
        category_multipliers={"gray_zone": 2, "naval_presence": 0.5},
        custom_types={
            "navy_band": {
                "label": 'A "friendly" concert\nby a navy band',
                "category": "naval_presence",
                "weight": 1.5,
            }
        },
        intensity_transform="sqrt",
        use_confidence=False,
        kernel="window",
        half_life=14.5,
        category_half_lives={"violence": 60},
        window=45,
        scale=3,
        directed=True,
        name="mine",
        description="Ünïcode and 'quotes'",
    )


# -- defaults and immutability -------------------------------------------------------


def test_defaults() -> None:
    config = ti.IndexConfig()
    assert config.default_weights == "goldstein"
    assert config.kernel == "exponential"
    assert config.half_life == 30.0
    assert config.window == 90
    assert config.scale == 10.0
    assert config.directed is False
    assert config.intensity_transform == "linear"
    assert config.use_confidence is True
    assert dict(config.weights) == {}
    assert dict(config.category_multipliers) == {}
    assert dict(config.category_half_lives) == {}
    assert dict(config.custom_types) == {}


def test_is_frozen_and_keyword_only() -> None:
    config = ti.IndexConfig()
    with pytest.raises(dataclasses.FrozenInstanceError, match="half_life"):
        config.half_life = 3  # type: ignore[misc]
    with pytest.raises(TypeError, match="positional"):
        ti.IndexConfig("plover")  # type: ignore[misc]
    # The mappings are read-only views, so the frozen value cannot change under you.
    with pytest.raises(TypeError, match="does not support item assignment"):
        config.weights["water_cannon"] = 1.0  # type: ignore[index]


def test_mapping_arguments_are_copied() -> None:
    weights = {"water_cannon": 5.0}
    config = ti.IndexConfig(weights=weights)
    weights["water_cannon"] = 6.0
    assert config.weights["water_cannon"] == 5.0


def test_replace_revalidates() -> None:
    config = ti.IndexConfig(half_life=14)
    assert dataclasses.replace(config, kernel="window", window=30).window == 30
    with pytest.raises(
        ti.ConfigurationError, match=_param_error("'half_life'", "a number > 0", "-1")
    ):
        dataclasses.replace(config, half_life=-1)
    with pytest.raises(ti.ConfigurationError, match="Did you mean 'water_cannon'"):
        dataclasses.replace(config, weights={"water_canon": 1})


def test_numbers_are_stored_as_floats_and_weight_keys_normalised() -> None:
    config = ti.IndexConfig(half_life=14, scale=np.int64(5), weights={" Water_Cannon ": 12})
    assert config.half_life == 14.0 and isinstance(config.half_life, float)
    assert config.scale == 5.0 and isinstance(config.scale, float)
    assert dict(config.weights) == {"water_cannon": 12.0}
    assert ti.IndexConfig(window=np.int64(30)).window == 30
    assert ti.IndexConfig(window=30.0).window == 30
    assert isinstance(ti.IndexConfig(window=30.0).window, int)


# -- invalid values: one message shape ----------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name", "expected", "shown"),
    [
        ({"half_life": 0}, "'half_life'", "a number > 0", "0"),
        ({"half_life": -3}, "'half_life'", "a number > 0", "-3"),
        ({"half_life": math.nan}, "'half_life'", "a finite number > 0", "nan"),
        ({"half_life": math.inf}, "'half_life'", "a finite number > 0", "inf"),
        ({"half_life": "30"}, "'half_life'", "a finite number > 0", "'30'"),
        ({"half_life": True}, "'half_life'", "a finite number > 0", "True"),
        ({"scale": 0}, "'scale'", "a number > 0", "0"),
        ({"scale": -1.5}, "'scale'", "a number > 0", "-1.5"),
        ({"window": 0}, "'window'", "an integer number of days from 1 to 100000", "0"),
        ({"window": -7}, "'window'", "an integer number of days from 1 to 100000", "-7"),
        ({"window": 1.5}, "'window'", "an integer number of days from 1 to 100000", "1.5"),
        ({"window": math.inf}, "'window'", "an integer number of days from 1 to 100000", "inf"),
        ({"window": "90"}, "'window'", "an integer number of days from 1 to 100000", "'90'"),
        ({"window": True}, "'window'", "an integer number of days from 1 to 100000", "True"),
        ({"window": 1e300}, "'window'", "an integer number of days from 1 to 100000", "1e+300"),
        (
            {"aggregation": "median"},
            "'aggregation'",
            "one of 'sum', 'mean', 'share', 'kernel_mean'",
            "'median'",
        ),
        ({"directed": "yes"}, "'directed'", "True or False", "'yes'"),
        ({"directed": 1}, "'directed'", "True or False", "1"),
        ({"use_confidence": None}, "'use_confidence'", "True or False", "None"),
        ({"name": 3}, "'name'", "a string", "3"),
        ({"weights": [1]}, "'weights'", "a mapping (dict)", "[1]"),
        ({"category_multipliers": 2}, "'category_multipliers'", "a mapping (dict)", "2"),
        (
            {"weights": {"water_cannon": math.nan}},
            "\"weights['water_cannon']\"",
            "a finite number",
            "nan",
        ),
        (
            {"weights": {"water_cannon": -math.inf}},
            "\"weights['water_cannon']\"",
            "a finite number",
            "-inf",
        ),
        (
            {"weights": {"water_cannon": "high"}},
            "\"weights['water_cannon']\"",
            "a finite number",
            "'high'",
        ),
        (
            {"category_multipliers": {"gray_zone": -1}},
            "\"category_multipliers['gray_zone']\"",
            "a number >= 0",
            "-1",
        ),
        (
            {"category_multipliers": {"gray_zone": math.nan}},
            "\"category_multipliers['gray_zone']\"",
            "a finite number >= 0",
            "nan",
        ),
        (
            {"category_half_lives": {"violence": 0}},
            "\"category_half_lives['violence']\"",
            "a number > 0",
            "0",
        ),
    ],
)
def test_invalid_values(kwargs: dict[str, object], name: str, expected: str, shown: str) -> None:
    with pytest.raises(ti.ConfigurationError, match=_param_error(name, expected, shown)):
        ti.IndexConfig(**kwargs)  # type: ignore[arg-type]


def test_numpy_values_are_shown_as_plain_numbers() -> None:
    with pytest.raises(ti.ConfigurationError, match=_param_error("'scale'", "a number > 0", "-2")):
        ti.IndexConfig(scale=np.int64(-2))


@pytest.mark.parametrize(
    ("kwargs", "name", "choices", "shown", "suggestion"),
    [
        (
            {"kernel": "windw"},
            "kernel",
            "'exponential', 'window', 'carryover'",
            "'windw'",
            "'window'",
        ),
        (
            {"kernel": "Exponential"},
            "kernel",
            "'exponential', 'window', 'carryover'",
            "'Exponential'",
            "'exponential'",
        ),
        (
            {"intensity_transform": "log"},
            "intensity_transform",
            "'linear', 'log1p', 'sqrt'",
            "'log'",
            "'log1p'",
        ),
        (
            {"default_weights": "gold"},
            "default_weights",
            "'goldstein', 'plover'",
            "'gold'",
            "'goldstein'",
        ),
    ],
)
def test_bad_literal_suggests_the_choice(
    kwargs: dict[str, object], name: str, choices: str, shown: str, suggestion: str
) -> None:
    message = (
        f"The '{name}' parameter of IndexConfig must be one of {choices}. Got {shown} instead."
        f" Did you mean {suggestion}?"
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.IndexConfig(**kwargs)  # type: ignore[arg-type]


def test_bad_literal_of_the_wrong_type() -> None:
    with pytest.raises(ti.ConfigurationError, match=re.escape("Got 2 instead.")):
        ti.IndexConfig(kernel=2)  # type: ignore[arg-type]


def test_unknown_event_type_in_weights_suggests() -> None:
    message = (
        "The 'weights' parameter of IndexConfig names an unknown event type. "
        "Unknown event type 'water_canon'. Did you mean 'water_cannon'?"
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.IndexConfig(weights={"water_canon": 12})


def test_weight_keys_must_be_text() -> None:
    with pytest.raises(
        ti.ConfigurationError,
        match=_param_error("'weights'", "a mapping from event-type names to numbers", "46"),
    ):
        ti.IndexConfig(weights={46: 1.0})  # type: ignore[dict-item]


@pytest.mark.parametrize("field", ["category_multipliers", "category_half_lives"])
def test_unknown_category_suggests(field: str) -> None:
    message = (
        f"The '{field}' parameter of IndexConfig names an unknown category 'grayzone'. "
        "Did you mean 'gray_zone'? The categories are: dialogue, agreement,"
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.IndexConfig(**{field: {"grayzone": 2.0}})  # type: ignore[arg-type]


def test_config_errors_are_value_errors() -> None:
    assert issubclass(ti.ConfigurationError, ValueError)
    assert issubclass(ti.ConfigurationError, ti.TensionIndexError)


# -- custom event types ----------------------------------------------------------------------


def test_custom_types_accept_dicts_and_specs() -> None:
    config = ti.IndexConfig(
        custom_types={
            "navy_band": {"label": "Navy band concert", "category": "cooperation", "weight": -2},
            "drone_overflight": ti.EventTypeSpec(
                label="Drone overflight", category="naval_presence", weight=3.0
            ),
        },
        weights={"navy_band": -4},
        category_multipliers={"naval_presence": 2},
    )
    assert list(config.custom_types) == ["drone_overflight", "navy_band"]
    assert config.custom_types["navy_band"] == ti.EventTypeSpec(
        label="Navy band concert", category="cooperation", weight=-2.0
    )
    resolved = config.resolve(["navy_band", "drone_overflight"])
    assert resolved.weight.tolist() == [-4.0, 3.0]
    assert resolved.multiplier.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("key", "spec", "message"),
    [
        (
            "Navy_Band",
            {"label": "x", "category": "cooperation", "weight": 1},
            "The custom event type key 'Navy_Band' of IndexConfig must be lower-case letters, "
            "digits and underscores, starting with a letter (e.g. 'navy_band').",
        ),
        (
            "cameo:999",
            {"label": "x", "category": "cooperation", "weight": 1},
            "The custom event type key 'cameo:999' of IndexConfig must be lower-case letters",
        ),
        (
            "water_cannon",
            {"label": "x", "category": "gray_zone", "weight": 1},
            "The custom event type 'water_cannon' of IndexConfig is already built in; change its "
            "weight with weights={'water_cannon': ...} instead.",
        ),
        (
            "navy_band",
            {"label": "x", "category": "cooperation"},
            "The custom event type 'navy_band' of IndexConfig needs the keys 'label', "
            "'category' and 'weight', and may have 'mode'. Missing: ['weight']; unexpected: [].",
        ),
        (
            "navy_band",
            {"label": "x", "category": "naval", "weight": 1, "mode": "spoken"},
            "The mode of custom event type 'navy_band' must be 'verbal' (words: statements, "
            "talks) or 'material' (deeds), or be left out to take its category's. Got 'spoken' "
            "instead.",
        ),
        (
            "navy_band",
            {"label": "x", "category": "naval", "weight": 1, "mode": 1},
            "The \"custom_types['navy_band'].mode\" parameter of IndexConfig must be 'verbal' or "
            "'material'. Got 1 instead.",
        ),
        (
            "navy_band",
            {"label": "x", "category": "cooperation", "weight": 1, "colour": "red"},
            "Missing: []; unexpected: ['colour'].",
        ),
        (
            "navy_band",
            {"label": "x", "category": "Cooperation", "weight": 1},
            "The category of custom event type 'navy_band' must be lower-case letters, digits and "
            "underscores. Got 'Cooperation' instead. Did you mean 'cooperation'?",
        ),
        (
            "navy_band",
            {"label": "x", "category": "cooperation", "weight": math.nan},
            "The \"custom_types['navy_band'].weight\" parameter of IndexConfig must be a finite "
            "number. Got nan instead.",
        ),
        (
            "navy_band",
            {"label": 5, "category": "cooperation", "weight": 1},
            "The \"custom_types['navy_band']\" parameter of IndexConfig must be a label and "
            "category given as strings.",
        ),
        (
            "navy_band",
            5,
            "The \"custom_types['navy_band']\" parameter of IndexConfig must be a dict with "
            "label, category and weight. Got 5 instead.",
        ),
    ],
)
def test_bad_custom_types(key: str, spec: object, message: str) -> None:
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.IndexConfig(custom_types={key: spec})  # type: ignore[dict-item]


def test_a_custom_types_mode_sets_its_quad_class_and_round_trips() -> None:
    from tensionindex.catalogue import quad_classes

    spoken = {"label": "Navy spokesman warns", "category": "naval", "weight": 2.0}
    plain = ti.IndexConfig(custom_types={"navy_warning": spoken})
    verbal = ti.IndexConfig(custom_types={"navy_warning": {**spoken, "mode": "verbal"}})
    assert quad_classes(["navy_warning"], plain.custom_types) == ("material_conflict",)
    assert quad_classes(["navy_warning"], verbal.custom_types) == ("verbal_conflict",)
    assert ti.IndexConfig.from_toml(verbal.to_toml()) == verbal
    assert ti.IndexConfig.from_dict(verbal.to_dict()) == verbal
    # Without a mode nothing is written: fingerprints of older configurations hold.
    assert "mode" not in plain.to_dict()["custom_types"]["navy_warning"]
    assert "mode" not in plain.to_toml()
    assert plain.fingerprint != verbal.fingerprint
    taxonomy = ti.taxonomy(verbal).set_index("event_type")
    assert taxonomy.loc["navy_warning", "quad_class"] == "verbal_conflict"


def test_weight_for_a_type_neither_built_in_nor_added_is_an_error() -> None:
    with pytest.raises(ti.ConfigurationError, match=re.escape("Unknown event type 'navy_band'.")):
        ti.IndexConfig(weights={"navy_band": 1.0})


# -- TOML and JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize("config", [ti.IndexConfig(), _rich()], ids=["default", "rich"])
def test_toml_round_trip(config: ti.IndexConfig, tmp_path: Path) -> None:
    text = config.to_toml()
    assert ti.IndexConfig.from_toml(text) == config
    path = tmp_path / "mine.toml"
    assert config.to_toml(path) == text
    assert ti.IndexConfig.from_toml(path) == config
    assert ti.IndexConfig.from_toml(str(path)) == config
    assert ti.load_config(path) == config
    assert f"# fingerprint: {config.fingerprint}" in text


@pytest.mark.parametrize("config", [ti.IndexConfig(), _rich()], ids=["default", "rich"])
def test_json_round_trip(config: ti.IndexConfig, tmp_path: Path) -> None:
    text = config.to_json()
    assert json.loads(text) == config.to_dict()
    assert ti.IndexConfig.from_json(text) == config
    path = tmp_path / "mine.json"
    config.to_json(path)
    assert ti.IndexConfig.from_json(path) == config
    assert ti.load_config(str(path)) == config
    assert ti.IndexConfig.from_dict(config.to_dict()) == config


def test_hand_written_toml(tmp_path: Path) -> None:
    path = tmp_path / "analyst.TOML"
    path.write_text(
        'kernel = "window"\nwindow = 30\n\n[weights]\nwater_cannon = 12\n"cameo:0871" = -9.5\n'
        '\n[custom_types.navy_band]\nlabel = "Concert"\ncategory = "cooperation"\nweight = -2\n',
        encoding="utf-8",
    )
    config = ti.load_config(path)
    assert config == ti.IndexConfig(
        kernel="window",
        window=30,
        weights={"water_cannon": 12.0, "cameo:0871": -9.5},
        custom_types={"navy_band": {"label": "Concert", "category": "cooperation", "weight": -2}},
    )


def test_malformed_toml_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("half_life = [\n", encoding="utf-8")
    message = f"Could not parse the configuration file {str(path)!r} as TOML:"
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.load_config(path)


def test_malformed_json_file_names_the_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{\n  half_life: 3}\n", encoding="utf-8")
    message = (
        f"Could not parse the configuration file {str(path)!r} as JSON: Expecting property "
        "name enclosed in double quotes at line 2, column 3."
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.load_config(path)


def test_malformed_toml_text() -> None:
    with pytest.raises(
        ti.ConfigurationError, match=re.escape("Could not parse the configuration text as TOML")
    ):
        ti.IndexConfig.from_toml("half_life = = 3\n")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(
        ti.ConfigurationError,
        match=re.escape(f"Configuration file {str(path)!r} is not UTF-8 text."),
    ):
        ti.load_config(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(
        ti.ConfigurationError, match=re.escape(f"Configuration file {str(path)!r} does not exist.")
    ):
        ti.load_config(path)


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("half_life: 3\n", encoding="utf-8")
    message = (
        f"Cannot tell the format of configuration file {str(path)!r}: use a .toml or .json file."
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.load_config(path)


@pytest.mark.parametrize("suffix", ["toml", "json"])
def test_unknown_key_in_a_file_suggests(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"typo.{suffix}"
    path.write_text("half_lfe = 3\n" if suffix == "toml" else '{"half_lfe": 3}', encoding="utf-8")
    message = (
        "Unknown configuration setting 'half_lfe'. Did you mean 'half_life'? The settings are: "
        "default_weights, weights,"
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.load_config(path)


def test_invalid_value_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[category_multipliers]\ngrayzone = 2\n", encoding="utf-8")
    with pytest.raises(ti.ConfigurationError, match=re.escape("Did you mean 'gray_zone'?")):
        ti.load_config(path)


def test_file_holding_a_list(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(
        ti.ConfigurationError,
        match=re.escape("A configuration must be a mapping of settings. Got list instead."),
    ):
        ti.load_config(path)


# -- fingerprint -------------------------------------------------------------------------------


def test_fingerprint_shape() -> None:
    assert re.fullmatch("[0-9a-f]{16}", ti.IndexConfig().fingerprint)


def test_fingerprint_ignores_int_versus_float_and_key_order() -> None:
    base = ti.IndexConfig().fingerprint
    assert ti.IndexConfig(half_life=30).fingerprint == base
    assert ti.IndexConfig(half_life=30.0, scale=10, window=90.0).fingerprint == base
    one = ti.IndexConfig(weights={"water_cannon": 12, "ramming": 10}, half_life=14)
    two = ti.IndexConfig(half_life=14.0, weights={"ramming": 10.0, "water_cannon": 12.0})
    assert one.fingerprint == two.fingerprint
    three = ti.IndexConfig(category_multipliers={"violence": 2, "gray_zone": 3})
    four = ti.IndexConfig(category_multipliers={"gray_zone": 3.0, "violence": 2.0})
    assert three.fingerprint == four.fingerprint


def test_fingerprint_ignores_name_and_description() -> None:
    assert ti.IndexConfig(name="a", description="b").fingerprint == ti.IndexConfig().fingerprint
    assert ti.load_profile("goldstein").fingerprint == ti.IndexConfig().fingerprint


def test_fingerprint_ignores_entries_that_restate_a_default() -> None:
    # As in diff(): these give the same numbers as the default configuration.
    base = ti.IndexConfig().fingerprint
    water_cannon = float(ti.taxonomy().set_index("event_type").loc["water_cannon", "weight"])
    assert ti.IndexConfig(weights={"water_cannon": water_cannon}).fingerprint == base
    assert ti.IndexConfig(category_multipliers={"gray_zone": 1}).fingerprint == base
    assert ti.IndexConfig(category_half_lives={"violence": 30}).fingerprint == base
    assert ti.IndexConfig(weights={"water_cannon": water_cannon + 1}).fingerprint != base


@pytest.mark.parametrize(
    "change",
    [
        {"half_life": 30.000001},
        {"scale": 9},
        {"kernel": "window"},
        {"directed": True},
        {"use_confidence": False},
        {"intensity_transform": "log1p"},
        {"default_weights": "plover"},
        {"weights": {"water_cannon": 7.5}},
        {"category_multipliers": {"gray_zone": 1.5}},
        {"category_half_lives": {"violence": 29}},
        {"custom_types": {"navy_band": {"label": "x", "category": "cooperation", "weight": 1}}},
    ],
)
def test_fingerprint_changes_with_any_number(change: dict[str, object]) -> None:
    assert ti.IndexConfig(**change).fingerprint != ti.IndexConfig().fingerprint  # type: ignore[arg-type]


def test_fingerprint_covers_only_the_kernel_in_use() -> None:
    window = ti.IndexConfig(kernel="window")
    assert ti.IndexConfig(kernel="window", window=91).fingerprint != window.fingerprint
    assert ti.IndexConfig(kernel="window", half_life=7).fingerprint == window.fingerprint
    assert ti.IndexConfig(window=91).fingerprint == ti.IndexConfig().fingerprint


def test_fingerprint_survives_round_trips() -> None:
    config = _rich()
    assert ti.IndexConfig.from_toml(config.to_toml()).fingerprint == config.fingerprint
    assert ti.IndexConfig.from_json(config.to_json()).fingerprint == config.fingerprint


@pytest.mark.slow  # over a second: run in CI's slow step (plain pytest stays under 2 min)
def test_fingerprint_is_the_same_in_a_fresh_process() -> None:
    script = (
        "import tensionindex as ti\n"
        "print(ti.IndexConfig().fingerprint)\n"
        "print(ti.IndexConfig(weights={'ramming': 10, 'water_cannon': 12}, half_life=14)"
        ".fingerprint)\n"
    )
    here = [
        ti.IndexConfig().fingerprint,
        ti.IndexConfig(half_life=14.0, weights={"water_cannon": 12.0, "ramming": 10.0}).fingerprint,
    ]
    for seed in ("0", "12345"):  # different string-hash seeds must not matter
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert result.stdout.split() == here


def test_hash_follows_the_fingerprint() -> None:
    assert hash(ti.IndexConfig(half_life=30)) == hash(ti.IndexConfig())
    assert len({ti.IndexConfig(), ti.IndexConfig(half_life=30.0)}) == 1


# -- diff -----------------------------------------------------------------------------------------


def test_diff_of_equal_configurations_is_empty() -> None:
    table = ti.diff(ti.IndexConfig(), ti.IndexConfig(half_life=30))
    assert list(table.columns) == ["setting", "a", "b"]
    assert len(table) == 0


def test_diff_lists_each_difference() -> None:
    a = ti.IndexConfig()
    b = ti.IndexConfig(half_life=14, weights={"ramming": 12}, name="mine")
    table = ti.diff(a, b)
    assert table.to_dict(orient="records") == [
        {"setting": "half_life", "a": 30.0, "b": 14.0},
        {"setting": "name", "a": "", "b": "mine"},
        {"setting": "weights.ramming", "a": 9.2, "b": 12.0},
    ]
    assert a.diff(b).equals(table)


def test_diff_compares_weights_in_force() -> None:
    default = float(ti.taxonomy().set_index("event_type").loc["water_cannon", "weight"])
    assert len(ti.diff(ti.IndexConfig(), ti.IndexConfig(weights={"water_cannon": default}))) == 0
    assert len(ti.diff(ti.IndexConfig(), ti.IndexConfig(category_multipliers={"violence": 1}))) == 0
    assert len(ti.diff(ti.IndexConfig(), ti.IndexConfig(category_half_lives={"violence": 30}))) == 0


def test_diff_of_categories_and_custom_types() -> None:
    a = ti.IndexConfig(category_multipliers={"violence": 2})
    b = ti.IndexConfig(
        category_half_lives={"violence": 60},
        custom_types={"navy_band": {"label": "x", "category": "cooperation", "weight": 1}},
    )
    table = ti.diff(a, b).set_index("setting")
    assert list(table.index) == [
        "category_multipliers.violence",
        "category_half_lives.violence",
        "custom_types.navy_band",
    ]
    assert table.loc["category_multipliers.violence"].tolist() == [2.0, 1.0]
    assert table.loc["category_half_lives.violence"].tolist() == [30.0, 60.0]
    absent, added = table.loc["custom_types.navy_band"]
    assert pd.isna(absent)
    assert added == {"label": "x", "category": "cooperation", "weight": 1.0}


def test_diff_of_profiles_lists_the_changed_default() -> None:
    table = ti.diff(ti.load_profile("goldstein"), ti.load_profile("plover"))
    assert set(table["setting"]) == {"default_weights", "name", "description"}


# -- profiles and overrides ---------------------------------------------------------------------


def test_profiles() -> None:
    assert ti.profiles() == ["goldstein", "plover"]
    goldstein = ti.load_profile("goldstein")
    assert goldstein.name == "goldstein"
    assert goldstein.default_weights == "goldstein"
    assert dataclasses.replace(goldstein, name="", description="") == ti.IndexConfig()
    plover = ti.load_profile("plover")
    assert plover.default_weights == "plover"
    assert dataclasses.replace(plover, name="", description="") == ti.IndexConfig(
        default_weights="plover"
    )


def test_unknown_profile_suggests() -> None:
    message = (
        "Unknown profile 'plovr'. Did you mean 'plover'? "
        "The built-in profiles are: goldstein, plover."
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.load_profile("plovr")


def test_overrides_reach_the_configuration() -> None:
    result = ti.stability_index(EVENTS, half_life=14, weights={"water_cannon": 12.0})
    recorded = result.attrs["tensionindex"]
    expected = ti.IndexConfig(half_life=14, weights={"water_cannon": 12.0})
    assert recorded["fingerprint"] == expected.fingerprint
    assert recorded["config"] == expected.to_dict()
    with_config = ti.stability_index(EVENTS, expected)
    pd.testing.assert_frame_equal(result, with_config)


def test_unknown_override_suggests() -> None:
    message = (
        "Unknown setting 'half_lfe'. Did you mean 'half_life'? "
        "Overrides are IndexConfig field names:"
    )
    with pytest.raises(ti.ConfigurationError, match=re.escape(message)):
        ti.stability_index(EVENTS, half_lfe=14)


def test_invalid_override_value() -> None:
    with pytest.raises(
        ti.ConfigurationError,
        match=_param_error("'window'", "an integer number of days from 1 to 100000", "0"),
    ):
        ti.stability_index(EVENTS, kernel="window", window=0)


def test_a_configuration_pickles_and_copies() -> None:
    import copy
    import pickle

    config = _rich()
    for clone in (pickle.loads(pickle.dumps(config)), copy.deepcopy(config), copy.copy(config)):
        assert clone == config
        assert clone.fingerprint == config.fingerprint
    assert dataclasses.asdict(config)["weights"] == dict(config.weights)
    with pytest.raises(TypeError):
        config.weights["water_cannon"] = 1.0  # type: ignore[index]


# -- grades: named bands of stability -------------------------------------------------------


def test_default_grades_cover_0_to_100_in_six_bands() -> None:
    grades = ti.IndexConfig().grades
    assert dict(grades) == {
        "confrontational": 0.0,
        "tense": 15.0,
        "cool": 35.0,
        "normal": 45.0,
        "good": 55.0,
        "friendly": 70.0,
    }


def test_grades_are_sorted_by_bound_and_change_no_fingerprint() -> None:
    config = ti.IndexConfig(grades={"calm": 50, "crisis": 0, "tense": 20.5})
    assert list(config.grades.items()) == [("crisis", 0.0), ("tense", 20.5), ("calm", 50.0)]
    assert config.fingerprint == ti.IndexConfig().fingerprint
    assert config != ti.IndexConfig()
    table = ti.diff(ti.IndexConfig(), config)
    assert table["setting"].tolist() == ["grades"]


@pytest.mark.parametrize("suffix", ["toml", "json"])
def test_custom_grades_round_trip(suffix: str, tmp_path: Path) -> None:
    config = ti.IndexConfig(grades={"crisis": 0, "strained": 30, "fine": 50, "close ties": 80})
    path = tmp_path / f"grades.{suffix}"
    if suffix == "toml":
        text = config.to_toml(path)
        assert "[grades]" in text and '"close ties" = 80.0' in text
    else:
        config.to_json(path)
    loaded = ti.load_config(path)
    assert loaded == config
    assert list(loaded.grades) == ["crisis", "strained", "fine", "close ties"]


def test_hand_written_grades_table(tmp_path: Path) -> None:
    path = tmp_path / "bands.toml"
    path.write_text("[grades]\nhot = 0\nwarm = 40\ncold = 60\n", encoding="utf-8")
    assert dict(ti.load_config(path).grades) == {"hot": 0.0, "warm": 40.0, "cold": 60.0}


@pytest.mark.parametrize(
    ("grades", "message"),
    [
        ([("a", 0)], _param_error("'grades'", "a mapping (dict)", "[('a', 0)]")),
        (
            {"": 0, "b": 50},
            _param_error(
                "'grades'",
                "a mapping from non-empty band names to lower bounds from 0 to 100",
                "''",
            ),
        ),
        ({"a": 0, "b": 101}, _param_error("\"grades['b']\"", "a lower bound from 0 to 100", "101")),
        ({"a": 0, "b": "x"}, _param_error("\"grades['b']\"", "a finite number", "'x'")),
        ({"a": 0, "b": math.nan}, _param_error("\"grades['b']\"", "a finite number", "nan")),
        (
            {"a": 10, "b": 50},
            r"'grades' parameter of IndexConfig must start a band at 0.*Got \{'a': 10, 'b': 50\}"
            r".*lower 'a' to 0",
        ),
        ({}, r"must start a band at 0.*Got \{\} instead; give at least one band"),
        (
            {"a": 0, "b": 40, "c": 40},
            r"'grades' .* its own lower bound\. Got 'b' and 'c' both at 40; move one",
        ),
    ],
)
def test_invalid_grades(grades: object, message: str) -> None:
    with pytest.raises(ti.ConfigurationError, match=message):
        ti.IndexConfig(grades=grades)  # type: ignore[arg-type]
