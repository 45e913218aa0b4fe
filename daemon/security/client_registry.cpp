#include "daemon/security/client_registry.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <atomic>

namespace distsync {
namespace {

// SIGHUPs received; a lock-free atomic, so the handler may touch it.
std::atomic<std::uint64_t> g_reload_requests{0};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

void on_sighup(int) { g_reload_requests.fetch_add(1, std::memory_order_relaxed); }

constexpr auto kStatInterval = std::chrono::seconds(1);

}  // namespace

void install_client_reload_signal() {
  struct sigaction sa {};
  sa.sa_handler = on_sighup;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, nullptr);
}

ClientRegistry::Stamp ClientRegistry::stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Stamp{};
  return Stamp{st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
               static_cast<std::int64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino)};
}

Result<std::shared_ptr<ClientRegistry>> ClientRegistry::open(const std::string& path) {
  const std::uint64_t generation = g_reload_requests.load();
  const Stamp stamp = stamp_of(path);
  auto list = ClientAllowlist::load(path);
  if (!list.ok()) return list.status();
  return std::shared_ptr<ClientRegistry>(
      new ClientRegistry(path, std::move(list).value(), stamp, generation));
}

ClientRegistry::ClientRegistry(ClientAllowlist list)
    : ClientRegistry("", std::move(list), Stamp{}, 0) {}

ClientRegistry::ClientRegistry(std::string path, ClientAllowlist list, Stamp stamp,
                               std::uint64_t generation)
    : path_(std::move(path)) {
  MutexLock lock(&mu_);
  list_ = std::make_shared<const ClientAllowlist>(std::move(list));
  stamp_ = stamp;
  generation_ = generation;
  checked_ = std::chrono::steady_clock::now();
}

std::shared_ptr<const ClientAllowlist> ClientRegistry::current() {
  MutexLock lock(&mu_);
  if (path_.empty()) return list_;
  const std::uint64_t requests = g_reload_requests.load(std::memory_order_relaxed);
  bool due = requests != generation_;
  generation_ = requests;
  const auto now = std::chrono::steady_clock::now();
  if (!due && now - checked_ >= kStatInterval) {
    checked_ = now;
    due = stamp_of(path_) != stamp_;
  }
  if (due) (void)reload_locked();  // logged there; the old list stays on error
  return list_;
}

Status ClientRegistry::reload() {
  MutexLock lock(&mu_);
  if (path_.empty()) return Status::ok();
  return reload_locked();
}

Status ClientRegistry::reload_locked() {
  // Stamped before reading: a change during the read is seen at the next look.
  stamp_ = stamp_of(path_);
  checked_ = std::chrono::steady_clock::now();
  auto list = ClientAllowlist::load(path_);
  if (!list.ok()) {
    spdlog::warn("{}; not reloaded, the {} clients in force stay", list.status().message(),
                 list_->size());
    return list.status();
  }
  spdlog::info("control clients file {} reloaded: {} clients (were {})", path_, list->size(),
               list_->size());
  list_ = std::make_shared<const ClientAllowlist>(std::move(list).value());
  ++reloads_;
  return Status::ok();
}

std::uint64_t ClientRegistry::reloads() const {
  MutexLock lock(&mu_);
  return reloads_;
}

}  // namespace distsync
