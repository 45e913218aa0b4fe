// One filled-in payload of every event type, for codec and log tests.
#pragma once

#include <vector>

#include "events/catalog.h"

namespace distsync::testing {

inline std::vector<EventPayload> sample_payloads() {
  ServerSpec spec{"dist-01", "/srv/dist01", "Berlin office \"main\"", false, true, 3, 1 << 20, true,
                  "cred-berlin", {{"patches", "Patches"}, {"core", "DataFiles"}}, "site-berlin",
                  "mon-fri 08:00-18:00 2M; * 0", "Europe/Berlin", {"site-hamburg"}};
  Recurrence r;
  r.frequency = Frequency::kMonthly;
  r.start_date = "2026-01-01";
  r.time_of_day = "03:30";
  r.time_zone = "Europe/Berlin";
  r.monthly_mode = MonthlyMode::kNthWeekday;
  r.nth = 2;
  r.weekday = "tue";
  r.delay_days = 4;
  ScheduleSpec sched{"sch-1", "sync", "dist-01", "all", r, true};
  return {
      ConsoleStarted{"0.1.0", "host-a", 4242},
      ServerAdded{spec},
      ServerEdited{"dist-00", spec},
      ServerRemoved{"dist-01", true},
      ScheduleAdded{sched},
      ScheduleEdited{sched},
      ScheduleDeleted{"sch-1", "console-b"},
      ScheduleFired{"sch-1", 1765000000000000, "catch-up"},
      ScheduleMissed{"sch-1", 1765000000000000, "missed by 3 days"},
      DownloadStarted{"patches", "http://127.0.0.1:8080/", {"*kb5*"}, "manual", ""},
      DownloadCompleted{10, 7, 3, 123456789},
      DownloadFailed{"hash mismatch for a.msu", 2, 4096, false},
      DownloadSourceChanged{"patches", "https://mirror.example/patches/"},
      SyncQueued{"dist-01", "patches", "manual", "sch-1", true, false, false, {}},
      SyncDeferred{"dl-7", "download dl-7 is running"},
      SyncStarted{60, 1 << 24, 5, 2},
      FileCopied{"Patches/a\nb.msu", 4096, 1765000000123456789, std::string(64, 'a'), true},
      FileCopyFailed{"Patches/x.msu", "no_space", "no space left on /srv", 2, 5, 1765000000500000},
      SyncCompleted{55, 1 << 23, 5, 2, 0},
      SyncFailed{"target /srv/dist01 is not writable", 3, 2},
      SyncCancelled{"cancelled by operator"},
      PruneRefused{"Patches", 120, 400, 10, 1000},
      FilesPruned{"Patches", {"old/kb4012212.msu"}, 0, false},
      GroupAdded{"berlin", "all", "Berlin offices"},
      GroupRemoved{"berlin"},
      GroupMemberAdded{"berlin", "dist-01", "server"},
      GroupMemberRemoved{"berlin", "dist-01"},
      ValidationCompleted{"dist-01", "patches", "cli", 58, 1, 1, 0, {"Patches/a.msu"},
                          {"Patches/b.msu"}, ""},
      AgentAllowed{"site-berlin", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"},
      AgentRevoked{"site-berlin"},
      EventAcknowledged{42, "SyncFailed", "alice", "disk replaced"},
      AgentLost{"site-berlin", 1765000000000000, {"dist-berlin"}},
      AgentReconnected{"site-berlin", 1765000000000000, "192.0.2.7"},
      SyncPaused{"job-12", "dist-berlin",
                 "server 'dist-berlin' is in the closed window 'closed sat 00:00-06:00' until "
                 "2026-12-05T06:00:00+01:00 (Europe/Berlin); the sync resumes when it opens",
                 1796446800000000},
      SyncResumed{"job-12", "dist-berlin", 21600000000},
      GroupPlanSet{"berlin", "mon-fri 08:00-18:00 2M; closed sat 00:00-06:00; * 0", "Europe/Berlin"},
  };
}

}  // namespace distsync::testing
