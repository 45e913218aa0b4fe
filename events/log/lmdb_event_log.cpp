#include "events/log/lmdb_event_log.h"

#include <lmdb.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <optional>
#include <shared_mutex>
#include <thread>

#include "events/codec.h"
#include "events/log/command_group.h"
#include "events/log/group_flusher.h"
#include "events/log/plain_append.h"
#include "events/mutex.h"

namespace distsync {
namespace {

constexpr char kFormat[] = "distsync-eventlog";

std::string mdb_error(int rc) { return mdb_strerror(rc); }

// The mount point holding `dir`: the last ancestor on the same device.
std::string mount_point_of(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(dir, ec);
  if (ec) return dir;
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return dir;
  while (p.has_parent_path() && p.parent_path() != p) {
    struct stat up {};
    if (::stat(p.parent_path().c_str(), &up) != 0 || up.st_dev != st.st_dev) break;
    p = p.parent_path();
  }
  return p.string();
}

// True when the file system holding `dir` has (almost) no room left for this process.
bool file_system_full(const std::string& dir) {
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) != 0) return false;
  // root may use the blocks reserved for it; others stop at f_bavail.
  const unsigned long long blocks = ::geteuid() == 0 ? vfs.f_bfree : vfs.f_bavail;
  return blocks * vfs.f_frsize < (1ull << 20);
}

// The Status of a failed LMDB write in `dir`. A full disk is named with its fix: LMDB returns
// ENOSPC when nothing fitted, and EIO for a short write ("filesystem full?" in its source),
// so EIO counts as full when the file system has no room left.
Status write_error(const std::string& dir, int rc, const std::string& what) {
  const bool full = rc == ENOSPC || rc == EDQUOT || (rc == EIO && file_system_full(dir));
  if (!full) return Status::io_error(what + ": " + mdb_error(rc));
  return Status::io_error("event log " + dir + ": the disk is full (" +
                          (rc == EDQUOT ? "disk quota exceeded" : "no space left on device") +
                          "), nothing was appended; free space on " + mount_point_of(dir) +
                          " and retry");
}

std::string seq_key(std::uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, seq >>= 8) k[i] = static_cast<char>(seq & 0xff);
  return k;
}

std::uint64_t key_seq(const MDB_val& v) {
  std::uint64_t seq = 0;
  const auto* p = static_cast<const unsigned char*>(v.mv_data);
  for (std::size_t i = 0; i < 8 && i < v.mv_size; ++i) seq = seq << 8 | p[i];
  return seq;
}

