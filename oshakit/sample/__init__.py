"""Sample and defect case bundles: realistic, deterministic, any size.

``generate(out_dir)`` writes the eight canonical files of a case bundle (see
``docs/input-format.md``) for a few establishments in different industries.
The same arguments always give the same bytes. ``defects=True`` adds one or
more faults of every kind the loader and the validation must catch and lists
them in ``defects.csv``; ``scale`` multiplies row counts for benchmarks
(scale 1000 is about a million encounters).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from oshakit.schema import KINDS

__all__ = ["generate", "DEFECTS_FILE", "write_csv"]

DEFECTS_FILE = "defects.csv"
#: Hidden column of a text frame: raw text written as-is in place of the row.
RAW = "_raw"


def generate(
    out_dir: str | Path,
    establishments: int = 3,
    years: tuple[int, ...] | list[int] = (2023, 2024, 2025),
    seed: int = 0,
    defects: bool = False,
    scale: float = 1.0,
) -> Path:
    """Write a sample case bundle into ``out_dir`` (created if needed) and return it."""
    from oshakit.sample import model, tables

    if not years:
        raise ValueError("years must not be empty")
    if scale <= 0:
        raise ValueError("scale must be positive")
    years = tuple(sorted({int(y) for y in years}))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = model.build(int(establishments), years, int(seed), float(scale))
    frames = tables.tables(world, np.random.default_rng([int(seed), 1]))
    found = None
    if defects:
        from oshakit.sample.defects import inject

        frames, found = inject(frames, world)
    lines = {}
    for kind, df in frames.items():
        lines[kind] = write_csv(out / KINDS[kind].filename, df, need_lines=defects)
    stale = out / DEFECTS_FILE
    if found is not None:
        found = found.assign(
            line=[int(lines[k][pos]) for k, pos in zip(found["kind_name"], found["pos"],
                                                       strict=True)],
            file=[KINDS[k].filename for k in found["kind_name"]],
        )
        found = found.sort_values(["file", "line", "column"], kind="stable")
        found[["file", "line", "column", "kind", "caught_by"]].to_csv(
            stale, index=False, lineterminator="\n")
    elif stale.exists():
        stale.unlink()
    return out


def write_csv(path: Path, df: pd.DataFrame, need_lines: bool = False) -> np.ndarray | None:
    """Write a text frame as UTF-8 RFC 4180 CSV; return each row's starting line if asked.

    Columns whose name starts with ``_`` are hidden (not written). Rows whose
    hidden ``_raw`` cell is set are written as that raw text instead (used for
    rows with a wrong field count). Line 1 is the header.
    """
    raw = df[RAW].to_numpy() if RAW in df.columns else None
    body = df[[c for c in df.columns if not c.startswith("_")]]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(_quote(c) for c in body.columns) + "\n")
        cuts = [] if raw is None else np.flatnonzero(raw != "").tolist()
        start = 0
        for cut in [*cuts, len(body)]:
            if cut > start:
                body.iloc[start:cut].to_csv(f, header=False, index=False, lineterminator="\n")
            if cut < len(body):
                f.write(raw[cut] + "\n")
            start = cut + 1
    if not need_lines:
        return None
    extra = np.zeros(len(body), dtype=np.int64)
    for col in body.columns:
        s = body[col]
        if s.str.contains("\n", regex=False).any():
            extra += s.str.count("\n").to_numpy(dtype=np.int64)
    if raw is not None:
        extra[raw != ""] = 0
    return 2 + np.concatenate([[0], np.cumsum(1 + extra)[:-1]])


def _quote(s: str) -> str:
    return f'"{s}"' if any(ch in s for ch in ',"\n') else s
