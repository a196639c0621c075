"""Benchmark of the map page's first draw in headless chromium (issue #7's floor).

Run from the repository root::

    .venv/bin/python benchmarks/map_draw.py            # demo (300), 5,000 and 20,000 actors
    .venv/bin/python benchmarks/map_draw.py --quick    # demo and 2,000 actors

For each size: a fresh SQLite database with ``coalition demo --actors N``, the real server
(``coalition serve``) and Debian's chromium driven by Playwright, signed in as the demo member.

* **cold** — the first request of ``/api/networks/demo/map`` after the demo is loaded: the
  server runs the whole analysis and the layout, then caches them by data version (this is a
  one-off per change of the network, not what a reader waits for each time).
* **first draw** — a new browser context opens ``/n/demo/map`` with the cache warm; the time is
  ``performance.now()`` when sigma.js has rendered the first frame (the page's own
  ``data-drawn-ms``), i.e. from the start of the navigation: HTML, scripts, the JSON fetch,
  building the graphology graph and the WebGL draw. Median of ``--repeat`` runs.

The baseline, measured in the same run, is the demo network (300 actors); ratios are against
its median first draw. Floors: first draw ≤ 2 s at 5,000 actors and ≤ 5 s at 20,000. Times
are this machine's (2 cores, shared). Ends with one JSON line of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COALITION = str(Path(sys.executable).with_name("coalition"))
CHROMIUM = os.environ.get("COALITION_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FLOORS_MS = {5000: 2000, 20000: 5000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(folder: Path, actors: int) -> tuple[subprocess.Popen[bytes], str, float]:
    env = dict(os.environ, COALITION_DATABASE_URL=f"sqlite:///{folder / 'map.db'}")
    env["COALITION_SECRET_KEY"] = "benchmark"
    subprocess.run([COALITION, "db", "upgrade"], env=env, check=True, capture_output=True)
    t0 = time.perf_counter()
    demo = [COALITION, "demo"] + ([] if actors <= 300 else ["--actors", str(actors)])
    subprocess.run(demo, env=env, check=True, capture_output=True)
    built = time.perf_counter() - t0
    port = _free_port()
    server = subprocess.Popen(
        [COALITION, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2):
                break
        except OSError:
            time.sleep(0.2)
    return server, url, built


def _login(page: Any, url: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("E-mail address").fill("member@example.org")
    page.get_by_label("Password").fill("coalition-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def measure(browser: Any, actors: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        server, url, built = _serve(Path(tmp), actors)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            _login(page, url)
            t0 = time.perf_counter()
            response = page.request.get(f"{url}/api/networks/demo/map", timeout=600_000)
            cold = time.perf_counter() - t0
            assert response.ok, response.text()[:300]
            payload = response.body()
            data = json.loads(payload)
            page.request.get(f"{url}/n/demo/map", timeout=600_000)  # warms the page's reads
            storage = context.storage_state()
            context.close()
            draws = []
            for _ in range(repeat):
                ctx = browser.new_context(
                    viewport={"width": 1280, "height": 900}, storage_state=storage
                )
                p = ctx.new_page()
                p.goto(f"{url}/n/demo/map", timeout=120_000)
                p.wait_for_selector("#map-canvas[data-drawn=true]", timeout=120_000)
                draws.append(int(p.get_attribute("#map-canvas", "data-drawn-ms") or -1))
                ctx.close()
            return {
                "actors": len(data["nodes"]["id"]),
                "pairs": len(data["edges"]["source"]),
                "payload_mb": round(len(payload) / 1e6, 2),
                "demo_build_s": round(built, 1),
                "cold_s": round(cold, 2),
                "draw_ms": draws,
                "median_ms": statistics.median(draws),
            }
        finally:
            server.terminate()
            server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="demo and 2,000 actors")
    parser.add_argument("--sizes", default="5000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    from playwright.sync_api import sync_playwright

    results: dict[int, dict[str, Any]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for n in [300, *sizes]:
                print(f"… {n:,} actors", file=sys.stderr, flush=True)
                results[n] = measure(browser, n, args.repeat)
        finally:
            browser.close()
    base = results[300]["median_ms"]
    print(f"Map first draw in headless chromium (this machine: {os.cpu_count()} cores, shared)")
    print(
        f"{'actors':>8} {'drawn':>7} {'pairs':>8} {'JSON MB':>8} {'cold s':>7} "
        f"{'first draw ms (median)':>23} {'× demo':>7} {'floor ms':>9} {'ok':>4}"
    )
    for n, r in results.items():
        floor = FLOORS_MS.get(n)
        ok = "" if floor is None else ("yes" if r["median_ms"] <= floor else "NO")
        print(
            f"{n:>8,} {r['actors']:>7,} {r['pairs']:>8,} {r['payload_mb']:>8} {r['cold_s']:>7} "
            f"{r['median_ms']:>23,.0f} {r['median_ms'] / base:>7.2f} "
            f"{floor if floor else '':>9} {ok:>4}"
        )
    print(
        json.dumps(
            {
                "benchmark": "map_draw",
                "baseline": "demo network (300 actors) first draw, same run",
                "results": {str(n): r for n, r in results.items()},
                "floors_ms": {str(k): v for k, v in FLOORS_MS.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