MDB_val as_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
std::string_view as_view(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

std::string encode_head(const LogHead& h) {
  std::string out = seq_key(h.seq);
  out.append(reinterpret_cast<const char*>(h.hash.data()), 32);
  out += seq_key(static_cast<std::uint64_t>(h.time_us));
  return out;
}

bool decode_head(std::string_view v, LogHead* h) {
  if (v.size() != 48) return false;
  MDB_val a{8, const_cast<char*>(v.data())};
  h->seq = key_seq(a);
  std::memcpy(h->hash.data(), v.data() + 8, 32);
  MDB_val t{8, const_cast<char*>(v.data() + 40)};
  h->time_us = static_cast<std::int64_t>(key_seq(t));
  return true;
}

std::int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// StateTable over one LMDB transaction. Remembers the first write error; the writer checks it
// before committing.
class LmdbStateTable : public StateTable {
 public:
  LmdbStateTable(MDB_txn* txn, MDB_dbi dbi) : txn_(txn), dbi_(dbi) {}
  std::optional<std::string> get(std::string_view key) override {
    MDB_val k = as_val(key), v;
    if (mdb_get(txn_, dbi_, &k, &v) != 0) return std::nullopt;
    return std::string(as_view(v));
  }
  void put(std::string_view key, std::string_view value) override {
    MDB_val k = as_val(key), v = as_val(value);
    int rc = mdb_put(txn_, dbi_, &k, &v, 0);
    if (rc != 0 && error == 0) error = rc;
  }
  void erase(std::string_view key) override {
    MDB_val k = as_val(key);
    int rc = mdb_del(txn_, dbi_, &k, nullptr);
    if (rc != 0 && rc != MDB_NOTFOUND && error == 0) error = rc;
  }
  void scan(std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& fn) override {
    MDB_cursor* cur = nullptr;
    if (mdb_cursor_open(txn_, dbi_, &cur) != 0) return;
    MDB_val k = as_val(prefix), v;
    int rc = prefix.empty() ? mdb_cursor_get(cur, &k, &v, MDB_FIRST)
                            : mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    while (rc == 0 && as_view(k).starts_with(prefix) && fn(as_view(k), as_view(v))) {
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
  }
  int error = 0;

 private:
  MDB_txn* txn_;
  MDB_dbi dbi_;
};

// Opens `dir` read-only and decides whether it holds a distsync log we may open.
// Leaves the data file untouched.
Status inspect(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "data.mdb", ec)) return Status::ok();
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc == 0) rc = mdb_env_set_maxdbs(env, 8);
  if (rc == 0) rc = mdb_env_open(env, dir.c_str(), MDB_RDONLY | MDB_NOTLS, 0644);
  if (rc != 0) {
    if (env) mdb_env_close(env);
    return Status::corruption("event log " + dir + " is not a readable LMDB environment (" +
                              mdb_error(rc) + "); it was left as it is");
  }
  Status result = Status::ok();
  MDB_txn* txn = nullptr;
  MDB_dbi main_dbi, meta;
  rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, nullptr, 0, &main_dbi);
  if (rc != 0) {
    result = Status::corruption("event log " + dir + " cannot be read (" + mdb_error(rc) + ")");
  } else if (mdb_dbi_open(txn, "meta", 0, &meta) != 0) {
    MDB_stat st;
    if (mdb_stat(txn, main_dbi, &st) == 0 && st.ms_entries > 0) {
      result = Status::corruption("data dir " + dir +
                                  " holds an LMDB environment that is not a distsync event log; "
                                  "point --data-dir elsewhere");
    }
  } else {
    MDB_val k = as_val("format"), v;
    if (mdb_get(txn, meta, &k, &v) != 0 || as_view(v) != kFormat) {
      result = Status::corruption("data dir " + dir + " holds an LMDB environment of another format");
    } else {
      MDB_val sk = as_val("schema"), sv;
      int schema = 0;
      if (mdb_get(txn, meta, &sk, &sv) == 0) schema = std::atoi(std::string(as_view(sv)).c_str());
      if (schema <= 0) {
        result = Status::corruption("event log " + dir + " has no valid schema version");
      } else if (schema > kLogSchemaVersion) {
        result = Status::corruption("event log " + dir + " was written by a newer distsync (schema " +
                                    std::to_string(schema) + ", this build reads up to " +
                                    std::to_string(kLogSchemaVersion) + "); upgrade distsync");
      }
    }
  }
  if (txn) mdb_txn_abort(txn);
  mdb_env_close(env);
  return result;
}

}  // namespace

class LmdbEventLog::Impl {
 public:
  explicit Impl(LmdbLogOptions o) : opt(std::move(o)), group(opt.console, opt.folder) {
    if (!opt.clock_us) opt.clock_us = system_now_us;
  }
  ~Impl() {
    stop();
    if (env) mdb_env_close(env);
  }

  Status open();
  void writer_loop();
  void commit_group(std::deque<Pending>& batch);
  Status flush();
  void mark_durable(std::uint64_t seq);
  void give_back_drafts(std::deque<Pending>& batch,
                        const std::vector<std::pair<std::size_t, std::size_t>>& spans);
  Status grow_map();
  int catch_up(MDB_txn* txn, std::uint64_t after, std::uint64_t head);
  Result<LogHead> read_head(MDB_txn* txn);
  void resync_folder_after_abort();
  std::uint64_t durable_head();
  void stop();
  // Queues `pending` (its ticket is made here) and returns the future of its answer.
  std::future<Result<AppendResult>> enqueue(Pending pending);

  // A read transaction, held shared against map resizes.
  template <typename Fn>
  Status with_read(Fn&& fn) {
    std::shared_lock<std::shared_mutex> guard(resize_mu);
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
    if (rc == MDB_MAP_RESIZED) {
      guard.unlock();
      {
        std::unique_lock<std::shared_mutex> g(resize_mu);
        mdb_env_set_mapsize(env, 0);
      }
      guard.lock();
      rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
    }
    if (rc != 0) return Status::io_error("cannot read the event log: " + mdb_error(rc));
    Status s = fn(txn);
    mdb_txn_abort(txn);
    return s;
  }

  LmdbLogOptions opt;
  MDB_env* env = nullptr;
  MDB_dbi events_dbi = 0, meta_dbi = 0, state_dbi = 0;
  // Shared: any transaction; exclusive: mdb_env_set_mapsize. It guards LMDB's map, not a member,
  // so it needs no annotation (and std::shared_lock's unlock/relock dance reads plainly).
  std::shared_mutex resize_mu;

