#!/usr/bin/python3
"""web_screenshots.py BUILD_DIR OUT_DIR: the README's screenshots of the web console
(web-console-servers.png, web-console-jobs.png), taken in headless Chromium against a real
distsyncd and distsync-web on a fresh temp data dir, with neutral data: servers at
/srv/dist/berlin, /srv/dist/munich and /srv/dist/hamburg (made here when absent and removed
again afterwards), one finished sync, one under way (bandwidth-limited) and a schedule.
Reuses the browser test's harness (tests/web/web_browser_test.py). Not a test.
"""
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "web_browser_test", os.path.join(HERE, "..", "tests", "web", "web_browser_test.py"))
t = importlib.util.module_from_spec(spec)
spec.loader.exec_module(t)
By = t.By


def main():
    build, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    args = SimpleNamespace(distsyncd=os.path.join(build, "daemon", "distsyncd"),
                           cli=os.path.join(build, "tools", "distsync", "distsync"),
                           web=os.path.join(build, "tools", "web", "distsync-web"))
    made = [] if os.path.exists("/srv/dist") else ["/srv/dist"]
    for city in ("berlin", "munich", "hamburg"):
        path = "/srv/dist/" + city
        if not os.path.exists(path):
            os.makedirs(path)
            made.append(path)
    root = tempfile.mkdtemp(prefix="distsync-web-shots-")
    console = driver = None
    try:
        console = t.Console(args, root)
        c = console.cli
        c("server", "add", "dist-berlin", "--path", "/srv/dist/berlin", "--description", "Berlin office")
        c("server", "add", "dist-munich", "--path", "/srv/dist/munich", "--description", "Munich office",
          "--bandwidth", "131072")
        c("server", "add", "dist-hamburg", "--path", "/srv/dist/hamburg", "--description", "Hamburg warehouse")
        c("schedule", "add", "--server", "dist-berlin", "--component", "patches", "--monthly", "--nth", "2",
          "--weekday", "tue", "--delay", "4", "--at", "03:00", "--tz", "Europe/Berlin")
        c("sync", "dist-berlin", "--wait")
        c("sync", "dist-munich")
        driver = t.browser(root)
        driver.get(console.url + "#jobs")
        t.wait(driver, lambda: t.text_of(driver, "#live") == "live", "the live connection")
        t.wait(driver, lambda: any(0 < int(p.get_attribute("data-percent")) < 100 for p in
                                   driver.find_elements(By.CSS_SELECTOR, "progress.job-progress")),
               "a job under way", timeout=60)
        time.sleep(1)
        t.shot(driver, out, "web-console-jobs")
        t.tab(driver, "servers")
        try:
            t.wait(driver, lambda: len(driver.find_elements(By.CSS_SELECTOR, "td.pending[data-files]")) == 3,
                   "the pending column")
        except AssertionError:
            t.shot(driver, "/tmp", "web2-shot-fail")
            print(t.text_of(driver, "#servers-message"))
            raise
        t.shot(driver, out, "web-console-servers")
        print("wrote", os.path.join(out, "web-console-jobs.png"), "and web-console-servers.png")
    finally:
        if driver is not None:
            driver.quit()
        if console is not None:
            console.close()
        shutil.rmtree(root, ignore_errors=True)
        for path in reversed(made):
            shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main()
