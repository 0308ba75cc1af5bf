// The corpus replay driver: a main() for a libFuzzer target that feeds it every file under
// the directories (or the files) given, once each, each in a child process of its own so
// that one crash does not hide the next. Built with the normal compiler, so the plain test
// suite runs every corpus input, the regression inputs of past findings among them,
// without clang or libFuzzer. It names every input that fails and exits 1 if any did.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else {
      inputs.push_back(arg);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::fprintf(stderr, "no corpus inputs given\n");
    return 1;
  }
  std::vector<std::string> failed;
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 1;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fflush(nullptr);
    const pid_t child = ::fork();
    if (child == 0) {
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      std::exit(0);  // atexit handlers run: a target may clean up after itself
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      const auto how = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                           : "exit " + std::to_string(WEXITSTATUS(status));
      std::fprintf(stderr, "FAILED (%s): %s (%zu bytes)\n", how.c_str(), path.c_str(),
                   bytes.size());
      failed.push_back(path.string());
    }
  }
  std::printf("replayed %zu inputs, %zu failed\n", inputs.size(), failed.size());
  for (const auto& path : failed) std::printf("  failed: %s\n", path.c_str());
  return failed.empty() ? 0 : 1;
}