  Mutex mu;
  CondVar cv;
  std::deque<Pending> queue GUARDED_BY(mu);
  bool stopping GUARDED_BY(mu) = false;
  std::atomic<std::uint64_t> commit_count{0};
  CondVar appended;
  std::uint64_t local_head GUARDED_BY(mu) = 0;  // last seq this process made durable
  // Last seq this process committed; while it is past durable_through, the group(s) between
  // are in LMDB (readable) but not yet flushed, and wait_for_append() does not report them.
  std::uint64_t committed_through GUARDED_BY(mu) = 0;
  std::uint64_t durable_through GUARDED_BY(mu) = 0;
  std::thread writer;
  CommandGroup group;  // writer thread only

  std::shared_ptr<Answers> answers = std::make_shared<Answers>();
  // Makes committed groups durable and answers them while the writer runs the next group.
  std::unique_ptr<GroupFlusher> flusher;
};

Status LmdbEventLog::Impl::open() {
  std::error_code ec;
  std::filesystem::create_directories(opt.dir, ec);
  if (ec) return Status::io_error("cannot create data dir " + opt.dir + ": " + ec.message());
  Status s = inspect(opt.dir);
  if (!s.is_ok()) return s;

  int rc = mdb_env_create(&env);
  if (rc == 0) rc = mdb_env_set_maxdbs(env, 8);
  if (rc == 0) rc = mdb_env_set_maxreaders(env, 256);
  if (rc == 0) rc = mdb_env_set_mapsize(env, opt.initial_map_bytes);
  // MDB_NOMETASYNC: a commit fsyncs its data pages, then writes the meta page without a
  // flush; the flusher's mdb_env_sync() makes the group durable before anyone is answered
  // (see "Where the write path's time goes" in ARCHITECTURE.md).
  if (rc == 0) rc = mdb_env_open(env, opt.dir.c_str(), MDB_NOTLS | MDB_NOMETASYNC, 0640);
  if (rc != 0) return Status::io_error("cannot open event log " + opt.dir + ": " + mdb_error(rc));
  int dead = 0;
  mdb_reader_check(env, &dead);  // clears slots of readers that died

  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env, nullptr, 0, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, "events", MDB_CREATE, &events_dbi);
  if (rc == 0) rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &meta_dbi);
  if (rc == 0) rc = mdb_dbi_open(txn, "state", MDB_CREATE, &state_dbi);
  if (rc == 0) {
    MDB_val k = as_val("format"), v;
    if (mdb_get(txn, meta_dbi, &k, &v) == MDB_NOTFOUND) {
      MDB_val fv = as_val(kFormat);
      std::string schema = std::to_string(kLogSchemaVersion);
      MDB_val sk = as_val("schema"), sv = as_val(schema);
      rc = mdb_put(txn, meta_dbi, &k, &fv, 0);
      if (rc == 0) rc = mdb_put(txn, meta_dbi, &sk, &sv, 0);
    }
  }
  if (rc == 0) {
    rc = mdb_txn_commit(txn);
  } else if (txn) {
    mdb_txn_abort(txn);
  }
  if (rc != 0) return write_error(opt.dir, rc, "cannot initialise event log " + opt.dir);
  // The format keys must be durable before the log says it opened.
  rc = mdb_env_sync(env, 1);
  if (rc != 0) return write_error(opt.dir, rc, "cannot initialise event log " + opt.dir);
  flusher = std::make_unique<GroupFlusher>([this] { return flush(); },
                                           [this](std::uint64_t seq) { mark_durable(seq); },
                                           answers);
  writer = std::thread([this] { writer_loop(); });
  return Status::ok();
}

