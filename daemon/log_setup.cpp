#include "daemon/log_setup.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <charconv>
#include <cstdlib>
#include <memory>

namespace distsync {
namespace {

// %* : the syslog priority prefix journald reads (sd-daemon(3)): "<7>" debug ... "<2>" crit.
class SyslogPriorityFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr char kPriority[] = {'7', '7', '6', '4', '3', '2', '6'};
    auto level = static_cast<std::size_t>(msg.level);
    char text[3] = {'<', level < sizeof kPriority ? kPriority[level] : '6', '>'};
    dest.append(text, text + 3);
  }
  std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }
};

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool is_journal_stream(std::string_view journal_stream, dev_t dev, ino_t ino) {
  auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long d = 0, i = 0;
  if (!parse_number(journal_stream.substr(0, colon), d)) return false;
  if (!parse_number(journal_stream.substr(colon + 1), i)) return false;
  return d == static_cast<unsigned long long>(dev) && i == static_cast<unsigned long long>(ino);
}

bool stderr_is_journal() {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  struct stat st = {};
  if (fstat(2, &st) != 0) return false;
  return is_journal_stream(env, st.st_dev, st.st_ino);
}

void install_daemon_logger(const std::string& name) {
  spdlog::set_default_logger(spdlog::stderr_color_mt(name));
  if (stderr_is_journal()) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*[%l] %v");
    spdlog::set_formatter(std::move(formatter));
  }
}

}  // namespace distsync
