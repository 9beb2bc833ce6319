#!/usr/bin/env python3
"""make bench: whole-process figures for Lakegate against what people use instead,
measured side by side in one run against one standalone sandbox. Medians of several
runs; every ratio is computed from numbers taken in this run. Writes
target/bench/report.md (and report.json).

Runs inside tests/with-keyring.sh (make bench does that) and starts its own Xvfb for the
window figures: start to the page loaded and memory at rest, for Lakegate and for the bare
Tauri window (bench/bare_window.rs, the floor), then 1,000 requests through the real window
(bench/requests.bench.mjs via tests/e2e/run.sh)."""

import gzip
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
BIN = REPO / "target" / "release" / "lakegate"
BARE = REPO / "target" / "release" / "examples" / "bare_window"
PY = REPO / "target" / "pyenv" / "bin" / "python"
OUT = REPO / "target" / "bench"
RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def shown(cmd, secrets=()):
    """A command as the report may name it: its arguments, never a secret (a token, a client
    secret, an Authorization header)."""
    out = []
    for arg in cmd:
        arg = str(arg)
        for s in secrets:
            if s:
                arg = arg.replace(s, "…")
        if arg.lower().startswith("authorization:"):
            arg = "Authorization: …"
        out.append(arg)
    return " ".join(out)


def once(cmd, env, secrets=()):
    """Seconds for `cmd` as a cold process; a failure names the command, its arguments (no
    secret) and the tail of what it printed."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        said = (done.stdout + done.stderr).decode(errors="replace")
        for s in secrets:
            if s:
                said = said.replace(s, "…")
        raise SystemExit(f"bench: `{shown(cmd, secrets)}` failed (exit {done.returncode}):\n{said[-1200:]}")
    return elapsed


def figures(samples):
    return {"median_ms": statistics.median(samples) * 1000, "min_ms": min(samples) * 1000, "max_ms": max(samples) * 1000, "runs": len(samples)}


def timed(cmd, env, runs=RUNS, secrets=()):
    """Median and spread of wall-clock seconds for `cmd` as a cold process."""
    return figures([once(cmd, env, secrets) for _ in range(runs)])


def paired(a, b, runs=RUNS, secrets=()):
    """Two commands (each `(cmd, env)`) alternated A, B, A, B…, so a noisy minute falls on
    both: each side's figures and the median of the per-pair ratios A / B, with min and max."""
    sa, sb = [], []
    for _ in range(runs):
        sa.append(once(*a, secrets))
        sb.append(once(*b, secrets))
    ratios = [x / y for x, y in zip(sa, sb)]
    return figures(sa), figures(sb), {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios), "pairs": runs}


