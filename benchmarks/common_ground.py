"""Benchmark of the common-ground engine (Polis method).

Run from the repository root::

    .venv/bin/python benchmarks/common_ground.py          # full run (a few minutes)
    .venv/bin/python benchmarks/common_ground.py --quick  # small scale run

Three parts, each against a baseline measured in the same run:

1. Brexit (../shared/data/polis/brexit-consensus, skipped when absent): our groups vs
   Polis's own ``group-id`` (number of groups, adjusted Rand index over participants both
   clustered) — replaying the vote log as Polis's one-update-per-second math did
   (``replay``, the default for an imported log) and from scratch on the final votes
   (``analyze``) — the same for red-dwarf (the reference Python implementation, if installed),
   the group-informed consensus recomputed from Polis's groups vs the formula, and our
   representative / consensus statements vs red-dwarf's given the same groups.
2. Speed vs red-dwarf on a synthetic 2,000 × 200 conversation.
3. Scale: a synthetic 100,000 participants × 2,000 statements × 5,000,000 votes, full
   pipeline (matrix from raw vote arrays + analysis) in a fresh process: wall time, CPU time
   and peak resident memory.

Times are this machine's (2 cores; the load average is printed, since other work on the
machine slows every figure). Ends with one JSON line of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from coalition.engines.common_ground import (  # noqa: E402
    VoteMatrix,
    analyze,
    group_informed_consensus,
    replay,
)
from coalition.engines.common_ground.incremental import update_batches  # noqa: E402
from coalition.engines.common_ground.stream import IMPORT_BATCH_MS  # noqa: E402
from coalition.io.polis import read_polis_export  # noqa: E402

POLIS = Path(os.environ.get("COALITION_SHARED_DATA", ROOT.parent / "shared" / "data")) / "polis"
BREXIT = POLIS / "brexit-consensus"

try:  # benchmark-only dependency
    warnings.filterwarnings("ignore")
    from reddwarf.implementations.polis import run_pipeline as reddwarf_pipeline

    HAVE_REDDWARF = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_REDDWARF = False


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Minimum wall time over ``repeat`` calls, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def synthetic(
    n: int, m: int, n_votes: int, n_groups: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Votes of ``n`` participants in ``n_groups`` planted opinion groups on ``m`` statements.

    Exactly ``n_votes`` distinct (participant, statement) votes, in random order with random
    timestamps; participation per participant is geometric (a few very active voters, many
    light ones); 15 % passes; agreement probability depends on the group.
    """
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, n)
    p_agree = np.clip(rng.uniform(0.1, 0.9, m) + rng.normal(0, 0.35, (n_groups, m)), 0.03, 0.97)
    activity = np.clip(rng.geometric(n / n_votes, n), 1, m).astype(np.float64)
    activity *= n_votes * 1.02 / activity.sum()
    rows, cols = [], []
    for lo in range(0, n, 10_000):
        hi = min(n, lo + 10_000)
        draw = rng.random((hi - lo, m), dtype=np.float32)
        r, c = np.nonzero(draw < (activity[lo:hi] / m)[:, None])
        rows.append(r + lo)
        cols.append(c)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    pick = np.sort(rng.choice(r.size, n_votes, replace=False))
    r, c = r[pick].astype(np.int32), c[pick].astype(np.int32)
    agree = rng.random(n_votes) < p_agree[group[r], c]
    values = np.where(rng.random(n_votes) < 0.15, 0, np.where(agree, 1, -1)).astype(np.int8)
    order = rng.permutation(n_votes)
    stamps = rng.integers(1_500_000_000_000, 1_600_000_000_000, n_votes)
    return r[order], c[order], values[order], stamps, group


