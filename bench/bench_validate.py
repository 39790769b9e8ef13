"""Benchmark: validate a generated bundle with every suite, GX against plain pandas.

    .venv/bin/python bench/bench_validate.py            # scale 10 (about 10,000 encounters)
    .venv/bin/python bench/bench_validate.py --full     # scale 1000 (about 1,000,000 encounters)

Prints wall times (load, derive, GX validate, findings, profile, Data Docs), peak memory
(RSS of this process; the bundle is generated in a child process), GX's share of the
validation, and the ratio of GX's time against the same expectations evaluated as plain
vectorised pandas on the same frames in the same run (their failing rows are compared too).
"""

from __future__ import annotations

import argparse
import operator
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from oshakit.schema import KINDS, LINE  # noqa: E402


def generate(folder: Path, scale: float) -> float:
    t = time.perf_counter()
    code = f"from oshakit.sample import generate; generate({str(folder)!r}, scale={scale})"
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - t


# --- the same expectations as plain pandas --------------------------------------------------
_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
        ">": operator.gt, ">=": operator.ge}


def condition(df: pd.DataFrame, c: dict) -> pd.Series:
    kind = c["type"]
    if kind == "and":
        return pd.concat([condition(df, x) for x in c["conditions"]], axis=1).all(axis=1)
    if kind == "or":
        return pd.concat([condition(df, x) for x in c["conditions"]], axis=1).any(axis=1)
    col = df[c["column"]["name"]]
    if kind == "nullity":
        return col.isna() if c["is_null"] else col.notna()
    op, value = c["operator"], c["parameter"]
    if op == "IN":
        return col.isin(value).fillna(False).astype(bool)
    if op == "NOT_IN":
        return (~col.isin(value)).fillna(False).astype(bool)
    return _OPS[op](col, value).fillna(False).astype(bool)


def _bound(v):
    return pd.Timestamp(v) if isinstance(v, str) else v


def failing(df: pd.DataFrame, e: dict) -> pd.Series:
    """Boolean mask of rows failing expectation ``e`` (GX semantics: nulls are skipped)."""
    t, kw = e["type"], e["kwargs"]
    if "row_condition" in kw:
        df = df[condition(df, kw["row_condition"]).to_numpy()]
    c = df[kw["column"]] if "column" in kw else None
    if t == "expect_column_values_to_not_be_null":
        return c.isna()
    if t == "expect_column_values_to_be_null":
        return c.notna()
    if t == "expect_column_values_to_be_in_set":
        return c.notna() & ~c.isin(kw["value_set"])
    if t == "expect_column_values_to_be_unique":
        return c.notna() & c.duplicated(keep=False)
    if t == "expect_compound_columns_to_be_unique":
        return df.duplicated(subset=kw["column_list"], keep=False)
    if t == "expect_column_values_to_be_between":
        bad = pd.Series(False, index=df.index)
        if kw.get("min_value") is not None:
            lo = _bound(kw["min_value"])
            bad |= (c <= lo if kw.get("strict_min") else c < lo).fillna(False)
        if kw.get("max_value") is not None:
            hi = _bound(kw["max_value"])
            bad |= (c >= hi if kw.get("strict_max") else c > hi).fillna(False)
        return bad
    if t == "expect_column_value_lengths_to_be_between":
        return (c.str.len() > kw["max_value"]).fillna(False)
    if t == "expect_column_values_to_match_regex":
        return c.notna() & ~c.str.contains(kw["regex"], regex=True).fillna(False)
    if t == "expect_column_values_to_not_match_regex":
        return c.str.contains(kw["regex"], regex=True).fillna(False)
    if t == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = df[kw["column_A"]], df[kw["column_B"]]
        return (a.notna() & b.notna() & (a < b)).fillna(False)
    raise ValueError(f"no pandas version of {t}")


