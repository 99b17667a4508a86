// Ctrl-C: SIGINT during a long forward pass cancels it cleanly: exit 130, one stderr line, no
// output file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "tests/app/cli/cli_test_util.h"

namespace seqlens::testing {
namespace {

// Starts seqlens-cli with SIGINT at its default disposition, cwd = `dir`, stderr to err_path.
pid_t spawn_cli(const std::vector<std::string>& args, const std::filesystem::path& dir,
                const std::filesystem::path& err_path) {
  // Everything that allocates happens before fork.
  std::string exe = SEQLENS_CLI_PATH;
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  argv.push_back(exe.data());
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string cwd = dir.string(), err_file = err_path.string();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::signal(SIGINT, SIG_DFL);
  if (::chdir(cwd.c_str()) != 0) ::_exit(126);
  const int devnull = ::open("/dev/null", O_RDWR);
  const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(devnull, 0);
  ::dup2(devnull, 1);
  ::dup2(err, 2);
  ::execv(exe.c_str(), argv.data());
  ::_exit(127);
}

TEST(Cancel, SigintDuringForwardExitsWith130AndLeavesNoFile) {
  TempDir dir;
  TempDir logs;
  // About 4 s of Mamba-1 forward on one core: long enough to interrupt.
  std::string ids;
  for (int i = 0; i < 20000; ++i) ids += std::to_string(i % 256) + " ";
  write_text(dir / "ids.txt", ids);
  const auto err_path = logs / "err.txt";
  const pid_t pid = spawn_cli({"run", "--model", "mamba1-tiny", "--tokens", "@ids.txt", "--record",
                               "ssm.delta", "--out", "c.npz"},
                              dir.path(), err_path);
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) {
    GTEST_SKIP() << "the run finished before it could be interrupted";
  }
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  if (WEXITSTATUS(status) == 0) GTEST_SKIP() << "the run finished as the signal arrived";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const std::string err = read_text(err_path);
  EXPECT_EQ(err, "seqlens-cli: error: cancelled\n");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"ids.txt"});
}

}  // namespace
}  // namespace seqlens::testing