def reddwarf_votes(matrix: VoteMatrix) -> list[dict[str, int]]:
    """red-dwarf's input: one dict per (last) vote."""
    return [
        {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": 0}
        for p, s, v in zip(matrix.rows, matrix.indices, matrix.values, strict=True)
    ]


def reddwarf_labels(result: Any, n: int) -> np.ndarray:
    """Group per participant index from a red-dwarf result (-1 = not clustered)."""
    labels = np.full(n, -1)
    ids = result.participants_df["cluster_id"].dropna()
    labels[ids.index.to_numpy(dtype=np.int64)] = ids.to_numpy(dtype=np.int64)
    return labels


def ari(a: np.ndarray, b: np.ndarray) -> float:
    both = (a >= 0) & (b >= 0)
    return float(adjusted_rand_score(a[both], b[both]))


# -- part 1: Brexit ------------------------------------------------------------------------


def brexit_part(repeat: int) -> dict[str, Any]:
    export = read_polis_export(BREXIT)
    pids = sorted(
        {v.participant_external_id for v in export.votes}
        | {p.external_id for p in export.participants or ()}
    )
    sids = sorted(s.external_id for s in export.statements)
    matrix = VoteMatrix.from_labelled(
        (
            (v.participant_external_id, v.statement_external_id, v.value, v.timestamp_ms)
            for v in export.votes
        ),
        participant_ids=pids,
        statement_ids=sids,
    )
    groups = export.groups()
    polis = np.array([-1 if groups.get(p) is None else groups[p] for p in pids])
    summary = dict(row[:2] for row in export.summary or ())
    out: dict[str, Any] = {
        "participants": matrix.n_participants,
        "statements": matrix.n_statements,
        "votes": len(export.votes),
        "polis_k": int(summary.get("groups", len(set(polis[polis >= 0].tolist())))),
    }
    row = {pid: i for i, pid in enumerate(pids)}
    col = {sid: j for j, sid in enumerate(sids)}
    log = (
        np.array([row[v.participant_external_id] for v in export.votes]),
        np.array([col[v.statement_external_id] for v in export.votes]),
        np.array([v.value for v in export.votes]),
        np.array([v.timestamp_ms for v in export.votes]),
    )
    shape = {"n_participants": matrix.n_participants, "n_statements": matrix.n_statements}

    t, ours = best_time(lambda: replay(*log, **shape), max(1, repeat // 5))
    out.update(
        ours_k=ours.k,
        ours_ari=ari(polis, ours.labels),
        ours_s=t,
        ours_updates=ours.history.updates,
        ours_clustered_both=int(((ours.labels >= 0) & (polis >= 0)).sum()),
    )
    out["ours_silhouettes"] = {k: round(v, 4) for k, v in ours.silhouettes.items()}
    out["ours_ari_batch_ms"] = {
        ms: round(ari(polis, replay(*log, **shape, batch_ms=ms).labels), 4)
        for ms in (500, 2000, 10_000)
    }
    out["ours_ari_seeds_1_2"] = [
        round(ari(polis, replay(*log, **shape, seed=s).labels), 4) for s in (1, 2)
    ]

    t, scratch = best_time(lambda: analyze(matrix), repeat)
    out.update(scratch_k=scratch.k, scratch_ari=ari(polis, scratch.labels), scratch_s=t)
    out["scratch_ari_seeds_0_9"] = [
        round(ari(polis, analyze(matrix, seed=s).labels), 4) for s in range(10)
    ]
    out["scratch_k_seeds_0_9"] = [analyze(matrix, seed=s).k for s in range(10)]

    # group-informed consensus from Polis's own groups vs the formula, in plain Python
    gic = group_informed_consensus(matrix, polis)
    dense = matrix.to_dense()
    worst = 0.0
    for j in range(matrix.n_statements):
        product = 1.0
        for g in sorted(set(polis[polis >= 0].tolist())):
            col = dense[polis == g, j]
            product *= (float(np.sum(col == 1)) + 1.0) / (float(np.sum(~np.isnan(col))) + 2.0)
        worst = max(worst, abs(product - gic[j]))
    out["gic_max_abs_diff"] = worst

    if HAVE_REDDWARF:
        votes = reddwarf_votes(matrix)
        t_rd, rd = best_time(lambda: reddwarf_pipeline(votes=votes, random_state=0), repeat)
        rd_labels = reddwarf_labels(rd, matrix.n_participants)
        out.update(
            reddwarf_k=int(len(set(rd_labels[rd_labels >= 0].tolist()))),
            reddwarf_ari=ari(polis, rd_labels),
            reddwarf_s=t_rd,
        )
        out.update(_compare_selection_with_reddwarf(matrix, ours))
    return out


def _compare_selection_with_reddwarf(matrix: VoteMatrix, ours: Any) -> dict[str, Any]:
    """Representative and consensus statements: ours vs red-dwarf given the same groups."""
    import pandas as pd
    from reddwarf.utils.consensus import select_consensus_statements
    from reddwarf.utils.stats import (
        calculate_comment_statistics_dataframes,
        select_representative_statements,
    )

    dense = matrix.to_dense()
    clustered = np.flatnonzero(ours.labels >= 0)
    columns = pd.Index(range(matrix.n_statements), name="statement_id")
    frame = pd.DataFrame(dense[clustered], index=clustered, columns=columns)
    stats, _ = calculate_comment_statistics_dataframes(frame, ours.labels[clustered])
    rd_rep = select_representative_statements(stats)
    same_rep = all(
        [r["tid"] for r in rd_rep[g]] == [s.statement for s in ours.groups[g].representative]
        for g in range(ours.k)
    )
    full = pd.DataFrame(dense, columns=columns)
    rd_cons = select_consensus_statements(full)
    same_cons = [c["tid"] for c in rd_cons["agree"]] == [
        c.statement for c in ours.consensus_agree
    ] and [c["tid"] for c in rd_cons["disagree"]] == [c.statement for c in ours.consensus_disagree]
    return {"repness_same_as_reddwarf": same_rep, "consensus_same_as_reddwarf": same_cons}


# -- part 1b: every real conversation ----------------------------------------------------

REPLAY_WINDOWS_S = (1, 60, 600)
"""Batch windows of the replay measured (s): Polis's 1-second poll, a minute, ten minutes."""


def conversation_log(folder: Path) -> dict[str, Any]:
    """A Polis export as the vote log, the final matrix and Polis's own groups."""
    export = read_polis_export(folder)
    pids = sorted(
        {v.participant_external_id for v in export.votes}
        | {p.external_id for p in export.participants or ()}
        | {s.author_external_id for s in export.statements}
    )
    sids = sorted(s.external_id for s in export.statements)
    row = {pid: i for i, pid in enumerate(pids)}
    col = {sid: j for j, sid in enumerate(sids)}
    log = (
        np.array([row[v.participant_external_id] for v in export.votes]),
        np.array([col[v.statement_external_id] for v in export.votes]),
        np.array([v.value for v in export.votes]),
        np.array([v.timestamp_ms for v in export.votes]),
    )
    shape = {"n_participants": len(pids), "n_statements": len(sids)}
    out_ = [col[s.external_id] for s in export.statements if s.moderation == -1]
    meta = [col[s.external_id] for s in export.statements if s.is_meta]
    groups = export.groups()
    polis = np.array([-1 if groups.get(p) is None else groups[p] for p in pids])
    return {"log": log, "shape": shape, "out": out_, "meta": meta, "polis": polis}


def conversations_part(windows: tuple[int, ...], max_updates: int) -> dict[str, Any]:
    """Replay (per batch window) vs from scratch, for every conversation in ../shared."""
    results: dict[str, Any] = {}
    for folder in sorted(p for p in POLIS.iterdir() if (p / "votes.csv").is_file()):
        c = conversation_log(folder)
        log, shape, polis = c["log"], c["shape"], c["polis"]
        mods = {"moderated_out": c["out"], "meta": c["meta"]}
        n_votes = int(log[0].size)
        row: dict[str, Any] = {"votes": n_votes, **shape}
        matrix = VoteMatrix.from_arrays(*log, **shape)
        t, scratch = best_time(partial(analyze, matrix, **mods), 1)
        row["scratch"] = {"s": t, "k": scratch.k, "ari": ari(polis, scratch.labels)}
        for w in windows:
            n_updates = int(update_batches(np.sort(log[3]), w * 1000.0).size)
            if n_updates > max_updates:
                row[f"replay_{w}s"] = {"skipped": f"{n_updates:,} updates"}
                continue
            cpu = time.process_time()
            t, res = best_time(partial(replay, *log, **shape, **mods, batch_ms=w * 1000.0), 1)
            row[f"replay_{w}s"] = {
                "s": t,
                "cpu_s": time.process_time() - cpu,
                "votes_per_s": n_votes / t,
                "updates": n_updates,
                "k": res.k,
                "ari": ari(polis, res.labels),
            }
        results[folder.name] = row
    return results


def conversation_lines(conv: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    lines: list[tuple[str, str, str, str]] = []
    default = f"replay_{IMPORT_BATCH_MS // 1000}s"
    for name, row in conv.items():
        sc = row["scratch"]
        lines.append(
            (
                f"{name[:28]} ({row['votes']:,} votes): from scratch",
                f"ARI {sc['ari']:.3f} (k={sc['k']})",
                "",
                f"{sc['s']:.2f} s",
            )
        )
        for key, r in row.items():
            if not key.startswith("replay_"):
                continue
            label = f"  replay, {key[7:]} batches" + (" (import default)" if key == default else "")
            if "skipped" in r:
                lines.append((label, "not run", "", r["skipped"]))
                continue
            lines.append(
                (
                    label,
                    f"ARI {r['ari']:.3f} (k={r['k']})",
                    "",
                    f"{r['s']:.1f} s ({r['cpu_s']:.1f} s CPU), {r['votes_per_s']:,.0f} votes/s, "
                    f"{r['updates']:,} updates, {r['s'] / sc['s']:.0f}x scratch",
                )
            )
    if conv:
        for mode in ["scratch", *(f"replay_{w}s" for w in REPLAY_WINDOWS_S)]:
            aris = [row[mode]["ari"] for row in conv.values() if "ari" in row.get(mode, {})]
            if len(aris) == len(conv):
                lines.append((f"mean ARI over all: {mode}", f"{np.mean(aris):.3f}", "", ""))
    return lines


# -- part 2: speed vs red-dwarf ------------------------------------------------------------


def speed_part(repeat: int) -> dict[str, Any]:
    n, m, v = 2000, 200, 80_000
    rows, cols, values, stamps, planted = synthetic(n, m, v, seed=1)

    def ours() -> Any:
        matrix = VoteMatrix.from_arrays(
            rows, cols, values, stamps, n_participants=n, n_statements=m
        )
        return analyze(matrix)

    t_ours, res = best_time(ours, repeat)
    out: dict[str, Any] = {
        "size": f"{n} x {m}, {v:,} votes",
        "ours_s": t_ours,
        "ours_k": res.k,
        "ours_ari_planted": ari(planted, res.labels),
    }
    if HAVE_REDDWARF:
        matrix = VoteMatrix.from_arrays(
            rows, cols, values, stamps, n_participants=n, n_statements=m
        )
        votes = reddwarf_votes(matrix)
        t_rd, rd = best_time(
            lambda: reddwarf_pipeline(votes=votes, random_state=0), max(1, repeat // 2)
        )
        rd_labels = reddwarf_labels(rd, n)
        out.update(
            reddwarf_s=t_rd,
            reddwarf_k=int(len(set(rd_labels[rd_labels >= 0].tolist()))),
            reddwarf_ari_planted=ari(planted, rd_labels),
            speedup=t_rd / t_ours,
        )
    return out


# -- part 3: scale ---------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss survives exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_child(path: str) -> None:
    """Runs in a fresh process: load raw vote arrays, build the matrix, analyse, report."""
    data = np.load(path)
    rows, cols, values, stamps, planted = (data[k] for k in ("r", "c", "v", "ts", "g"))
    n, m = int(data["n"]), int(data["m"])
    rss_before = peak_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    matrix = VoteMatrix.from_arrays(rows, cols, values, stamps, n_participants=n, n_statements=m)
    t_matrix = time.perf_counter() - wall
    result = analyze(matrix)
    total = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "matrix_s": t_matrix,
                "analyze_s": total - t_matrix,
                "total_s": total,
                "cpu_s": cpu,
                "rss_before_mb": rss_before,
                "peak_rss_mb": peak,
                "k": result.k,
                "clustered": int((result.labels >= 0).sum()),
                "ari_planted": ari(planted, result.labels),
                "votes_kept": matrix.nnz,
            }
        )
    )


def scale_part(n: int, m: int, v: int, runs: int) -> dict[str, Any]:
    rows, cols, values, stamps, planted = synthetic(n, m, v, n_groups=4, seed=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "votes.npz")
        np.savez(path, r=rows, c=cols, v=values, ts=stamps, g=planted, n=n, m=m)
        del rows, cols, values, stamps
        reports = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, __file__, "--scale-child", path],
                check=True,
                capture_output=True,
                text=True,
            )
            reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    best = min(reports, key=lambda r: r["total_s"])
    best["size"] = f"{n:,} x {m:,}, {v:,} votes"
    best["runs_total_s"] = [round(r["total_s"], 2) for r in reports]
    return best