def plain_pandas(derived: dict[str, pd.DataFrame], runnable: dict[str, list[dict]]
                 ) -> tuple[float, dict[str, int]]:
    t = time.perf_counter()
    counts = {}
    for kind, exps in runnable.items():
        df = derived[kind]
        for e in exps:
            if e["type"] == "expect_column_to_exist":
                counts[e["meta"]["id"]] = int(e["kwargs"]["column"] not in df.columns)
                continue
            mask = failing(df, e)
            lines = df.loc[mask[mask].index, LINE].tolist()  # the rows, as findings need
            counts[e["meta"]["id"]] = len(lines)
    return time.perf_counter() - t, counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=10.0)
    ap.add_argument("--full", action="store_true", help="scale 1000 (about 1M encounters)")
    ap.add_argument("--docs", action="store_true", help="also time the Data Docs build")
    ap.add_argument("--bundle", type=Path, help="validate this folder instead of generating one")
    ap.add_argument("--batches", choices=("columns", "file"), default="columns",
                    help="GX batches: one per group of columns (default) or one per file")
    args = ap.parse_args()
    scale = 1000.0 if args.full else args.scale

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.bundle or Path(tmp) / "bundle"
        gen = 0.0 if args.bundle else generate(folder, scale)
        t0 = time.perf_counter()
        from oshakit.bundle import load_bundle

        bundle = load_bundle(folder)
        t_load = time.perf_counter() - t0

        t = time.perf_counter()
        from oshakit.validate import context  # noqa: F401  (GX import, timed apart)

        t_import = time.perf_counter() - t
        from oshakit.validate import crossfile, validate
        from oshakit.validate.run import _needed
        from oshakit.validate.suites import read_suite

        t = time.perf_counter()
        v = validate(bundle, Path(tmp) / "out" if args.docs else None, docs=args.docs,
                     batches=args.batches)
        t_validate = time.perf_counter() - t

        derived = crossfile.derive(bundle.frames)
        runnable = {k: [e for e in read_suite(k)["expectations"]
                        if _needed(e) <= set(derived[k].columns)] for k in derived}
        t_pandas, counts = plain_pandas(derived, runnable)

    gx_counts = {r.expectation_config.meta["id"]: (
        int(r.result.get("unexpected_count") or 0) if r.result.get("unexpected_count") is not None
        else int(not r.success)) for res in v.results.values() for r in res.results}
    differ = {k: (gx_counts.get(k), n) for k, n in counts.items() if gx_counts.get(k) != n}

    rows = {k: len(f) for k, f in bundle.frames.items()}
    tm = v.timings
    gx = tm["gx_validate"]
    ours = tm["derive"] + tm["findings"]
    n_exp = sum(len(x) for x in runnable.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = ", ".join(f"{KINDS[k].filename} {n:,}" for k, n in rows.items())
    print(f"{args.bundle or f'scale {scale:g}'}: {sizes}")
    print(f"generate (child process)  {gen:7.2f} s")
    print(f"load bundle               {t_load:7.2f} s")
    print(f"import GX                 {t_import:7.2f} s")
    print(f"validate() total          {t_validate:7.2f} s  ({n_exp} expectations, "
          f"{len(v.findings):,} findings)")
    print(f"  derive cross-file cols  {tm['derive']:7.2f} s")
    print(f"  GX validate ({args.batches:7})  {gx:7.2f} s")
    print(f"  findings table          {tm['findings']:7.2f} s")
    print(f"  profile                 {tm.get('profile', 0):7.2f} s")
    if args.docs:
        rest = t_validate - sum(tm.values()) + tm["total"]
        print(f"  write files + data docs {rest:7.2f} s")
    print(f"plain pandas, same checks {t_pandas:7.2f} s")
    print(f"GX / plain pandas         {gx / t_pandas:7.2f} x")
    print(f"GX share of validation    {100 * gx / (gx + ours):6.1f} %  "
          f"(of validate() incl. profile: {100 * gx / t_validate:.1f} %)")
    print(f"load + validate           {t_load + t_validate:7.2f} s")
    print(f"peak RSS                  {peak:7.0f} MiB")
    print("failing-row counts GX vs pandas: " + ("identical" if not differ else f"DIFFER {differ}"))


if __name__ == "__main__":
    main()