def tree_pss(pid):
    """PSS in bytes of `pid` and every process below it (the app and its WebKit processes)."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = pathlib.Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(name))
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in pathlib.Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        stack.extend(children.get(p, []))
    return total


def start_xvfb():
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        display = f.readline().strip()
    if not display:
        raise SystemExit("bench: Xvfb did not start")
    return xvfb, f":{display}"


def window_runs(binary, env, runs):
    """Start to the page loaded (the LAKEGATE_READY_FILE marker) and PSS 3 s later,
    for `runs` cold processes after one warm-up."""
    starts, pss = [], []
    marker = OUT / "ready"
    for i in range(runs + 1):
        marker.unlink(missing_ok=True)
        started = time.perf_counter()
        app = subprocess.Popen([str(binary)], env=dict(env, LAKEGATE_READY_FILE=str(marker)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not marker.exists():
                if app.poll() is not None:
                    raise SystemExit(f"bench: {binary.name} exited with {app.returncode} before its page loaded")
                if time.perf_counter() - started > 60:
                    raise SystemExit(f"bench: {binary.name} did not load its page within 60 s")
                time.sleep(0.002)
            ready = time.perf_counter() - started
            time.sleep(3)
            if i > 0:  # the first run warms the disk cache and the a11y bus
                starts.append(ready)
                pss.append(tree_pss(app.pid))
        finally:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
    summary = lambda xs, scale: {"median": statistics.median(xs) * scale, "min": min(xs) * scale, "max": max(xs) * scale}
    return {"start_ms": summary(starts, 1000), "pss_mb": summary(pss, 1 / 2**20), "runs": runs}


def window_figures(base_env):
    runs = int(os.environ.get("BENCH_WINDOW_RUNS", "5"))
    xvfb, display = start_xvfb()
    try:
        env = dict(base_env, DISPLAY=display)
        env.pop("WAYLAND_DISPLAY", None)
        return {"bare": window_runs(BARE, env, runs), "lakegate": window_runs(BIN, env, runs)}
    finally:
        xvfb.terminate()
        xvfb.wait()


def window_journey(journey, what):
    """Runs `bench/<journey>.bench.mjs` in the real window (tests/e2e/run.sh) and returns
    the figures it wrote; `what` names it when it fails."""
    out = OUT / f"{journey}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ, LAKEGATE_BIN=str(BIN), E2E_TESTS=f"../../bench/{journey}.bench.mjs", BENCH_OUT=str(out), E2E_TIMEOUT_MS="1800000", E2E_PAINTING="app")
    done = subprocess.run([str(REPO / "tests" / "e2e" / "run.sh")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"bench: {what} through the window failed:\n{done.stdout[-3000:]}")
    return json.loads(out.read_text())


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
        token = subprocess.run([str(BIN), "token", "-o", "text"], env=m2m_env, capture_output=True, text=True, check=True).stdout.strip()
        # The same token handed to both clients: only the request is measured.
        token_env = dict(base_env, DATABRICKS_HOST=host, DATABRICKS_TOKEN=token)

        results = {}
        # Each comparison's two sides alternate, pair by pair (`paired`).
        pairs = {}
        hidden = (token, sp["client_secret"])
        results["call_lakegate"], results["call_curl"], pairs["call"] = paired(
            ([str(BIN), "call", "GET", hello], token_env),
            (["curl", "-sS", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", hello], base_env), secrets=hidden)
        results["token_lakegate"], results["token_curl"], pairs["token"] = paired(
            ([str(BIN), "token"], m2m_env),
            (["curl", "-sS", "-o", "/dev/null", "-u", f"{sp['client_id']}:{sp['client_secret']}", "-d", "grant_type=client_credentials", "-d", "scope=all-apis", f"{host}/oidc/v1/token"], base_env), secrets=hidden)
        # 100 checks (two GET endpoints of one app, each with its status and a JSON pointer)
        # run by `lakegate check`, against the same 100 requests made one by one with curl in
        # a shell loop; the same token for both.
        app_url = next(a["url"] for a in info["apps"] if a["name"] == "hello")
        paths = ["/api/hello" if i % 2 == 0 else "/api/items?limit=3" for i in range(100)]
        checks = [{"name": f"check {i + 1}", "url": app_url + p.split("?")[0], "query": dict([p.split("?")[1].split("=")]) if "?" in p else {},
                   "expect": {"status": 200, "json": [{"pointer": "/app" if "hello" in p else "/items", "type": "string" if "hello" in p else "array"}]}}
                  for i, p in enumerate(paths)]
        checks_file = OUT / "checks-100.json"
        checks_file.write_text(json.dumps({"name": "bench", "checks": checks}))
        loop = OUT / "curl-loop.sh"
        loop.write_text("set -e\n" + "".join(f'curl -sS -o /dev/null -H "Authorization: Bearer $T" "{app_url}{p}"\n' for p in paths))
        curl_loop = (["bash", str(loop)], dict(base_env, T=token))
        results["check_100_lakegate"], results["check_100_curl_loop"], pairs["check_100"] = paired(
            ([str(BIN), "check", str(checks_file)], token_env), curl_loop, runs=5, secrets=hidden)
        results["check_100_lakegate_one_at_a_time"], _, pairs["check_100_one_at_a_time"] = paired(
            ([str(BIN), "check", "--concurrency", "1", str(checks_file)], token_env), curl_loop, runs=5, secrets=hidden)
        # Check all over 7 apps × 4 identities (two people signed in through the sandbox's
        # sign-in page, two service principals), against the same 28 requests by curl.
        team_env = dict(base_env, XDG_CONFIG_HOME=str(home / "team-config"), XDG_DATA_HOME=str(home / "team-data"))
        for name, sp_i in (("reporting-bot", 0), ("sql-only-bot", 1)):
            team_sp = info["service_principals"][sp_i]
            subprocess.run([str(BIN), "connections", "add", name, "--host", host, "--service-principal", "--client-id", team_sp["client_id"], "--ca-bundle", ca],
                           env=team_env, input=team_sp["client_secret"], text=True, capture_output=True, check=True)
        for name in ("alice", "bob"):
            subprocess.run([str(BIN), "connections", "add", name, "--host", host, "--user", "--ca-bundle", ca], env=team_env, capture_output=True, check=True)
            subprocess.run([str(BIN), "login", name], env=dict(team_env, BROWSER=str(REPO / "tests/e2e/sandbox-browser.sh"), LAKEGATE_E2E_USER=f"{name}@example.com", LAKEGATE_E2E_CA=ca, LAKEGATE_E2E_HOME=str(OUT)),
                           capture_output=True, check=True, timeout=120)
        tokens = [subprocess.run([str(BIN), "token", n, "-o", "text"], env=team_env, capture_output=True, text=True, check=True).stdout.strip() for n in ("alice", "bob", "reporting-bot", "sql-only-bot")]
        app_urls = [a["url"] for a in info["apps"]]
        team_loop = OUT / "curl-team.sh"
        team_loop.write_text("".join(f'curl -sS -o /dev/null -H "Authorization: Bearer $T{i}" "{u}/api/hello"\n' for u in app_urls for i in range(len(tokens))))
        results["access_check_all_lakegate"], results["access_check_all_curl_loop"], pairs["access_check_all"] = paired(
            ([str(BIN), "access", "-c", "alice", "--path", "/api/hello", "--json"], team_env),
            (["bash", str(team_loop)], dict(base_env, **{f"T{i}": t for i, t in enumerate(tokens)})), runs=5, secrets=hidden + tuple(tokens))
        sdk = "from databricks.sdk.core import Config; import os; Config(host=os.environ['DATABRICKS_HOST'], client_id=os.environ['DATABRICKS_CLIENT_ID'], client_secret=os.environ['DATABRICKS_CLIENT_SECRET']).authenticate()"
        if PY.exists():
            results["token_python_sdk"] = timed([str(PY), "-c", sdk], dict(m2m_env, DATABRICKS_CONFIG_FILE=str(OUT / "none.cfg")), runs=max(5, RUNS // 3))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)

    window = window_figures(base_env)
    in_window = window_journey("requests", "the requests")
    big = window_journey("big", "the big answers")
    first = window_journey("first-200", "first start to the first 200")

    sizes = {"release_binary_bytes": BIN.stat().st_size}
    debs = sorted((REPO / "target" / "release" / "bundle" / "deb").glob("*.deb"))
    if debs:
        sizes["deb_bytes"] = debs[-1].stat().st_size
    dist = REPO / "ui" / "dist"
    sizes["ui_bundle_gzip_bytes"] = sum(len(gzip.compress(p.read_bytes(), 9)) for p in dist.rglob("*") if p.is_file())

    r = results
    med = lambda k: r[k]["median_ms"]
    # A paired comparison: the median of its per-pair ratios, and their spread in words.
    pair = lambda k: pairs[k]["median"]
    spread = lambda k: f" (median of {pairs[k]['pairs']} alternated pairs, {pairs[k]['min']:.2f}–{pairs[k]['max']:.2f}×)"
    bare, app = window["bare"], window["lakegate"]
    growth = in_window["pss_after_all_bytes"] / in_window["pss_after_first_request_bytes"] - 1
    # (comparison, measured, shown as, target, met)
    rows = [
        ("start to the page loaded: Lakegate's UI / the bare window", app["start_ms"]["median"] / bare["start_ms"]["median"], "×", "≤ 1.3×", lambda v: v <= 1.3),
        ("whole-app PSS at rest: Lakegate / the bare window", app["pss_mb"]["median"] / bare["pss_mb"]["median"], "×", "≤ 1.25×", lambda v: v <= 1.25),
        (f"PSS growth over {in_window['requests']:,} requests through the window", growth * 100, "%", "≤ 5 %", lambda v: v <= 5),
        ("`lakegate call` / `curl`, same token, cold processes" + spread("call"), pair("call"), "×", "≤ 1.5×", lambda v: v <= 1.5),
        ("warm request in the app (its own timings) / `curl`", in_window["in_app_median_ms"] / med("call_curl"), "×", "≤ 1×", lambda v: v <= 1),
        ("warm request in the app / `lakegate call`", in_window["in_app_median_ms"] / med("call_lakegate"), "×", "—", None),
        ("warm request in the window, click to answer drawn (IPC and rendering included) / `curl`", in_window["median_ms"] / med("call_curl"), "×", "—", None),
        ("M2M token: `lakegate token` / `curl` posting the same request" + spread("token"), pair("token"), "×", "≤ 2×", lambda v: v <= 2),
    ]
    mib20 = big["answers"][-1]
    mb1 = big["answers"][0]
    rows += [
        ("20 MiB JSON answer: readable after its last byte (first frame showing it)", mib20["after_last_byte_ms"], " ms", "≤ 1000 ms", lambda v: v <= 1000),
        ("longest frame while any big answer (1 MB, 4 MB, 20 MiB) arrives and is drawn", max(a["longest_frame_gap_ms"] for a in big["answers"]), " ms", "≤ 100 ms", lambda v: v <= 100),
        ("1 MB JSON answer: click to the first frame showing it", mb1["click_to_drawn_ms"], " ms", "≤ 100 ms", lambda v: v <= 100),
        ("expand all / collapse all on the 20 MiB tree, click to frame", max(big["expand_all_ms"], big["collapse_all_ms"]), " ms", "≤ 100 ms", lambda v: v <= 100),
        ("whole-app PSS after a 20 MiB answer is replaced by a small one / before it", (big["pss_after_replaced_bytes"] / big["pss_before_bytes"] - 1) * 100, " %", "≤ 10 %", lambda v: v <= 10),
    ]
    rows += [
        ("Check all, 7 apps × 4 identities (`lakegate access --path`: permissions, groups, scopes and 28 calls) / the 28 calls by `curl` in a shell loop" + spread("access_check_all"), pair("access_check_all"), "×", "—", None),
        ("`lakegate check`, 100 checks (4 at once) / the same 100 requests by `curl` in a shell loop" + spread("check_100"), pair("check_100"), "×", "—", None),
        ("`lakegate check --concurrency 1`, 100 checks / the `curl` loop" + spread("check_100_one_at_a_time"), pair("check_100_one_at_a_time"), "×", "—", None),
    ]
    rows += [
        ("first start to the first 200 from an app, the guide's way (clicks in the window)", first["guide_clicks"], " clicks", "—", None),
        ("first start to the first 200, the guide's way: seconds (sign-in in the system browser included)", first["guide_seconds"], " s", "—", None),
        ("the same by the workbench's way, the baseline before the guide (clicks)", first["workbench_clicks"], " clicks", "—", None),
        ("the same by the workbench's way (seconds)", first["workbench_seconds"], " s", "—", None),
    ]
    if "token_python_sdk" in r:
        rows.append(("M2M token: how many times faster than the Python SDK's `Config(...).authenticate()`", med("token_python_sdk") / med("token_lakegate"), "×", "≥ 10×", lambda v: v >= 10))
    rows.append(("UI bundle, gzip", sizes["ui_bundle_gzip_bytes"] / 1024, " KB", "≤ 150 KB", lambda v: v <= 150))

    def verdict(ok, v):
        return "—" if ok is None else ("met" if ok(v) else "**missed**")

    lines = [
        "# Lakegate benchmark report",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.platform()}. Cold-process figures: medians of {RUNS} runs"
        f" (the Python SDK: {r.get('token_python_sdk', {}).get('runs', 0)}); window figures: medians of"
        f" {app['runs']} starts after one warm-up, under Xvfb. Sandbox on loopback HTTPS; every ratio is from this run.",
        "",
        "| comparison | measured | target | |",
        "| --- | --- | --- | --- |",
    ]
    for name, value, unit, target, ok in rows:
        lines.append(f"| {name} | {value:.2f}{unit} | {target} | {verdict(ok, value)} |")
    lines += ["", "| figure | median | min | max |", "| --- | --- | --- | --- |"]
    for name, v in results.items():
        lines.append(f"| {name} | {v['median_ms']:.1f} ms | {v['min_ms']:.1f} ms | {v['max_ms']:.1f} ms |")
    for name, w in (("bare window", bare), ("Lakegate", app)):
        lines.append(f"| {name}: start to page loaded | {w['start_ms']['median']:.0f} ms | {w['start_ms']['min']:.0f} ms | {w['start_ms']['max']:.0f} ms |")
        lines.append(f"| {name}: PSS at rest (app + WebKit processes) | {w['pss_mb']['median']:.0f} MB | {w['pss_mb']['min']:.0f} MB | {w['pss_mb']['max']:.0f} MB |")
    lines.append(f"| request in the app, its own timings ({in_window['requests']:,}) | {in_window['in_app_median_ms']:.1f} ms | {in_window['in_app_min_ms']:.1f} ms | {in_window['in_app_max_ms']:.1f} ms |")
    lines.append(f"| request in the window, click to answer drawn ({in_window['requests']:,}) | {in_window['median_ms']:.1f} ms | {in_window['min_ms']:.1f} ms | {in_window['max_ms']:.1f} ms (p90 {in_window['p90_ms']:.1f}) |")
    lines.append(f"| PSS after the first request / after all | {in_window['pss_after_first_request_bytes'] / 2**20:.0f} MB | | {in_window['pss_after_all_bytes'] / 2**20:.0f} MB |")
    lines += ["", "| big answer | request (the app's timing) | click to first frame showing it | of which after the last byte | longest frame |", "| --- | --- | --- | --- | --- |"]
    for a in big["answers"]:
        lines.append(f"| {a['bytes']:,} bytes | {a['request_ms']:.0f} ms | {a['click_to_drawn_ms']:.0f} ms | {a['after_last_byte_ms']:.0f} ms | {a['longest_frame_gap_ms']:.0f} ms |")
    lines.append(f"| search in 20 MiB, typing to the match drawn (with the 250 ms typing pause) | | {big['search_ms']:.0f} ms | | {big['search_gap_ms']:.0f} ms |")
    lines.append(f"| expand all ({big['expanded_rows']:,} rows) / collapse all | | {big['expand_all_ms']:.0f} ms / {big['collapse_all_ms']:.0f} ms | | {big['expand_all_gap_ms']:.0f} ms |")
    lines.append(f"| whole-app PSS: before / with the 20 MiB answer / after a small one replaced it | | {big['pss_before_bytes'] / 2**20:.0f} MB / {big['pss_with_20mib_bytes'] / 2**20:.0f} MB / {big['pss_after_replaced_bytes'] / 2**20:.0f} MB | | |")
    lines += ["", "| size | bytes |", "| --- | --- |"]
    for name, v in sizes.items():
        lines.append(f"| {name} | {v:,} |")
    if "deb_bytes" not in sizes:
        lines += ["", "The .deb size is reported once `make package` has built it."]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    (OUT / "report.json").write_text(json.dumps({"cli": results, "pairs": pairs, "window": window, "in_window": in_window, "big": big, "first_200": first, "sizes": sizes, "ratios": {n: v for n, v, *_ in rows}}, indent=2))
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