# -- report ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale run")
    parser.add_argument("--scale-child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--conversations-only",
        action="store_true",
        help="only the real conversations in ../shared (replay vs from scratch)",
    )
    parser.add_argument(
        "--max-updates",
        type=int,
        default=20_000,
        help="skip a replay window that implies more updates than this (default 20,000)",
    )
    args = parser.parse_args()
    if args.scale_child:
        scale_child(args.scale_child)
        return

    repeat = 2 if args.quick else 5
    figures: dict[str, Any] = {
        "machine": "this machine, 2 cores",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "reddwarf_installed": HAVE_REDDWARF,
    }
    lines: list[tuple[str, str, str, str]] = []

    if POLIS.is_dir():
        conv = conversations_part(REPLAY_WINDOWS_S, args.max_updates)
        figures["conversations"] = conv
        lines += conversation_lines(conv)
    else:
        figures["conversations"] = f"skipped: {POLIS} absent"
        lines.append(("Real conversations", "skipped", "", f"{POLIS} absent"))
    if args.conversations_only:
        _print(figures, lines)
        return

    if BREXIT.is_dir():
        b = brexit_part(repeat)
        figures["brexit"] = b
        lines.append(
            (
                "Brexit: groups (k)",
                f"{b['ours_k']}",
                f"{b.get('reddwarf_k', '-')}",
                f"Polis: {b['polis_k']}",
            )
        )
        lines.append(
            (
                "Brexit: ARI vs Polis group-id (replay)",
                f"{b['ours_ari']:.3f}",
                f"{b['reddwarf_ari']:.3f}" if "reddwarf_ari" in b else "-",
                f"floor 0.90; {b['ours_updates']} updates, {b['ours_s']:.1f} s",
            )
        )
        lines.append(
            (
                "Brexit: ARI, from scratch (final votes)",
                f"{b['scratch_ari']:.3f} (k={b['scratch_k']})",
                "",
                "",
            )
        )
        lines.append(
            (
                "Brexit: time from scratch (s)",
                f"{b['scratch_s']:.3f}",
                f"{b['reddwarf_s']:.3f}" if "reddwarf_s" in b else "-",
                f"ratio {b['reddwarf_s'] / b['scratch_s']:.1f}x" if "reddwarf_s" in b else "",
            )
        )
        lines.append(
            (
                "Brexit: GIC from Polis groups, max |diff|",
                f"{b['gic_max_abs_diff']:.1e}",
                "",
                "formula",
            )
        )
        if "repness_same_as_reddwarf" in b:
            lines.append(
                (
                    "Brexit: rep./consensus = red-dwarf's",
                    f"{b['repness_same_as_reddwarf']}/{b['consensus_same_as_reddwarf']}",
                    "",
                    "same groups",
                )
            )
    else:
        figures["brexit"] = f"skipped: {BREXIT} absent"
        lines.append(("Brexit", "skipped", "", f"{BREXIT} absent"))

    s = speed_part(repeat)
    figures["speed_2000x200"] = s
    lines.append(
        (
            "2,000 x 200: time (s)",
            f"{s['ours_s']:.3f}",
            f"{s['reddwarf_s']:.3f}" if "reddwarf_s" in s else "-",
            f"speed-up {s['speedup']:.1f}x (floor 5x)" if "speedup" in s else "",
        )
    )
    lines.append(
        (
            "2,000 x 200: ARI vs planted groups",
            f"{s['ours_ari_planted']:.3f} (k={s['ours_k']})",
            f"{s['reddwarf_ari_planted']:.3f} (k={s['reddwarf_k']})" if "reddwarf_k" in s else "-",
            "",
        )
    )

    if args.quick:
        sc = scale_part(20_000, 500, 1_000_000, runs=1)
    else:
        sc = scale_part(100_000, 2_000, 5_000_000, runs=3)
    figures["scale"] = sc
    lines.append(
        (
            f"Scale {sc['size']}: wall (s)",
            f"{sc['total_s']:.2f}",
            "",
            "floor 15 s" if not args.quick else "",
        )
    )
    lines.append(
        (
            "  matrix / analysis / CPU (s)",
            f"{sc['matrix_s']:.2f} / {sc['analyze_s']:.2f} / {sc['cpu_s']:.2f}",
            "",
            "",
        )
    )
    lines.append(
        (
            "  peak RSS (MB)",
            f"{sc['peak_rss_mb']:.0f}",
            "",
            f"floor 4096; {sc['rss_before_mb']:.0f} before",
        )
    )
    lines.append(("  groups, ARI vs planted", f"k={sc['k']}, {sc['ari_planted']:.3f}", "", ""))
    _print(figures, lines)


def _print(figures: dict[str, Any], lines: list[tuple[str, str, str, str]]) -> None:
    figures["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    widths = [
        max(len(row[i]) for row in lines + [("figure", "ours", "red-dwarf", "note")])
        for i in range(4)
    ]
    header = ("figure", "ours", "red-dwarf", "note")
    load = figures["load_average_at_start"]
    print(
        f"Common ground (Polis method) — times on this machine (2 cores, shared), "
        f"load average {load} at start, {figures['load_average_at_end']} at end"
    )
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in lines:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(json.dumps(figures, default=float))


if __name__ == "__main__":
    main()
