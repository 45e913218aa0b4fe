// distsync_atomic_floor SRC DST [THREADS [BATCH_FILES]]: the floor of an atomic, durable copy.
//
// Copies every regular file under SRC to the same relative path under DST the way distsync's
// copy protocol does (docs/sync.md), with nothing else: per file, a named temp beside its
// target, read and written through one buffer, its mode and times set, closed; per batch of
// BATCH_FILES files, one syncfs, a renameat2(RENAME_NOREPLACE) per file and one fsync per
// folder. THREADS threads take batches from one queue, as distsync's copy workers do. No
// hashing, no events, no daemon: what any copier that never shows a half-written file under
// its final name, and reports a file only once it is durable, pays on this file system.
// sync_bench.sh runs it beside distsync and `cp -a && sync -f`. DST must not exist.
// Prints "atomic_floor FILES files BYTES bytes SECONDS s"; exit 1 on any failure (one line
// naming the file and the cause), 2 on usage. Not a test.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "distsync_atomic_floor: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

// The relative paths of the regular files under root/rel, and its folders, made under dst.
void walk(const std::string& root, const std::string& rel, const std::string& dst,
          std::vector<std::string>* files) {
  const std::string dir = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) die("cannot read " + dir);
  const std::string made = rel.empty() ? dst : dst + "/" + rel;
  if (::mkdir(made.c_str(), 0755) != 0) die("cannot create " + made);
  std::vector<std::string> folders;
  while (struct dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = rel.empty() ? name : rel + "/" + name;
    if (e->d_type == DT_DIR) folders.push_back(path);
    if (e->d_type == DT_REG) files->push_back(path);
  }
  ::closedir(d);
  for (const std::string& f : folders) walk(root, f, dst, files);
}

std::string folder_of(const std::string& path) { return path.substr(0, path.rfind('/')); }

struct Copied {
  std::string temp;
  std::string target;
};

Copied write_temp(const std::string& source, const std::string& target, std::size_t serial,
                  std::vector<char>& buffer, std::uint64_t* bytes) {
  const int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) die("cannot open " + source);
  struct stat st;
  if (::fstat(in, &st) != 0) die("cannot stat " + source);
  Copied c{folder_of(target) + "/.floor-" + std::to_string(serial) + ".tmp", target};
  const int out = ::open(c.temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) die("cannot create " + c.temp);
  for (off_t at = 0; at < st.st_size;) {
    const ssize_t n = ::pread(in, buffer.data(), buffer.size(), at);
    if (n == 0) errno = ENODATA;  // shorter than its stat said: changed while copied
    if (n <= 0) die("cannot read " + source);
    for (ssize_t w = 0; w < n;) {
      const ssize_t k = ::pwrite(out, buffer.data() + w, static_cast<std::size_t>(n - w), at + w);
      if (k < 0) die("cannot write " + c.temp);
      w += k;
    }
    at += n;
  }
  (void)::fchmod(out, st.st_mode & 0777);
  const struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::futimens(out, times) != 0) die("cannot set the times of " + c.temp);
  if (::close(out) != 0) die("cannot close " + c.temp);
  ::close(in);
  *bytes += static_cast<std::uint64_t>(st.st_size);
  return c;
}

void fsync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) die("cannot sync " + folder);
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: distsync_atomic_floor SRC DST [THREADS [BATCH_FILES]]\n");
    return 2;
  }
  const std::string src = argv[1], dst = argv[2];
  const int threads = argc > 3 ? std::atoi(argv[3]) : 4;
  const int batch_files = argc > 4 ? std::atoi(argv[4]) : 2048;
  if (threads < 1 || batch_files < 1) {
    std::fprintf(stderr, "distsync_atomic_floor: THREADS and BATCH_FILES must be positive\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> files;
  walk(src, "", dst, &files);
  const int root_fd = ::open(dst.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) die("cannot open " + dst);
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> total_bytes{0};
  auto worker = [&] {
    std::vector<char> buffer(1 << 20);
    std::uint64_t bytes = 0;
    for (;;) {
      const std::size_t first = next.fetch_add(static_cast<std::size_t>(batch_files));
      if (first >= files.size()) break;
      const std::size_t end = std::min(first + static_cast<std::size_t>(batch_files), files.size());
      std::vector<Copied> batch;
      std::set<std::string> folders;
      for (std::size_t i = first; i < end; ++i) {
        batch.push_back(write_temp(src + "/" + files[i], dst + "/" + files[i], i, buffer, &bytes));
        folders.insert(folder_of(batch.back().target));
      }
      if (::syncfs(root_fd) != 0) die("cannot sync the file system of " + dst);
      for (const Copied& c : batch) {
        if (::renameat2(AT_FDCWD, c.temp.c_str(), AT_FDCWD, c.target.c_str(), RENAME_NOREPLACE) !=
            0) {
          die("cannot rename " + c.temp + " to " + c.target);
        }
      }
      for (const std::string& f : folders) fsync_folder(f);
    }
    total_bytes += bytes;
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  // The folders' own entries (made by the walk) are durable too.
  if (::syncfs(root_fd) != 0) die("cannot sync the file system of " + dst);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("atomic_floor %zu files %llu bytes %.3f s\n", files.size(),
              static_cast<unsigned long long>(total_bytes.load()), seconds);
  return 0;
}
