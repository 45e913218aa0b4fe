#!/usr/bin/python3
"""The web console in a real browser: distsyncd, distsync-web (any free port) and headless
Chromium driven by Selenium, all started here on a fresh temp dir.

  panes     through the UI only: add a server (and see the daemon's validation message, as
            the CLI prints it), add a "second Tuesday + 4 days" schedule and compare its live
            preview with `distsync schedule preview`, edit it (the form prefilled; the saved
            change and a refused one as the CLI sees and says them), Run now, watch the job's
            progress bar reach 100%, see the files and bytes pending on the server before and
            after (as the File Status Report counts them), open the File Status Report (and its
            CSV), filter the history by the server, acknowledge an event (checked with the
            CLI), page the history back and forward; a screenshot of every pane.
  two_tabs  two tabs open; an event appended by the CLI shows in both within a second.

Usage: web_browser_test.py panes|two_tabs --distsyncd BIN --cli BIN --web BIN --artifacts DIR
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


class Console:
    """distsyncd + distsync-web on a temp data dir, and the CLI against it."""

    def __init__(self, args, root):
        self.args = args
        self.root = root
        self.data = os.path.join(root, "var")
        patches = os.path.join(self.data, "console", "Patches")
        os.makedirs(patches)
        for i in range(8):  # 8 x 256 KiB: a few seconds at the server's 512 KiB/s limit
            with open(os.path.join(patches, "KB%07d.msu" % i), "wb") as f:
                f.write(bytes([i]) * 262144)
        self.daemon = subprocess.Popen(
            [args.distsyncd, "--data-dir", self.data, "--console", "web1", "--log-level", "warn"],
            stdout=subprocess.PIPE, stderr=open(os.path.join(root, "distsyncd.err"), "w"),
            start_new_session=True, text=True)
        ready = self.daemon.stdout.readline()
        assert ready.startswith("distsyncd ready"), "distsyncd did not start: %r" % ready
        self.web = subprocess.Popen(
            [args.web, "--data-dir", self.data, "--port", "0", "--operator", "tester"],
            stdout=subprocess.PIPE, stderr=open(os.path.join(root, "web.err"), "w"),
            start_new_session=True, text=True)
        line = self.web.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, "distsync-web did not start: %r (%s)" % (line, self.stderr("web.err"))
        self.url = "http://127.0.0.1:%s/" % m.group(1)

    def stderr(self, name):
        with open(os.path.join(self.root, name)) as f:
            return f.read()

    def cli(self, *argv, check=True):
        r = subprocess.run([self.args.cli, "--data-dir", self.data] + list(argv),
                           capture_output=True, text=True, timeout=60)
        if check:
            assert r.returncode == 0, "distsync %s: %s" % (" ".join(argv), r.stderr)
        return r

    def cli_json(self, *argv):
        return json.loads(self.cli("--json", *argv).stdout.splitlines()[0])

    def close(self):
        for p in (self.web, self.daemon):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def browser(root):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1500,1100", "--user-data-dir=" + os.path.join(root, "chromium"),
                 "--no-first-run", "--disable-extensions", "--disable-background-networking",
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling"):
        options.add_argument(flag)
    service = Service("/usr/bin/chromedriver", log_path=os.path.join(root, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


def wait(driver, fn, what, timeout=30):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=[StaleElementReferenceException]).until(lambda d: fn())
    except Exception:
        raise AssertionError("timed out waiting for " + what)


def tab(driver, name):
    driver.find_element(By.CSS_SELECTOR, "#tabs button[data-pane=%s]" % name).click()
    wait(driver, lambda: driver.find_element(By.ID, "pane-" + name).is_displayed(), name + " pane")


def shot(driver, artifacts, name):
    driver.save_screenshot(os.path.join(artifacts, name + ".png"))


def fill(driver, element_id, text):
    e = driver.find_element(By.ID, element_id)
    e.clear()
    e.send_keys(text)


def click(driver, selector, what):
    """Clicks the element, found afresh until a re-render of its pane leaves it in place."""
    def attempt():
        try:
            driver.find_element(By.CSS_SELECTOR, selector).click()
            return True
        except StaleElementReferenceException:
            return False
    wait(driver, attempt, what)


def text_of(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector).text


def test_panes(console, driver, artifacts):
    driver.get(console.url)
    wait(driver, lambda: text_of(driver, "#live") == "live", "the live connection")
    wait(driver, lambda: driver.find_elements(By.ID, "servers-table"), "the servers table")

    # A server the daemon refuses: the page shows the CLI's message.
    fill(driver, "server-name", "dist-bad")
    fill(driver, "server-root_path", "relative/path")
    driver.find_element(By.ID, "server-submit").click()
    cli_error = console.cli("server", "add", "dist-bad", "--path", "relative/path", check=False)
    assert cli_error.returncode == 1
    expected = cli_error.stderr.strip()[len("distsync: "):]
    wait(driver, lambda: text_of(driver, "#servers-message") == expected,
         "the validation message %r" % expected)

    target = os.path.join(console.root, "srv", "berlin")
    os.makedirs(target)
    fill(driver, "server-name", "dist-berlin")
    fill(driver, "server-root_path", target)
    fill(driver, "server-description", "Berlin office <b>&amp;</b>")
    fill(driver, "server-bandwidth_limit_bps", "524288")
    driver.find_element(By.ID, "server-submit").click()
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "tr[data-server=dist-berlin]"),
         "the new server's row")
    row = driver.find_element(By.CSS_SELECTOR, "tr[data-server=dist-berlin]")
    # Rendered as text, never as markup.
    assert "Berlin office <b>&amp;</b>" in row.text, row.text
    assert not row.find_elements(By.TAG_NAME, "b")
    servers = console.cli_json("server", "list")["servers"]
    assert [s["name"] for s in servers] == ["dist-berlin"], servers
    assert servers[0]["bandwidth_limit_bps"] == 524288
    # Files/bytes pending there, as the File Status Report counts them: all 8 patches.
    summary = console.cli_json("report", "dist-berlin")["servers"][0]
    assert summary["pending_files"] == 8 and summary["pending_bytes"] == 8 * 262144, summary

    def pending_cell():  # [files, bytes, text] of the row's Pending cell, read in one go
        return driver.execute_script(
            "const c = document.querySelector('tr[data-server=dist-berlin] td.pending');"
            "return c ? [c.dataset.files, c.dataset.bytes, c.textContent] : null;")
    wait(driver, lambda: pending_cell() == ["8", str(8 * 262144), "8 files, 2.0 MiB"],
         "8 files, 2.0 MiB pending (%r)" % (pending_cell(),))

    # Add scheduled sync: second Tuesday + 4 days; the live preview equals the CLI's.
    tab(driver, "schedules")
    Select(driver.find_element(By.ID, "schedule-kind")).select_by_value("sync")
    Select(driver.find_element(By.ID, "schedule-component")).select_by_value("patches")
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#schedule-server option[value=dist-berlin]"),
         "the server in the schedule form")
    Select(driver.find_element(By.ID, "schedule-server")).select_by_value("dist-berlin")
    Select(driver.find_element(By.ID, "schedule-frequency")).select_by_value("monthly")
    Select(driver.find_element(By.ID, "schedule-monthly_mode")).select_by_value("nth_weekday")
    Select(driver.find_element(By.ID, "schedule-nth")).select_by_value("2")
    Select(driver.find_element(By.ID, "schedule-weekday")).select_by_value("tue")
    fill(driver, "schedule-delay_days", "4")
    fill(driver, "schedule-time_of_day", "03:00")
    fill(driver, "schedule-time_zone", "Europe/Berlin")
    preview = console.cli_json("schedule", "preview", "--monthly", "--nth", "2", "--weekday", "tue",
                               "--delay", "4", "--at", "03:00", "--tz", "Europe/Berlin", "--next", "5")
    want = [[f["local"], f["utc"]] for f in preview["next"]]
    assert len(want) == 5

    def page_preview():
        return driver.execute_script(
            "return Array.from(document.querySelectorAll('#schedule-preview tr.fire')).map("
            "r => [r.querySelector('.local').textContent, r.querySelector('.utc').textContent]);")
    wait(driver, lambda: page_preview() == want, "the preview %r" % (want,))
    assert text_of(driver, "#schedule-preview-description") == preview["description"]
    shot(driver, artifacts, "schedules-preview")
    driver.find_element(By.ID, "schedule-submit").click()
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#schedules-table tr[data-schedule]"),
         "the schedule's row")
    schedules = console.cli_json("schedule", "list")["schedules"]
    assert len(schedules) == 1 and schedules[0]["server"] == "dist-berlin", schedules
    assert schedules[0]["description"] == preview["description"], schedules
    sid = schedules[0]["id"]

    # Edit it: the form comes prefilled; a refused change shows the CLI's message, a saved
    # one reaches the CLI's list.
    click(driver, "tr[data-schedule='%s'] button.edit" % sid, "Edit")
    wait(driver, lambda: text_of(driver, "#schedule-form-title") == "Edit schedule " + sid, "the editor")
    value = lambda name: driver.find_element(By.ID, "schedule-" + name).get_attribute("value")
    assert (value("frequency"), value("monthly_mode"), value("nth"), value("weekday"),
            value("delay_days"), value("time_of_day"), value("time_zone"), value("server")) == (
        "monthly", "nth_weekday", "2", "tue", "4", "03:00", "Europe/Berlin", "dist-berlin")
    assert text_of(driver, "#schedule-submit") == "Save changes"
    fill(driver, "schedule-time_zone", "Mars/Olympus_Mons")
    driver.find_element(By.ID, "schedule-submit").click()
    refused = console.cli("schedule", "edit", sid, "--tz", "Mars/Olympus_Mons", check=False)
    assert refused.returncode == 1, refused
    expected = refused.stderr.strip()[len("distsync: "):]
    wait(driver, lambda: text_of(driver, "#schedules-message") == expected,
         "the refused edit's message %r" % expected)
    fill(driver, "schedule-time_zone", "Europe/Berlin")
    fill(driver, "schedule-time_of_day", "04:30")
    fill(driver, "schedule-delay_days", "5")
    driver.find_element(By.ID, "schedule-submit").click()
    edited = console.cli_json("schedule", "list")["schedules"]
    wait(driver, lambda: text_of(driver, "#schedules-message").startswith("edited schedule " + sid),
         "the saved edit")
    edited = console.cli_json("schedule", "list")["schedules"]
    assert len(edited) == 1 and edited[0]["id"] == sid, edited
    rec = edited[0]["recurrence"]
    assert (rec["time_of_day"], rec["delay_days"], rec["nth"], rec["weekday"]) == ("04:30", 5, 2, "tue"), rec
    assert text_of(driver, "#schedules-message") == "edited schedule %s: %s" % (sid, edited[0]["description"])
    assert text_of(driver, "#schedule-form-title") == "Add scheduled sync"
    shot(driver, artifacts, "schedules-edited")

    # Run now (select it, then the toolbar's button).
    click(driver, "tr[data-schedule='%s'] input.pick" % sid, "the schedule's checkbox")
    wait(driver, lambda: driver.execute_script(
        "const c = document.querySelector(\"tr[data-schedule='%s'] input.pick\"); return c && c.checked;" % sid),
        "the schedule picked")
    driver.find_element(By.ID, "schedules-run-selected").click()
    wait(driver, lambda: text_of(driver, "#schedules-message").startswith("started job-"),
         "Run now to start a job")
    job = text_of(driver, "#schedules-message").split()[1]
    shot(driver, artifacts, "schedules")

    # Jobs: the progress bar moves with the bytes written while the one batch (8 x 256 KiB
    # at 512 KiB/s, about 4 s) is still in flight, before any of it is durable, and reaches
    # 100%.
    tab(driver, "jobs")
    selector = "tr[data-job='%s']" % job
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, selector), "the job's row")
    seen = set()
    written_ahead = []  # (written, durable) samples where the page showed bytes not yet durable

    def done():
        rows = driver.find_elements(By.CSS_SELECTOR, selector + " progress.job-progress")
        if not rows:
            return False
        pct = int(rows[0].get_attribute("data-percent"))
        seen.add(pct)
        written = int(rows[0].get_attribute("data-written"))
        durable = int(rows[0].get_attribute("data-durable"))
        if 0 < written < 8 * 262144 and written > durable:
            written_ahead.append((written, durable))
        return pct == 100 and driver.find_element(By.CSS_SELECTOR, selector).get_attribute(
            "data-status") == "completed"
    wait(driver, done, "job %s to reach 100%%" % job, timeout=90)
    shot(driver, artifacts, "jobs")
    assert console.cli_json("sync", "job", job)["status"] == "completed"
    assert len({w for w, _ in written_ahead}) >= 2, \
        "the page never showed written bytes moving ahead of durable ones: %r" % (written_ahead,)
    assert sorted(os.listdir(os.path.join(target, "Patches"))) == sorted(
        os.listdir(os.path.join(console.data, "console", "Patches")))
    print("progress values seen:", sorted(seen), "written ahead of durable:", written_ahead)

    tab(driver, "servers")
    wait(driver, lambda: "completed" in text_of(driver, "tr[data-server=dist-berlin]"),
         "the server's last sync result")
    wait(driver, lambda: (pending_cell() or [None])[0] == "0", "nothing pending after the sync")
    assert console.cli_json("report", "dist-berlin")["servers"][0]["pending_files"] == 0
    shot(driver, artifacts, "servers")

    # File Status Report.
    tab(driver, "report")
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#report-servers input[value=dist-berlin]"),
         "the report's server list")
    driver.find_element(By.CSS_SELECTOR, "#report-servers input[value=dist-berlin]").click()
    driver.find_element(By.ID, "report-show").click()
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#report-summary tr[data-server=dist-berlin]"),
         "the report")
    report = console.cli_json("report", "dist-berlin")
    summary = report["servers"][0]
    row = "#report-summary tr[data-server=dist-berlin] "
    assert text_of(driver, row + ".up-to-date") == str(summary["up_to_date"]) == "8"
    assert text_of(driver, row + ".missing") == str(summary["missing"]) == "0"
    href = driver.find_element(By.ID, "report-csv").get_attribute("href")
    with urllib.request.urlopen(href, timeout=30) as r:
        csv = r.read().decode()
    assert csv.count("KB") == 8 and "up_to_date" in csv, csv
    shot(driver, artifacts, "report")

    # Event history, filtered by the server.
    tab(driver, "history")
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#history-server option[value=dist-berlin]"),
         "the history's server filter")
    Select(driver.find_element(By.ID, "history-server")).select_by_value("dist-berlin")
    driver.find_element(By.ID, "history-apply").click()
    expected_seqs = [e["seq"] for e in
                     (json.loads(l) for l in console.cli("--json", "history", "--server", "dist-berlin").stdout.splitlines())]
    assert expected_seqs, "the CLI's history of dist-berlin is empty"

    def page_seqs():
        return sorted(driver.execute_script(
            "return Array.from(document.querySelectorAll('#history-table tr[data-seq]')).map(r => Number(r.dataset.seq));"))
    wait(driver, lambda: page_seqs() == sorted(expected_seqs)[-50:],
         "the filtered history %r" % (expected_seqs,))
    types = [r.get_attribute("data-type") for r in driver.find_elements(By.CSS_SELECTOR, "#history-table tr[data-seq]")]
    assert "SyncCompleted" in types and "ServerAdded" in types and "ConsoleStarted" not in types, types
    shot(driver, artifacts, "history")

    # Acknowledge the SyncCompleted event; the CLI sees who did, and the row says it.
    completed = driver.find_element(By.CSS_SELECTOR, "#history-table tr[data-type=SyncCompleted]")
    seq = int(completed.get_attribute("data-seq"))
    click(driver, "#history-table tr[data-seq='%d'] button.ack" % seq, "Acknowledge")
    wait(driver, lambda: text_of(driver, "#history-message") == "acknowledged event %d as tester" % seq,
         "the acknowledgement")
    acks = [json.loads(l) for l in console.cli("--json", "history", "--type", "EventAcknowledged").stdout.splitlines()]
    assert len(acks) == 1, acks
    assert acks[0]["payload"]["acknowledged_seq"] == seq and acks[0]["payload"]["by"] == "tester", acks
    assert acks[0]["payload"]["acknowledged_type"] == "SyncCompleted"
    assert acks[0]["correlation"] == job  # it joins the job's timeline
    acked = [json.loads(l) for l in console.cli("--json", "history", "--job", job, "--type",
                                                "SyncCompleted").stdout.splitlines()]
    assert [a["by"] for a in acked[0]["acknowledged"]] == ["tester"], acked
    assert "[acknowledged by tester at " in console.cli("history", "--type", "SyncCompleted").stdout
    wait(driver, lambda: "acknowledged by tester at " in
         text_of(driver, "#history-table tr[data-seq='%d']" % seq), "the acknowledgement in the row")
    shot(driver, artifacts, "history-acknowledged")

    # Paging through the server-side query: 60 more events, 50 a page.
    for i in range(30):
        path = os.path.join(console.root, "srv", "p%02d" % i)
        os.makedirs(path)
        console.cli("server", "add", "dist-p%02d" % i, "--path", path)
        console.cli("server", "remove", "dist-p%02d" % i)
    Select(driver.find_element(By.ID, "history-server")).select_by_value("")
    driver.find_element(By.ID, "history-apply").click()
    head = console.cli_json("status")["last_seq"]
    assert head > 60, head
    disabled = lambda b: driver.find_element(By.ID, b).get_attribute("disabled") is not None
    wait(driver, lambda: page_seqs() == list(range(head - 49, head + 1)), "the latest page")
    assert disabled("history-next")
    pages = [page_seqs()]
    while not disabled("history-prev"):  # back to the oldest page, one page at a time
        first = pages[0][0]
        driver.find_element(By.ID, "history-prev").click()
        wait(driver, lambda: page_seqs() and page_seqs()[-1] == first - 1, "the page before %d" % first)
        pages.insert(0, page_seqs())
        assert len(pages) < 10, pages
    assert [s for p in pages for s in p] == list(range(1, head + 1)), pages
    assert all(len(p) == 50 for p in pages[1:]), [len(p) for p in pages]
    driver.find_element(By.ID, "history-next").click()  # and forward again
    wait(driver, lambda: page_seqs() == list(range(pages[0][-1] + 1, pages[0][-1] + 51)) or
         page_seqs() == list(range(pages[0][-1] + 1, head + 1)), "the page after the oldest")
    shot(driver, artifacts, "history-paged")

    tab(driver, "downloads")
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#downloads-sources table"), "the downloads pane")
    shot(driver, artifacts, "downloads")
    # Script errors only: refused requests (the validation above) are logged as network errors.
    errors = [l for l in driver.get_log("browser")
              if l.get("level") == "SEVERE" and l.get("source") != "network"]
    assert not errors, errors


def test_two_tabs(console, driver, artifacts):
    driver.get(console.url + "#history")
    wait(driver, lambda: text_of(driver, "#live") == "live", "the first tab's live connection")
    first = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(console.url + "#history")
    wait(driver, lambda: text_of(driver, "#live") == "live", "the second tab's live connection")
    second = driver.current_window_handle

    def seqs(handle):
        driver.switch_to.window(handle)
        return driver.execute_script(
            "return Array.from(document.querySelectorAll('#live-events li')).map(l => Number(l.dataset.seq));")

    target = os.path.join(console.root, "srv", "cli")
    os.makedirs(target)
    console.cli("server", "add", "dist-cli", "--path", target)
    appended_at = time.monotonic()
    seq = max(e["seq"] for e in (json.loads(l) for l in
                                  console.cli("--json", "history", "--type", "ServerAdded").stdout.splitlines()))
    shown = {}
    while len(shown) < 2 and time.monotonic() - appended_at < 5:
        for name, handle in (("first", first), ("second", second)):
            if name not in shown and seq in seqs(handle):
                shown[name] = time.monotonic() - appended_at
    print("event %d shown after (s):" % seq, shown)
    assert set(shown) == {"first", "second"}, "event %d reached only %r" % (seq, shown)
    # Within a second of the CLI's append (the bar), measured from the CLI's exit.
    assert max(shown.values()) <= 1.0, shown
    for name, handle in (("first", first), ("second", second)):
        driver.switch_to.window(handle)
        shot(driver, artifacts, "tab-" + name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["panes", "two_tabs"])
    parser.add_argument("--distsyncd", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--web", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    root = tempfile.mkdtemp(prefix="distsync-web-test-")
    console = driver = None
    try:
        console = Console(args, root)
        driver = browser(root)
        {"panes": test_panes, "two_tabs": test_two_tabs}[args.case](console, driver, args.artifacts)
        print("ok: web_browser_%s_test" % args.case)
    except BaseException:
        if driver is not None:
            try:
                shot(driver, args.artifacts, "failure")
            except Exception:
                pass
        for name in ("distsyncd.err", "web.err"):
            path = os.path.join(root, name)
            if os.path.exists(path):
                sys.stderr.write("--- %s\n%s" % (name, open(path).read()[-4000:]))
        raise
    finally:
        if driver is not None:
            driver.quit()
        if console is not None:
            console.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
