#include <fstream>
#include <iostream>
#include <string>

#include "agent/commands.h"
#include "exporters/file/chain.h"

namespace tripline {
namespace {

constexpr const char* kUsage =
    "usage: tripline verify [--continued] FILE...\n"
    "  checks the SHA-256 chain of alert files written with `chain: true`; give rotated files\n"
    "  oldest first. --continued: the first file continues a chain begun in a file no longer\n"
    "  at hand, so its first link is not checked against the genesis value.\n";

}  // namespace

// tripline verify [--continued] FILE...: exit 0 when every link holds, 1 at the first broken
// link (reported with file, line, expected and actual hash), 2 on usage errors and unreadable
// files.
int verify_command(const std::vector<std::string>& args) {
  bool continued = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--continued") {
      continued = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return kExitOk;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "tripline verify: unknown option " << a << "\n" << kUsage;
      return kExitUsage;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  ChainVerifier verifier(continued ? std::string() : chain_genesis_hash());
  for (size_t f = 0; f < files.size(); ++f) {
    std::ifstream in(files[f], std::ios::binary);
    if (!in) {
      std::cerr << "tripline verify: cannot read " << files[f] << "\n";
      return kExitUsage;
    }
    std::string line;
    uint64_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (in.eof()) {
        // No newline after it: a write in progress or cut short by a crash; the agent cuts such
        // a record off at its next start and writes it again.
        std::cout << files[f] << ":" << number
                  << ": note: incomplete last record (no newline); not checked\n";
        break;
      }
      const std::string expected = verifier.expected();
      if (!verifier.feed(line)) {
        std::cout << files[f] << ":" << number << ": " << verifier.error() << "\n"
                  << "  expected prev_sha256: "
                  << (expected.empty() ? std::string("(any)") : expected) << "\n"
                  << "  actual prev_sha256:   "
                  << (verifier.actual().empty() ? std::string("(none)") : verifier.actual())
                  << "\n";
        if (number > 1) {
          std::cout << "  the expected value is the SHA-256 of line " << number - 1
                    << "; that line or this one was edited, or lines between them were deleted, "
                       "inserted or reordered\n";
        } else if (f == 0) {
          std::cout << "  the first record must link to the genesis value (SHA-256 of \""
                    << kChainGenesis
                    << "\"); earlier records were removed, or pass --continued for a file that "
                       "continues a rotated one\n";
        } else {
          std::cout << "  the expected value is the SHA-256 of the last line of " << files[f - 1]
                    << "\n";
        }
        return kExitFailure;
      }
    }
  }
  std::cout << "OK: " << verifier.records() << " records, chain intact; head sha256 "
            << (verifier.head().empty() ? std::string("(none)") : verifier.head()) << "\n";
  return kExitOk;
}

}  // namespace tripline
