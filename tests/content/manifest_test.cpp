#include "daemon/content/manifest.h"

#include <gtest/gtest.h>

#include <map>

#include "daemon/content/hash_cache.h"
#include "daemon/content/sha256_file.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

// A small console tree: path -> content.
std::map<std::string, std::string> make_console(const std::string& root) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 12; ++i) {
    std::string name = "Patches/windows10.0-kb40000" + std::to_string(10 + i) + "-x64.msu";
    files[name] = testing::pattern_bytes(1000 + 977 * static_cast<std::size_t>(i), i);
  }
  files["DataFiles/definition_00.xml"] = "<defs/>";
  files["DataFiles/Engines/engine_0.dll"] = testing::pattern_bytes(70000, 99);
  files["DataFiles/empty.dat"] = "";
  for (const auto& [rel, data] : files) testing::write_file(root + "/" + rel, data);
  return files;
}

std::vector<std::string> paths_of(const Manifest& m) {
  std::vector<std::string> out;
  for (const FileEntry& e : m.files) out.push_back(e.path);
  return out;
}

TEST(ManifestTest, ListsEveryFileWithSizeMtimeAndHash) {
  TempDir dir;
  auto files = make_console(dir.path());
  Result<Manifest> m = build_manifest(dir.path());
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  ASSERT_EQ(m->files.size(), files.size());
  EXPECT_TRUE(m->rejected.empty());
  EXPECT_EQ(m->hashed, files.size());
  std::uint64_t total = 0;
  auto expected = files.begin();
  for (const FileEntry& e : m->files) {  // sorted like the std::map
    EXPECT_EQ(e.path, expected->first);
    EXPECT_EQ(e.size, expected->second.size());
    EXPECT_EQ(e.sha256, sha256_hex(expected->second));
    EXPECT_EQ(e.mtime_ns, testing::mtime_ns(dir.sub(e.path)));
    EXPECT_NE(e.inode, 0u);
    total += e.size;
    ++expected;
  }
  EXPECT_EQ(m->total_bytes, total);
  ASSERT_NE(m->find("DataFiles/empty.dat"), nullptr);
  EXPECT_EQ(m->find("DataFiles/empty.dat")->sha256, sha256_hex(""));
  EXPECT_EQ(m->find("nope"), nullptr);
}

TEST(ManifestTest, SkipsTempFiles) {
  TempDir dir;
  testing::write_file(dir.sub("Patches/kb1.msu"), "x");
  testing::write_file(dir.sub("Patches/.distsync-0123456789abcdef.distsync-tmp"), "partial");
  testing::write_file(dir.sub("Patches/kb2.msu.distsync-tmp"), "partial");
  testing::write_file(dir.sub(".distsync-hash-cache"), "not content");
  Result<Manifest> m = build_manifest(dir.path());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(paths_of(*m), std::vector<std::string>{"Patches/kb1.msu"});
  EXPECT_TRUE(m->rejected.empty());
}

