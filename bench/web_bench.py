#!/usr/bin/python3
"""web_bench.py BUILD_DIR [--servers N] [--events N] [--rounds N]: first paint of the web
console on a big console, beside a baseline measured in the same run. Not a test.

Writes, in a fresh temp dir, a data dir with N servers (default 1,000) and N events in all
(default 100,000: finished sync jobs of 50 events over those servers) with
distsync_web_bench_fill, starts the real distsyncd and distsync-web on it, and an empty
data dir (the baseline: the same page and daemon with no servers and a one-event log), and
loads the page in headless Chromium (Selenium), ROUNDS times each (default 3), fresh tab
each time:

  fcp        first-contentful-paint (Performance API, paint entries)
  servers    page navigation start to the servers table holding every server's row
  history    click on Event history to its latest page (50 rows) shown, server-side paged
  raw        fetch() of the raw JSON of server.list + sync.jobs through /api/op, the ops the
             servers pane calls (the cost of the data alone, without rendering)

Each row prints the median over the rounds (min-max), the baseline's median and the ratio;
the issue's target is first paint under 1 s with 1,000 servers and 100,000 events.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

WAIT_ROWS = """
const [selector, want, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const count = () => document.querySelectorAll(selector).length;
if (count() >= want) return done(performance.now());
const seen = new MutationObserver(() => {
  if (count() >= want) { seen.disconnect(); done(performance.now()); }
});
seen.observe(document.body, {childList: true, subtree: true});
"""

RAW = """
const done = arguments[arguments.length - 1];
(async () => {
const csrf = (await (await fetch('/api/session')).json()).csrf;
const call = (op, args) => fetch('/api/op/' + op, {method: 'POST', headers:
  {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, body: JSON.stringify(args)}).then(r => r.json());
const t0 = performance.now();
await Promise.all([call('server.list', {}), call('sync.jobs', {all: true})]);
done(performance.now() - t0);
})();
"""


class Console:
    def __init__(self, build, root, name, servers, events):
        self.root = os.path.join(root, name)
        self.data = os.path.join(self.root, "var")
        os.makedirs(self.data)
        self.procs = []
        self.servers = servers
        if servers:
            fill = os.path.join(build, "bench", "distsync_web_bench_fill")
            t0 = time.monotonic()
            out = subprocess.run([fill, self.data, str(servers), str(events), "bench"],
                                 check=True, capture_output=True, text=True).stdout.strip()
            print("%s: %s (%.1f s with start-up)" % (name, out, time.monotonic() - t0))
        daemon = subprocess.Popen(
            [os.path.join(build, "daemon", "distsyncd"), "--data-dir", self.data, "--console", "bench",
             "--log-level", "warn"], stdout=subprocess.PIPE,
            stderr=open(os.path.join(self.root, "distsyncd.err"), "w"), start_new_session=True, text=True)
        self.procs.append(daemon)
        ready = daemon.stdout.readline()
        assert ready.startswith("distsyncd ready"), "distsyncd did not start: %r" % ready
        web = subprocess.Popen(
            [os.path.join(build, "tools", "web", "distsync-web"), "--data-dir", self.data, "--port", "0"],
            stdout=subprocess.PIPE, stderr=open(os.path.join(self.root, "web.err"), "w"),
            start_new_session=True, text=True)
        self.procs.append(web)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", web.stdout.readline())
        assert m, "distsync-web did not start"
        self.url = "http://127.0.0.1:%s/" % m.group(1)

    def close(self):
        for p in reversed(self.procs):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def browser(root):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1500,1100", "--user-data-dir=" + os.path.join(root, "chromium"),
                 "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def measure(driver, console):
    driver.switch_to.new_window("tab")
    driver.get(console.url + "#servers")
    rows = max(console.servers, 0)
    servers_ms = driver.execute_async_script(WAIT_ROWS, "#servers-table tr[data-server]", rows) \
        if rows else driver.execute_async_script(WAIT_ROWS, "#servers-table", 1)
    fcp = driver.execute_script(
        "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;")
    t0 = driver.execute_script("return performance.now();")
    driver.find_element(By.CSS_SELECTOR, "#tabs button[data-pane=history]").click()
    want = 50 if console.servers else 1
    history_ms = driver.execute_async_script(WAIT_ROWS, "#history-table tr[data-seq]", want) - t0
    raw_ms = driver.execute_async_script(RAW)
    driver.close()
    driver.switch_to.window(driver.window_handles[0])
    return {"fcp": fcp, "servers": servers_ms, "history": history_ms, "raw": raw_ms}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    root = tempfile.mkdtemp(prefix="distsync-web-bench-")
    consoles, driver = [], None
    try:
        big = Console(build, root, "big", args.servers, args.events)
        consoles.append(big)
        empty = Console(build, root, "empty", 0, 0)
        consoles.append(empty)
        driver = browser(root)
        driver.get("about:blank")
        results = {"big": [], "empty": []}
        for _ in range(args.rounds):  # alternate, so a busy machine slows both sides
            results["big"].append(measure(driver, big))
            results["empty"].append(measure(driver, empty))
        load = open("/proc/loadavg").read().split()[:3]
        print("load average: %s; %d servers, %d events; %d rounds; medians (min-max)" % (
            " ".join(load), args.servers, args.events, args.rounds))
        for key, what in (("fcp", "first-contentful-paint"), ("servers", "servers table filled"),
                          ("history", "history latest page"), ("raw", "raw JSON of the servers pane's ops")):
            b = [r[key] for r in results["big"]]
            e = [r[key] for r in results["empty"]]
            mb, me = statistics.median(b), statistics.median(e)
            line = "%-36s %8.0f ms (%.0f-%.0f)  (baseline empty console %.0f ms, ratio %.1f)" % (
                what, mb, min(b), max(b), me, mb / me if me else float("nan"))
            if key == "fcp":
                line += "  [target < 1000 ms: %s]" % ("met" if mb < 1000 else "MISSED")
            print(line)
        s = statistics.median(r["servers"] for r in results["big"])
        r = statistics.median(r["raw"] for r in results["big"])
        print("%-36s %8.1f  (servers table filled / its raw JSON)" % ("render overhead", s / r if r else 0))
    finally:
        if driver is not None:
            driver.quit()
        for c in consoles:
            c.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
