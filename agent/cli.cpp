#include "agent/cli.h"

#include <iostream>

#include "agent/commands.h"

namespace tripline {

std::string usage_text() {
  return R"(usage:
  tripline run      [-c FILE]          run the agent
  tripline check    [-c FILE]          validate config and every rule it loads
  tripline rules lint  PATH...         compile rules; report errors and unsupported features
  tripline rules test  PATH...         run the tests embedded in rules
  tripline replay   --rules PATH... [--format auto|jsonl|cloudtrail|syslog|k8s-audit]
                    [--logsource PRODUCT[/SERVICE] | --logsource product=P,service=S,category=C]
                    FILE...            evaluate rules over files (also .gz) offline
  tripline iam diff BASELINE SNAPSHOT  IAM snapshot drift (get-account-authorization-details JSON)
  tripline verify   [--continued] FILE...
                                       check the SHA-256 chain of alert files (file output with
                                       chain: true); exit 1 at the first broken link
  tripline version
)";
}

int cli_main(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cerr << usage_text();
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "run") return run_command(rest);
  if (command == "check") return check_command(rest);
  if (command == "replay") return replay_command(rest);
  if (command == "rules") return rules_command(rest);
  if (command == "iam") return iam_command(rest);
  if (command == "verify") return verify_command(rest);
  if (command == "version" || command == "--version") return version_command(rest);
  std::cerr << "tripline: unknown command '" << command << "'\n" << usage_text();
  return kExitUsage;
}

}  // namespace tripline
