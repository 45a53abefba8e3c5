#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "agent/commands.h"
#include "collectors/iam/iam_diff.h"
#include "exporters/fd_writer.h"

namespace tripline {
namespace {

bool load(const std::string& path, IamSnapshot& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "tripline iam diff: cannot read " << path << "\n";
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string error;
  if (!parse_iam_snapshot(ss.str(), out, error)) {
    std::cerr << "tripline iam diff: " << path << ": " << error << "\n";
    return false;
  }
  return true;
}

}  // namespace

// tripline iam diff BASELINE SNAPSHOT: one JSON finding per line on stdout for every way the
// snapshot grants more than the baseline; exit 0 without drift, 1 with drift, 2 on bad input.
int iam_command(const std::vector<std::string>& args) {
  if (args.size() != 3 || args[0] != "diff") {
    std::cerr << "usage: tripline iam diff BASELINE SNAPSHOT   (aws iam "
                 "get-account-authorization-details JSON documents)\n";
    return kExitUsage;
  }
  IamSnapshot baseline, snapshot;
  if (!load(args[1], baseline) || !load(args[2], snapshot)) return kExitUsage;
  const std::vector<IamFinding> findings = diff_iam(baseline, snapshot);
  std::string out;
  for (const IamFinding& f : findings) out += f.to_json() + "\n";
  write_all(STDOUT_FILENO, out);
  std::cerr << "iam diff: " << findings.size() << " finding(s)\n";
  return findings.empty() ? kExitOk : kExitFailure;
}

}  // namespace tripline