Result<LogHead> LmdbEventLog::Impl::read_head(MDB_txn* txn) {
  LogHead head;
  MDB_val k = as_val("head"), v;
  int rc = mdb_get(txn, meta_dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return head;
  if (rc != 0 || !decode_head(as_view(v), &head)) {
    return Status::corruption("event log head record is damaged");
  }
  return head;
}

// Folds events (after, head] into the folder, read in the caller's transaction.
int LmdbEventLog::Impl::catch_up(MDB_txn* txn, std::uint64_t after, std::uint64_t head) {
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(txn, events_dbi, &cur);
  if (rc != 0) return rc;
  std::string start = seq_key(after + 1);
  MDB_val k = as_val(start), v;
  rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
  while (rc == 0 && key_seq(k) <= head) {
    auto e = decode_record(as_view(v));
    if (!e.ok()) {
      rc = MDB_CORRUPTED;
      break;
    }
    opt.folder->apply(*e);
    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cur);
  return rc == MDB_NOTFOUND ? 0 : rc;
}

// A write transaction was aborted: the folder drops what it folded and reloads the durable
// state at once, so that readers never see events that were not committed.
void LmdbEventLog::Impl::resync_folder_after_abort() {
  opt.folder->discard();
  Status s = with_read([&](MDB_txn* txn) {
    auto head = read_head(txn);
    if (!head.ok()) return head.status();
    LmdbStateTable table(txn, state_dbi);
    const std::uint64_t at = opt.folder->sync(head->seq, table);
    int rc = at < head->seq ? catch_up(txn, at, head->seq) : 0;
    return rc == 0 ? Status::ok() : Status::io_error("cannot reload the projections: " + mdb_error(rc));
  });
  (void)s;  // a failed reload leaves the folder unloaded; the next write transaction reloads it
  opt.folder->committed();
}

Status LmdbEventLog::Impl::grow_map() {
  std::unique_lock<std::shared_mutex> guard(resize_mu);
  MDB_envinfo info;
  mdb_env_info(env, &info);
  std::size_t next = info.me_mapsize * 2;
  int rc = mdb_env_set_mapsize(env, next);
  if (rc != 0) return Status::io_error("cannot grow the event log map: " + mdb_error(rc));
  return Status::ok();
}

void LmdbEventLog::Impl::writer_loop() {
  for (;;) {
    std::deque<Pending> batch;
    {
      MutexLock lock(&mu);
      while (!stopping && queue.empty()) cv.wait(&mu);
      if (queue.empty() && stopping) return;
      // Taking the whole queue is a swap: appenders wait for the lock for O(1), not for
      // thousands of moves.
      if (queue.size() <= opt.max_commands_per_group) {
        batch.swap(queue);
      } else {
        while (batch.size() < opt.max_commands_per_group) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
    }
    commit_group(batch);
  }
}

void LmdbEventLog::Impl::commit_group(std::deque<Pending>& batch) {
  {
    // Reuse the storage of a group the flusher has freed.
    group.clear();
    group.adopt(flusher->take_spare());
  }
  std::vector<Result<AppendResult>> results;
  results.reserve(batch.size());
  // stamped()[spans[i].first, spans[i].second) are the events of batch[i].
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  spans.reserve(batch.size());
  Status failure = Status::ok();
  for (int attempt = 0;; ++attempt) {
    results.clear();
    spans.clear();
    group.clear();
    group.reserve(batch.size());
    failure = Status::ok();
    std::shared_lock<std::shared_mutex> guard(resize_mu);
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env, nullptr, 0, &txn);
    if (rc == MDB_MAP_RESIZED) {
      guard.unlock();
      {
        std::unique_lock<std::shared_mutex> g(resize_mu);
        mdb_env_set_mapsize(env, 0);  // adopt the size another process grew the map to
      }
      continue;
    }
    if (rc != 0) {
      failure = Status::io_error("cannot begin a write to the event log: " + mdb_error(rc));
      break;
    }
    auto head = read_head(txn);
    if (!head.ok()) {
      mdb_txn_abort(txn);
      failure = head.status();
      break;
    }
    LmdbStateTable table(txn, state_dbi);
    bool caught_up = false;
    if (opt.folder) {
      const std::uint64_t at = opt.folder->sync(head->seq, table);
      if (at < head->seq) {
        rc = catch_up(txn, at, head->seq);
        caught_up = rc == 0;
      }
    }
    LogHead h = *head;
    const std::int64_t now = opt.clock_us();
    if (rc == 0) {
      for (Pending& p : batch) {
        const std::size_t begin = group.stamped().size();
        results.push_back(p.plain ? group.run(*p.plain, now, &h) : group.run(p.command, now, &h));
        spans.emplace_back(begin, group.stamped().size());
      }
    }
    for (const StampedEvent& s : group.stamped()) {
      if (rc != 0) break;
      std::string key = seq_key(s.event.seq);
      MDB_val k = as_val(key), v = as_val(group.record(s));
      rc = mdb_put(txn, events_dbi, &k, &v, MDB_APPEND);
      if (rc != 0) break;
    }
    if (rc == 0 && (!group.stamped().empty() || caught_up)) {
      if (opt.folder) opt.folder->save(table);
      rc = table.error;
      if (rc == 0) {
        std::string hv = encode_head(h);
        MDB_val k = as_val("head"), v = as_val(hv);
        rc = mdb_put(txn, meta_dbi, &k, &v, 0);
      }
    }
    if (rc == 0) {
      // Set before the commit: readers see the group as soon as LMDB writes its meta page.
      std::uint64_t before = 0;
      if (!group.stamped().empty()) {
        MutexLock lock(&mu);
        before = committed_through;
        committed_through = group.stamped().back().event.seq;
      }
      rc = mdb_txn_commit(txn);
      if (rc != 0 && !group.stamped().empty()) {
        MutexLock lock(&mu);
        committed_through = before;
      }
    } else {
      mdb_txn_abort(txn);
    }
    guard.unlock();
    if (rc == 0) {
      ++commit_count;
      if (opt.folder) opt.folder->committed();
      break;
    }
    if (opt.folder) resync_folder_after_abort();
    if (rc == MDB_MAP_FULL && attempt < 40) {
      Status g = grow_map();
      if (g.is_ok()) {
        give_back_drafts(batch, spans);
        continue;
      }
      failure = g;
    } else {
      failure = write_error(opt.dir, rc, "event log write failed");
    }
    break;
  }
  GroupOutcome out;
  out.committed = failure.is_ok();
  out.failure = failure;
  out.results = std::move(results);
  if (out.committed) {
    out.stamped = group.release();
    if (!out.stamped.empty()) out.last_seq = out.stamped.back().event.seq;
  }
  out.batch = std::move(batch);
  flusher->hand_over(std::move(out));
}

// Called by the flusher, after every group it answers next was committed: one fsync makes
// all of them durable (their data pages were flushed in the commit; this writes out the meta
// page MDB_NOMETASYNC left unflushed).
Status LmdbEventLog::Impl::flush() {
  // Shared against a map resize: mdb_env_sync() reads the meta page through the map.
  std::shared_lock<std::shared_mutex> guard(resize_mu);
  const int rc = mdb_env_sync(env, 1);
  if (rc == 0) return Status::ok();
  return Status::io_error("event log " + opt.dir + ": flushing to disk failed (" + mdb_error(rc) +
                          "); the last appends are in the log but may not be durable");
}

void LmdbEventLog::Impl::mark_durable(std::uint64_t seq) {
  {
    MutexLock lock(&mu);
    if (seq > durable_through) durable_through = seq;
    if (seq > local_head) local_head = seq;
  }
  appended.notify_all();
}

// The commands of `batch` run again after an aborted transaction: plain appends moved their
// drafts into the stamped events (PlainAppend), so they get them back first.
void LmdbEventLog::Impl::give_back_drafts(std::deque<Pending>& batch,
                                          const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  for (std::size_t i = 0; i < batch.size() && i < spans.size(); ++i) {
    if (spans[i].first == spans[i].second) continue;
    PlainAppend* plain =
        batch[i].plain ? &*batch[i].plain : batch[i].command.target<PlainAppend>();
    if (plain) {
      plain->batch().clear();
      group.return_drafts(spans[i].first, spans[i].second, &plain->batch());
    }
  }
}

void LmdbEventLog::Impl::stop() {
  {
    MutexLock lock(&mu);
    stopping = true;
  }
  cv.notify_all();
  if (writer.joinable()) writer.join();
  if (flusher) flusher->stop();
}

Result<std::unique_ptr<LmdbEventLog>> LmdbEventLog::open(LmdbLogOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  Status s = impl->open();
  if (!s.is_ok()) return s;
  return std::unique_ptr<LmdbEventLog>(new LmdbEventLog(std::move(impl)));
}

LmdbEventLog::LmdbEventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LmdbEventLog::~LmdbEventLog() = default;

std::future<Result<AppendResult>> LmdbEventLog::submit(Command command) {
  return impl_->enqueue(Pending{std::move(command), std::nullopt, nullptr});
}

std::future<Result<AppendResult>> LmdbEventLog::submit_append(
    std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq) {
  return impl_->enqueue(Pending{Command(), PlainAppend(std::move(batch), expected_last_seq), nullptr});
}

std::future<Result<AppendResult>> LmdbEventLog::Impl::enqueue(Pending pending) {
  pending.ticket = std::make_shared<Ticket>();
  Ticket* ticket = pending.ticket.get();
  auto future = std::async(std::launch::deferred, [ticket = pending.ticket, answers = answers] {
    return await_answer(*answers, *ticket);
  });
  {
    MutexLock lock(&mu);
    if (stopping) {
      ticket->result.emplace(Status::unavailable("the event log is closing"));
      ticket->done.store(true, std::memory_order_release);
      return future;
    }
    queue.push_back(std::move(pending));
  }
  cv.notify_one();
  return future;
}

std::uint64_t LmdbEventLog::last_seq() {
  std::uint64_t seq = 0;
  (void)impl_->with_read([&](MDB_txn* txn) {
    auto h = impl_->read_head(txn);
    if (h.ok()) seq = h->seq;
    return Status::ok();
  });
  return seq;
}

Hash256 LmdbEventLog::last_hash() {
  Hash256 hash{};
  (void)impl_->with_read([&](MDB_txn* txn) {
    auto h = impl_->read_head(txn);
    if (h.ok()) hash = h->hash;
    return Status::ok();
  });
  return hash;
}

Status LmdbEventLog::scan_records(std::uint64_t from, std::uint64_t to,
                                  const std::function<bool(std::uint64_t, std::string_view)>& fn) {
  return impl_->with_read([&](MDB_txn* txn) {
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn, impl_->events_dbi, &cur);
    if (rc != 0) return Status::io_error("cannot read the event log: " + mdb_error(rc));
    std::string start = seq_key(from);
    MDB_val k = as_val(start), v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    while (rc == 0) {
      std::uint64_t seq = key_seq(k);
      if (seq > to || !fn(seq, as_view(v))) break;
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND) return Status::io_error("event log read failed: " + mdb_error(rc));
    return Status::ok();
  });
}

