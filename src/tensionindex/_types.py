"""String options, defined once so type checkers and docs know the choices."""

from __future__ import annotations

from typing import Literal, TypeAlias

Kernel: TypeAlias = Literal["exponential", "window", "carryover"]
IntensityTransform: TypeAlias = Literal["linear", "log1p", "sqrt"]
DefaultWeights: TypeAlias = Literal["goldstein", "plover"]
Aggregation: TypeAlias = Literal["sum", "mean", "share", "kernel_mean"]
Neutral: TypeAlias = Literal["zero", "dyad", "source"]
Normalize: TypeAlias = Literal["logistic", "zscore", "percentile"]
ImpreciseDates: TypeAlias = Literal["middle", "spread"]
DatePrecision: TypeAlias = Literal["day", "week", "month", "year"]
DedupMethod: TypeAlias = Literal["event_id", "event_id_date", "one_a_day", "corroboration"]

KERNELS: tuple[Kernel, ...] = ("exponential", "window", "carryover")
INTENSITY_TRANSFORMS: tuple[IntensityTransform, ...] = ("linear", "log1p", "sqrt")
DEFAULT_WEIGHTS: tuple[DefaultWeights, ...] = ("goldstein", "plover")
AGGREGATIONS: tuple[Aggregation, ...] = ("sum", "mean", "share", "kernel_mean")
NEUTRALS: tuple[Neutral, ...] = ("zero", "dyad", "source")
DEDUP_METHODS: tuple[DedupMethod, ...] = ("event_id", "event_id_date", "one_a_day", "corroboration")
IMPRECISE_DATES: tuple[ImpreciseDates, ...] = ("middle", "spread")
DATE_PRECISIONS: tuple[DatePrecision, ...] = ("day", "week", "month", "year")
NORMALIZE_OPTIONS: tuple[Normalize, ...] = ("logistic", "zscore", "percentile")
