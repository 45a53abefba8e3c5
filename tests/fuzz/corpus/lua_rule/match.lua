rule {
  id = "ssh-root-from-outside", title = "Root login from outside", sev = "SEV1",
  logsource = { product = "linux", service = "sshd" }, tags = { "attack.t1078" },
  match = function(event)
    return event["user.name"] == "root" and not cidr_match(event["source.ip"], "10.0.0.0/8")
  end,
  tests = { { name = "root", expect = "match", log = { "Jan  1 00:03:05 web1 sshd[4242]: Accepted publickey for root from 198.51.100.23 port 52145 ssh2" } } },
}