Result<std::vector<Event>> LmdbEventLog::read(std::uint64_t from, std::uint64_t to, std::size_t limit) {
  std::vector<Event> out;
  Status bad = Status::ok();
  Status s = scan_records(from, to, [&](std::uint64_t seq, std::string_view record) {
    auto e = decode_record(record);
    if (!e.ok()) {
      bad = Status::corruption("event " + std::to_string(seq) + ": " + e.status().message());
      return false;
    }
    out.push_back(std::move(e).value());
    return out.size() < limit;
  });
  if (!s.is_ok()) return s;
  if (!bad.is_ok()) return bad;
  return out;
}

Result<std::uint64_t> LmdbEventLog::seq_at_time(std::int64_t time_us) {
  std::uint64_t lo = 1, hi = last_seq() + 1;  // answer in [lo, hi]
  while (lo < hi) {
    std::uint64_t mid = lo + (hi - lo) / 2;
    auto events = read(mid, mid, 1);
    if (!events.ok()) return events.status();
    if (events->empty()) return Status::corruption("event " + std::to_string(mid) + " is missing");
    if (events->front().time_us >= time_us) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

Status LmdbEventLog::read_state(const std::function<void(std::uint64_t, StateTable&)>& fn) {
  return impl_->with_read([&](MDB_txn* txn) {
    auto head = impl_->read_head(txn);
    if (!head.ok()) return head.status();
    LmdbStateTable table(txn, impl_->state_dbi);
    fn(head->seq, table);
    return Status::ok();
  });
}

std::uint64_t LmdbEventLog::Impl::durable_head() {
  std::uint64_t head = 0;
  (void)with_read([&](MDB_txn* txn) {
    auto h = read_head(txn);
    if (h.ok()) head = h->seq;
    return Status::ok();
  });
  // A group this process committed but has not flushed yet is not reported: a reader woken
  // here (the bus) must not publish what a power cut could still take back.
  MutexLock lock(&mu);
  if (committed_through > durable_through) head = std::min(head, durable_through);
  return head;
}

std::uint64_t LmdbEventLog::wait_for_append(std::uint64_t after_seq,
                                            std::chrono::milliseconds timeout) {
  std::uint64_t head = impl_->durable_head();
  if (head > after_seq) return head;
  {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(&impl_->mu);
    while (impl_->local_head <= after_seq && !impl_->stopping &&
           impl_->appended.wait_until(&impl_->mu, deadline)) {
    }
  }
  return impl_->durable_head();
}

void LmdbEventLog::close() { impl_->stop(); }

std::size_t LmdbEventLog::map_bytes() {
  MDB_envinfo info;
  mdb_env_info(impl_->env, &info);
  return info.me_mapsize;
}

std::uint64_t LmdbEventLog::commits() { return impl_->commit_count.load(); }

}  // namespace distsync
