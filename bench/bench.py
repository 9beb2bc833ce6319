#!/usr/bin/env python3
"""make bench: whole-process figures for Lakegate against what people use instead,
measured side by side in one run against one standalone sandbox. Medians of several
runs; every ratio is computed from numbers taken in this run. Writes
target/bench/report.md (and report.json)."""

import gzip
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
BIN = REPO / "target" / "release" / "lakegate"
PY = REPO / "target" / "pyenv" / "bin" / "python"
OUT = REPO / "target" / "bench"
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def timed(cmd, env, runs=RUNS):
    """Median and spread of wall-clock seconds for `cmd` as a cold process."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"bench: {cmd[0]} failed: {done.stderr.decode(errors='replace')[:400]}")
    return {"median_ms": statistics.median(samples) * 1000, "min_ms": min(samples) * 1000, "max_ms": max(samples) * 1000, "runs": runs}


def main():
    if not BIN.exists():
        raise SystemExit("bench: build the release binary first (make bench does)")
    OUT.mkdir(parents=True, exist_ok=True)
    sandbox = subprocess.Popen([str(BIN), "sandbox", "--dir", str(OUT / "sandbox")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        info = json.loads(sandbox.stdout.readline())
        ca, host = info["ca_file"], info["host"]
        sp = info["service_principals"][0]
        hello = next(a["url"] for a in info["apps"] if a["name"] == "hello") + "/api/hello"
        home = OUT / "home"
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
        base_env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"), "SSL_CERT_FILE": ca, "CURL_CA_BUNDLE": ca, "REQUESTS_CA_BUNDLE": ca})
        m2m_env = dict(base_env, DATABRICKS_HOST=host, DATABRICKS_CLIENT_ID=sp["client_id"], DATABRICKS_CLIENT_SECRET=sp["client_secret"])
        token = subprocess.run([str(BIN), "token"], env=m2m_env, capture_output=True, text=True, check=True).stdout.strip()
        # The same token handed to both clients: only the request is measured.
        token_env = dict(base_env, DATABRICKS_HOST=host, DATABRICKS_TOKEN=token)

        results = {}
        results["call_lakegate"] = timed([str(BIN), "call", "GET", hello], token_env)
        results["call_curl"] = timed(["curl", "-sS", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", hello], base_env)
        results["token_lakegate"] = timed([str(BIN), "token"], m2m_env)
        results["token_curl"] = timed(["curl", "-sS", "-o", "/dev/null", "-u", f"{sp['client_id']}:{sp['client_secret']}", "-d", "grant_type=client_credentials", "-d", "scope=all-apis", f"{host}/oidc/v1/token"], base_env)
        sdk = "from databricks.sdk.core import Config; import os; Config(host=os.environ['DATABRICKS_HOST'], client_id=os.environ['DATABRICKS_CLIENT_ID'], client_secret=os.environ['DATABRICKS_CLIENT_SECRET']).authenticate()"
        if PY.exists():
            results["token_python_sdk"] = timed([str(PY), "-c", sdk], dict(m2m_env, DATABRICKS_CONFIG_FILE=str(OUT / "none.cfg")), runs=max(5, RUNS // 3))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)

    sizes = {"release_binary_bytes": BIN.stat().st_size}
    dist = REPO / "ui" / "dist"
    sizes["ui_bundle_gzip_bytes"] = sum(len(gzip.compress(p.read_bytes(), 9)) for p in dist.rglob("*") if p.is_file())

    r = results
    ratio = lambda a, b: r[a]["median_ms"] / r[b]["median_ms"]
    rows = [
        ("`lakegate call` vs `curl`, same token, cold processes", ratio("call_lakegate", "call_curl"), "≤ 1.5×"),
        ("M2M token: `lakegate token` vs `curl` posting the same request", ratio("token_lakegate", "token_curl"), "≤ 2×"),
    ]
    if "token_python_sdk" in r:
        rows.append(("M2M token: Python SDK `Config(...).authenticate()` vs `lakegate token` (how many times faster Lakegate is)", r["token_python_sdk"]["median_ms"] / r["token_lakegate"]["median_ms"], "≥ 10×"))
    lines = ["# Lakegate benchmark report", "", f"Machine: {os.cpu_count()} cores; {RUNS} runs per figure (medians); sandbox on loopback HTTPS.", "", "| figure | median | min | max |", "| --- | --- | --- | --- |"]
    for name, v in results.items():
        lines.append(f"| {name} | {v['median_ms']:.1f} ms | {v['min_ms']:.1f} ms | {v['max_ms']:.1f} ms |")
    lines += ["", "| comparison | measured | target |", "| --- | --- | --- |"]
    for name, value, target in rows:
        lines.append(f"| {name} | {value:.2f}× | {target} |")
    lines += ["", "| size | bytes |", "| --- | --- |"]
    for name, v in sizes.items():
        lines.append(f"| {name} | {v:,} |")
    lines += ["", "Not measured yet: start to interactive window and whole-app memory (PSS) against a bare Tauri window, memory after 1,000 requests, the warm in-app request latency, and the .deb size (see issue 7)."]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    (OUT / "report.json").write_text(json.dumps({"results": results, "sizes": sizes, "ratios": {n: v for n, v, _ in rows}}, indent=2))
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