TEST(ManifestTest, RejectsUnsafeNamesAndEscapingSymlinks) {
  TempDir dir;
  TempDir outside;
  std::string root = dir.sub("root");
  testing::write_file(root + "/ok.msu", "fine");
  testing::write_file(root + "/bad\x01name.msu", "ctl");
  testing::write_file(root + "/back\\slash.cab", "bs");
  testing::write_file(root +
                          "/sub/bad\x1f"
                          "dir/inner.msu",
                      "in");
  testing::write_file(outside.sub("secret"), "do not copy");
  testing::write_file(root + "/real/target.msu", "linked content");
  fs::create_symlink(outside.sub("secret"), root + "/escape.msu");
  fs::create_symlink("../../" + fs::path(outside.path()).filename().string(), root + "/escdir");
  fs::create_symlink("real", root + "/linkdir");
  fs::create_symlink("..", root + "/real/loop");
  fs::create_symlink("real/target.msu", root + "/inside.msu");
  fs::create_symlink("does-not-exist", root + "/dangling.msu");
  ::mkfifo((root + "/pipe").c_str(), 0600);

  Result<Manifest> m = build_manifest(root);
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_EQ(paths_of(*m), (std::vector<std::string>{"inside.msu", "linkdir/target.msu", "ok.msu",
                                                    "real/target.msu"}));
  const FileEntry* in = m->find("inside.msu");
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->sha256, sha256_hex("linked content"));  // followed to the file it names

  std::map<std::string, std::string> rejected;
  for (const RejectedEntry& r : m->rejected) rejected[r.path] = r.reason;
  EXPECT_EQ(rejected["bad\x01name.msu"], "control character 0x01 in name");
  EXPECT_EQ(rejected["back\\slash.cab"], "backslash in name");
  EXPECT_EQ(rejected["sub/bad\x1f"
                     "dir"],
            "control character 0x1f in name");
  EXPECT_EQ(rejected["escape.msu"], "symlink leaves the content root");
  EXPECT_EQ(rejected["dangling.msu"], "dangling symlink");
  EXPECT_EQ(rejected["pipe"], "not a regular file");
  EXPECT_EQ(rejected["escdir"], "symlink leaves the content root");
  EXPECT_EQ(rejected["real/loop"], "symlink loop");
  EXPECT_EQ(rejected["linkdir/loop"], "symlink loop");
  EXPECT_EQ(rejected.size(), 9u);
}

TEST(ManifestTest, HashCacheHitsAndMisses) {
  TempDir dir;
  auto files = make_console(dir.sub("root"));
  ManifestOptions opts;
  opts.cache_path = dir.sub("hash-cache");

  Result<Manifest> first = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->hashed, files.size());
  EXPECT_EQ(first->cache_hits, 0u);
  ASSERT_TRUE(fs::exists(opts.cache_path));

  Result<Manifest> second = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->hashed, 0u);
  EXPECT_EQ(second->cache_hits, files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(second->files[i].sha256, first->files[i].sha256);
  }

  // Same size, new mtime and new content: only that file is hashed again.
  std::string changed = dir.sub("root/DataFiles/definition_00.xml");
  std::int64_t old_mtime = testing::mtime_ns(changed);
  testing::write_file(changed, "<DEFS>");
  testing::set_mtime_ns(changed, old_mtime + 1);
  Result<Manifest> third = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->hashed, 1u);
  EXPECT_EQ(third->find("DataFiles/definition_00.xml")->sha256, sha256_hex("<DEFS>"));

  // A removed file leaves the cache; the rest still hit.
  fs::remove(dir.sub("root/DataFiles/empty.dat"));
  Result<Manifest> fourth = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(fourth->hashed, 0u);
  EXPECT_EQ(fourth->files.size(), files.size() - 1);
}

TEST(ManifestTest, CorruptCacheIsRebuiltNotFatal) {
  TempDir dir;
  auto files = make_console(dir.sub("root"));
  ManifestOptions opts;
  opts.cache_path = dir.sub("hash-cache");
  ASSERT_TRUE(build_manifest(dir.sub("root"), opts).ok());
  std::string text = testing::read_file(opts.cache_path);
  text[text.size() / 2] ^= 0x55;
  testing::write_file(opts.cache_path, text);

  Result<Manifest> rebuilt = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().to_string();
  EXPECT_EQ(rebuilt->hashed, files.size());
  Result<Manifest> after = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->hashed, 0u);  // the rewritten cache is valid again
}

