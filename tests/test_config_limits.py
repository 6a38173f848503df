"""Configuration text that is too long, too deep or not a file: refused quickly and by name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import tensionindex as ti
from tensionindex.config import MAX_CONFIG_BYTES, MAX_CONFIG_DEPTH, IndexConfig
from tensionindex.exceptions import ConfigurationError


@pytest.mark.parametrize(
    "text",
    [
        "a" + ".a" * 32_000 + " = 1\n",  # took TOML parsers a minute
        "[" + ".".join(["t"] * 40) + "]\nx = 1\n",
        "weights = " + "[" * 5_000 + "]" * 5_000 + "\n",  # RecursionError in the parser
        "[custom_types.x.y.z.w.v.u.t.s]\nweight = 1\n",
    ],
    ids=["dotted-key", "table-header", "nested-arrays", "deep-table"],
)
def test_deep_toml_is_refused_before_it_is_parsed(text: str) -> None:
    # The dotted key took the TOML parser about a minute; refused from one scan of the text.
    deep = rf"nests deeper than MAX_CONFIG_DEPTH={MAX_CONFIG_DEPTH}"
    with pytest.raises(ConfigurationError, match=deep):
        IndexConfig.from_toml(text)


@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, '{"weights": ' * 20 + "1" + "}" * 20]
)
def test_deep_json_is_refused(text: str) -> None:
    with pytest.raises(ConfigurationError, match=r"nests deeper than MAX_CONFIG_DEPTH"):
        IndexConfig.from_json(text)


def test_quoted_dots_are_not_depth() -> None:
    config = IndexConfig.from_toml('[weights]\n"cameo:0871" = -9.5\n')
    assert config.weights == {"cameo:0871": -9.5}
    with pytest.raises(ConfigurationError, match=r"Unknown configuration setting 'a.b.c.d.e.f"):
        IndexConfig.from_toml('"a.b.c.d.e.f.g.h.i.j" = 1\n')


def test_long_text_and_large_files_are_refused_by_size(tmp_path: Path) -> None:
    too_long = r"more than max_bytes=1,048,576 \(MAX_CONFIG_BYTES\)"
    with pytest.raises(ConfigurationError, match=too_long):
        IndexConfig.from_toml("#" * (MAX_CONFIG_BYTES + 1))
    path = tmp_path / "big.toml"
    path.write_text("half_life = 14\n" + "#" * 2_000 + "\n", encoding="utf-8")
    too_big = r"file .*big.toml' is 2,016 bytes, more than max_bytes=1,000"
    with pytest.raises(ConfigurationError, match=too_big):
        ti.load_config(path, max_bytes=1_000)
    assert ti.load_config(path).half_life == 14.0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "config.toml"
    os.mkfifo(pipe)
    with pytest.raises(ConfigurationError, match=r"is not a regular file \(a pipe or a device\)"):
        ti.load_config(pipe)
