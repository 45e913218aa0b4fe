// How distsyncd logs: to stderr, which a terminal shows and journald keeps.
//
// On a terminal or a file each line carries its own time stamp, the logger name and the
// level (spdlog's default pattern). When stderr is journald's stream ($JOURNAL_STREAM names
// the device and inode of our stderr, as systemd sets it), the journal stamps the time
// itself, so lines carry no time stamp and start with a syslog priority ("<4>" for warn)
// that journald turns into the entry's priority. Call once, early in main, single-threaded.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

namespace distsync {

// Installs the default logger `name` on stderr with the pattern above.
void install_daemon_logger(const std::string& name);

// True when `journal_stream` ("<dev>:<ino>", the value of $JOURNAL_STREAM) names `dev`/`ino`.
// Pure; exposed for tests.
bool is_journal_stream(std::string_view journal_stream, dev_t dev, ino_t ino);

// True when this process's stderr is the stream of $JOURNAL_STREAM.
bool stderr_is_journal();

}  // namespace distsync