TEST(ManifestTest, TruncatedCacheIsReportedAndRebuilt) {
  TempDir dir;
  auto files = make_console(dir.sub("root"));
  ManifestOptions opts;
  opts.cache_path = dir.sub("hash-cache");
  ASSERT_TRUE(build_manifest(dir.sub("root"), opts).ok());
  std::string bytes = testing::read_file(opts.cache_path);
  testing::write_file(opts.cache_path, bytes.substr(0, bytes.size() - 10));

  Result<Manifest> rebuilt = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().to_string();
  EXPECT_EQ(rebuilt->hashed, files.size());  // a miss is a re-hash, never a wrong skip
  EXPECT_NE(rebuilt->cache_problem.find("hash-cache"), std::string::npos) << rebuilt->cache_problem;
  Result<Manifest> after = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->hashed, 0u);
  EXPECT_TRUE(after->cache_problem.empty()) << after->cache_problem;
}

TEST(ManifestTest, OldTextCacheKeepsItsHashesAndIsRewritten) {
  TempDir dir;
  auto files = make_console(dir.sub("root"));
  ManifestOptions opts;
  opts.cache_path = dir.sub("hash-cache");
  ASSERT_TRUE(build_manifest(dir.sub("root"), opts).ok());
  const std::string real_root = fs::canonical(dir.sub("root")).string();
  HashCache v2 = HashCache::load(opts.cache_path, real_root);
  ASSERT_TRUE(v2.load_status().is_ok()) << v2.load_status().to_string();
  testing::write_file(opts.cache_path, v2.serialize_v1());  // what an older distsync wrote

  Result<Manifest> m = build_manifest(dir.sub("root"), opts);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->hashed, 0u);
  EXPECT_EQ(m->cache_hits, files.size());
  EXPECT_TRUE(testing::read_file(opts.cache_path).starts_with("distsync-hash-cache 2\n"));
  EXPECT_EQ(testing::read_file(opts.cache_path), v2.serialize());
}

TEST(ManifestTest, QuickManifestAndLazyHash) {
  TempDir dir;
  testing::write_file(dir.sub("a.msu"), "aaaa");
  ManifestOptions opts;
  opts.hash = false;
  Result<Manifest> m = build_manifest(dir.path(), opts);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->hashed, 0u);
  EXPECT_TRUE(m->files[0].sha256.empty());
  FileEntry e = m->files[0];
  ASSERT_TRUE(fill_hash(dir.path(), &e).is_ok());
  EXPECT_EQ(e.sha256, sha256_hex("aaaa"));

  testing::write_file(dir.sub("a.msu"), "longer now");
  FileEntry stale = m->files[0];
  EXPECT_EQ(fill_hash(dir.path(), &stale).code(), Status::Code::kConflict);
}

TEST(ManifestTest, QuietPeriodSkipsFilesStillBeingWritten) {
  TempDir dir;
  const std::int64_t now = 1'700'000'000'000'000'000;
  const std::int64_t second = 1'000'000'000;
  testing::write_file(dir.sub("old.msu"), "o");
  testing::write_file(dir.sub("fresh.msu"), "f");
  testing::set_mtime_ns(dir.sub("old.msu"), now - 60 * second);
  testing::set_mtime_ns(dir.sub("fresh.msu"), now - 2 * second);
  ManifestOptions opts;
  opts.now_ns = now;
  opts.quiet_period_ns = 10 * second;
  Result<Manifest> m = build_manifest(dir.path(), opts);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(paths_of(*m), std::vector<std::string>{"old.msu"});
  EXPECT_EQ(m->settling, std::vector<std::string>{"fresh.msu"});

  opts.quiet_period_ns = 0;  // off: everything listed
  Result<Manifest> all = build_manifest(dir.path(), opts);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->files.size(), 2u);
}

TEST(ManifestTest, BadRootsAndCancellation) {
  TempDir dir;
  EXPECT_EQ(build_manifest(dir.sub("missing")).status().code(), Status::Code::kNotFound);
  testing::write_file(dir.sub("file"), "x");
  EXPECT_EQ(build_manifest(dir.sub("file")).status().code(), Status::Code::kInvalidArgument);
  std::atomic<bool> cancel{true};
  ManifestOptions opts;
  opts.cancel = &cancel;
  EXPECT_EQ(build_manifest(dir.path(), opts).status().code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace distsync
