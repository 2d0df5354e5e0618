// Where a program's log lines go, and how they look.
//
// Always to stderr. Run by systemd with stderr connected to the journal
// (JOURNAL_STREAM names stderr's device:inode, systemd.exec(5)), each line
// starts with its syslog priority, "<3>" for an error (sd-daemon(3)), so
// `journalctl -p warning` finds warnings and errors, and carries no timestamp
// (the journal stamps each line). Elsewhere: an ISO 8601 time, the level and
// the program's name.
#pragma once

#include <string>

namespace mpp {

// True when stderr is the journal's stream (JOURNAL_STREAM matches it).
bool StderrIsJournal();

// The default logger for `program` at `level` (trace ... error), and
// protobuf's messages routed to it.
void SetUpLogging(const std::string& program, const std::string& level);

}  // namespace mpp
