// mppctl end to end: the real CLI binary against the real broker.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

using nlohmann::json;

using Result = CommandResult;

Result Ctl(const std::string& broker, const std::string& args) {
  return RunCommand(std::string(MPP_CTL_BIN) + " --broker " + broker + " " + args + " 2>&1");
}

json Json(const Result& r) {
  try {
    return json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << r.out;
    return json::object();
  }
}

class MppctlTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.Start()); }
  Result Run(const std::string& args) { return Ctl(broker_.command_endpoint(), args); }
  TempDir dir_;
  BrokerProcess broker_{dir_};
};

// The one way to copy a live database: consistent with what is still in the
// -wal file, 0600, never over an existing file, and a broker starts on it.
TEST_F(MppctlTest, ABackupOfTheLiveDatabaseHasEveryAcknowledgedTicket) {
  for (int i = 0; i < 30; ++i) ASSERT_EQ(Json(Run("--json issue KTP-REKAM"))["ok"], true);
  // The broker is running: its last tickets are in mpp.db-wal, not yet in mpp.db.
  const std::string copy = dir_.File("backup/mpp-2026-11-30.db");
  std::filesystem::create_directories(dir_.File("backup"));
  const Result r = Run("backup --db " + broker_.db_path() + " --to " + copy);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("30 tickets"), std::string::npos) << r.out;
  struct stat st {};
  ASSERT_EQ(stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const Result again = Run("backup --db " + broker_.db_path() + " --to " + copy);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.out.find("never overwrites"), std::string::npos) << again.out;
  // A broker serves the copy: every ticket there, numbering goes on.
  TempDir other;
  std::filesystem::copy_file(copy, other.File("mpp.db"));
  BrokerProcess restored(other);
  ASSERT_TRUE(restored.Start());
  TestClient c(restored.command_endpoint());
  EXPECT_EQ(c.Status().tickets_today(), 30);
  EXPECT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-031");
}

// The nightly timer's backup: into a folder, named by the time, keeping the
// newest N and deleting older ones (and leftovers of an unfinished backup),
// never anything else in the folder.
TEST_F(MppctlTest, NightlyBackupsIntoAFolderKeepTheNewestN) {
  ASSERT_EQ(Json(Run("--json issue KTP-REKAM"))["ok"], true);
  const std::string folder = dir_.File("backups");
  std::filesystem::create_directories(folder);
  // Three older nights (any SQLite file will do for pruning), a leftover and a stranger.
  for (const char* old : {"mpp-20261101-223000.db", "mpp-20261102-223000.db",
                          "mpp-20261103-223000.db", "mpp-20261104-223000.db.partial",
                          "notes.txt"}) {
    std::ofstream(folder + "/" + old) << "x";
  }
  const Result r = Run("--json backup --db " + broker_.db_path() + " --to " + folder + "/ --keep 2");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json j = Json(r);
  const std::string made = j["file"];
  EXPECT_EQ(j["tickets"], 1);
  EXPECT_EQ(j["deleted"].size(), 3u) << j.dump();
  std::set<std::string> left;
  for (const auto& f : std::filesystem::directory_iterator(folder))
    left.insert(f.path().filename().string());
  EXPECT_EQ(left, (std::set<std::string>{"mpp-20261103-223000.db",
                                         std::filesystem::path(made).filename().string(),
                                         "notes.txt"}));
  EXPECT_EQ(std::filesystem::path(made).filename().string().size(), 22u) << made;
  // --keep without a folder is a usage error that says what to do.
  const Result bad = Run("backup --db " + broker_.db_path() + " --to " + dir_.File("one.db") +
                         " --keep 2");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("end it with /"), std::string::npos) << bad.out;
}

// --json is honoured by every command, and global flags may follow the
// subcommand.
TEST_F(MppctlTest, JsonEverywhereAndGlobalFlagsAfterTheSubcommand) {
  Result r = Run("status --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(Json(r).contains("status")) << r.out;
  r = Run("--json keys generate --dir " + dir_.File("k") + " --name device");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json(r)["public_key"].get<std::string>().size(), 40u) << r.out;
  r = Run("report --json --from 2026-11-30");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(Json(r).is_object()) << r.out;
}

// mppctl health for monitoring: 0 when healthy, 1 with each problem named
// (a WAL a reader keeps from being checkpointed, a disk below the floor), 3
// when the broker does not answer.
TEST_F(MppctlTest, HealthSaysWhatIsWrongAndExitsNonZero) {
  Result r = Run("health");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("OK", 0), 0u) << r.out;
  // A reader that never ends (an sqlite3 shell left open on the file) keeps
  // the checkpoints from copying what was written after it began.
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(broker_.db_path().c_str(), &reader, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM events;", nullptr, nullptr, nullptr),
            SQLITE_OK);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Json(Run("--json issue KTP-REKAM"))["ok"], true);
  EXPECT_TRUE(WaitFor(
      [&] {
        r = Run("health --checkpoint-behind-s 1");
        return r.exit_code == 1 && r.out.find("not been checkpointed") != std::string::npos;
      },
      15000))
      << r.out;
  EXPECT_NE(Run("status").out.find("frames not yet copied"), std::string::npos);
  sqlite3_exec(reader, "COMMIT;", nullptr, nullptr, nullptr);
  sqlite3_close(reader);
  EXPECT_TRUE(WaitFor([&] { return Run("health --checkpoint-behind-s 1").exit_code == 0; }, 15000));
  const json j = Json(Run("--json health"));
  EXPECT_EQ(j["ok"], true) << j.dump();
  // Gone: 3, as every command that gets no answer.
  broker_.Stop();
  r = Run("--timeout 500 health");
  EXPECT_EQ(r.exit_code, 3) << r.out;
}

TEST(MppctlHealth, ADiskBelowTheFloorIsAProblem) {
  TempDir dir;
  BrokerProcess::Options o;
  o.extra_args = {"--disk-floor-mb", "1048576"};  // 1 TB: this disk is "low"
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start());
  const Result r = Ctl(broker.command_endpoint(), "health");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("MB free on the database's disk"), std::string::npos) << r.out;
}

// Reports for the Ombudsman and KemenPAN-RB: a workbook with the SKM elements,
// and CSV that Excel with Indonesian settings opens right.
TEST_F(MppctlTest, ReportsAsAnExcelWorkbookAndAnIndonesianExcelCsv) {
  ASSERT_EQ(Run("operator add ani --pin 1234").exit_code, 0);
  ASSERT_EQ(Run("signin 1 ani --pin 1234").exit_code, 0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Json(Run("--json issue KTP-REKAM"))["ok"], true);
  ASSERT_EQ(Run("call 1").exit_code, 0);
  const std::string xlsx = dir_.File("laporan.xlsx");
  Result r = Run("report --from 2026-11-30 --format xlsx --out " + xlsx);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Result sheet = RunCommand("unzip -p " + xlsx + " xl/worksheets/sheet1.xml");
  ASSERT_EQ(sheet.exit_code, 0) << "not a workbook";
  // "issued" of KTP-REKAM is a number cell holding 3, not the text "3".
  EXPECT_NE(sheet.out.find("<c r=\"C4\"><v>3</v></c>"), std::string::npos)
      << sheet.out.substr(0, 2000);
  const std::string strings = RunCommand("unzip -p " + xlsx + " xl/sharedStrings.xml").out;
  for (const char* s : {"Perekaman KTP-el", "U1 Persyaratan", "U9 Penanganan pengaduan", "Responden"})
    EXPECT_NE(strings.find(s), std::string::npos) << s;
  // A workbook to stdout would be garbage on a terminal: --out is asked for.
  r = Run("report --from 2026-11-30 --format xlsx");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--out"), std::string::npos) << r.out;
  r = Run("report --from 2026-11-30 --format excel");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("\xEF\xBB\xBFgroup;name;", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\r\nKTP-REKAM;Perekaman KTP-el;3;0;"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(";100,0;"), std::string::npos) << "a decimal comma: " << r.out;
}

// The administrator's view of operators, and PINs kept out of `ps` and the
// shell's history (read from standard input).
TEST_F(MppctlTest, OperatorsAreListedWithTheirAgenciesAndPinsComeFromStdin) {
  const std::string ctl = std::string(MPP_CTL_BIN) + " --broker " + broker_.command_endpoint();
  Result r = RunCommand("echo 2580 | " + ctl +
                        " operator add ani --pin - --name 'Ani Rahmawati' --agency DUKCAPIL 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = RunCommand("printf '1357\\n' | " + ctl + " operator add budi --pin - 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = Run("operator disable budi");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Result list = Run("operator list");
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find("ani"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Ani Rahmawati"), std::string::npos);
  EXPECT_NE(list.out.find("DUKCAPIL"), std::string::npos);
  EXPECT_NE(list.out.find("semua instansi"), std::string::npos) << "budi is bound to none";
  EXPECT_NE(list.out.find("NONAKTIF"), std::string::npos);
  const json j = Json(Run("--json operator list"));
  ASSERT_TRUE(j.contains("operators")) << j.dump();
  for (const auto& o : j["operators"]) EXPECT_FALSE(o.contains("pinHash")) << o.dump();
  // The PIN read from stdin is the one set: ani signs in with it.
  r = RunCommand("echo 2580 | " + ctl + " signin 1 ani --pin - 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = RunCommand(ctl + " signin 2 ani --pin - </dev/null 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no PIN on standard input"), std::string::npos) << r.out;
}

// Every program says its version the same way (an officer checking what is
// installed, a bug report).
TEST(Programs, EveryProgramAnswersVersion) {
  for (const char* bin : {MPP_BROKER_BIN, MPP_CTL_BIN, MPP_SIM_BIN, MPP_LOAD_BIN, MPP_KIOSK_BIN,
                          MPP_DISPLAY_BIN, MPP_COUNTER_BIN, MPP_MANAGER_BIN}) {
    const Result r = RunCommand(std::string(bin) + " --version 2>&1");
    EXPECT_EQ(r.exit_code, 0) << bin << ": " << r.out;
    EXPECT_NE(r.out.find(MPP_VERSION_STRING), std::string::npos) << bin << ": " << r.out;
  }
}

// The same exit codes everywhere (docs/OPERATIONS.md): 2 for a usage error,
// with CLI11's message naming the flag, where CLI11's own codes (106, 109)
// said nothing to a script or a service manager.
TEST(Programs, EveryProgramExitsTwoOnAUsageError) {
  // With what each needs besides (CLI11 reports the first error it finds).
  const std::vector<std::pair<const char*, std::string>> programs = {
      {MPP_BROKER_BIN, ""},  {MPP_CTL_BIN, " status"},           {MPP_SIM_BIN, ""},
      {MPP_LOAD_BIN, ""},    {MPP_KIOSK_BIN, ""},                {MPP_DISPLAY_BIN, ""},
      {MPP_COUNTER_BIN, " --counter 1"}, {MPP_MANAGER_BIN, ""}};
  for (const auto& [bin, needed] : programs) {
    Result r = RunCommand(std::string(bin) + needed + " --no-such-flag 2>&1");
    EXPECT_EQ(r.exit_code, 2) << bin << ": " << r.out;
    EXPECT_NE(r.out.find("--no-such-flag"), std::string::npos) << bin << ": " << r.out;
    r = RunCommand(std::string(bin) + " --help 2>&1");
    EXPECT_EQ(r.exit_code, 0) << bin << ": " << r.out;
  }
}

// Every program has a manual page made from its --help (help2man), and bash
// completes subcommands, options and an option's values from --help too.
TEST(Programs, ManPagesAndBashCompletionComeFromTheProgramsOwnHelp) {
  const std::string bin_dir = std::filesystem::path(MPP_CTL_BIN).parent_path().string();
  for (const char* prog : {"mpp-broker", "mppctl", "mpp-kiosk", "mpp-display", "mpp-counter",
                           "mpp-manager", "mpp-sim", "mpp-load"}) {
    const Result page = RunCommand("zcat " + bin_dir + "/man/" + prog + ".1.gz");
    ASSERT_EQ(page.exit_code, 0) << prog << ": no manual page";
    EXPECT_NE(page.out.find(".SH NAME"), std::string::npos) << prog;
    EXPECT_NE(page.out.find(std::string("\\-\\-version")), std::string::npos) << prog;
  }
  // Completion as bash runs it: COMP_WORDS/COMP_CWORD set, the function called.
  const std::string script = std::string(MPP_SOURCE_DIR) + "/config/bash-completion/mpp";
  auto complete = [&](const std::string& words) {
    const Result r = RunCommand("PATH=" + bin_dir + ":$PATH bash -c 'source " + script +
                                "; COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); "
                                "_mpp_complete; echo \"${COMPREPLY[*]}\"' 2>&1");
    return r.out;
  };
  EXPECT_EQ(complete("mppctl oper"), "operator\n");
  EXPECT_EQ(complete("mppctl operator a"), "add\n");
  EXPECT_EQ(complete("mppctl report --form"), "--format\n");
  EXPECT_EQ(complete("mppctl report --format x"), "xlsx\n");
  EXPECT_EQ(complete("mpp-display --hide"), "--hide-cursor\n");
}

// Typed arguments: a ticket id or a counter list that is not a number is a
// usage error naming it, not a request for ticket 0 or counter 0.
TEST(Programs, MppctlRefusesIdsThatAreNotNumbers) {
  Result r = RunCommand(std::string(MPP_CTL_BIN) + " cancel '#abc' 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("'#abc' is not a ticket id: write #1234"), std::string::npos) << r.out;
  r = RunCommand(std::string(MPP_CTL_BIN) + " device add loket-3 --role counter --counters 3,x --key k 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--counters: Value x not in range"), std::string::npos) << r.out;
}

TEST_F(MppctlTest, AWholeCounterDayFromTheShell) {
  json j = Json(Run("--json issue KTP-REKAM"));
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["number"], "A-001");
  j = Json(Run("--json issue KTP-CETAK --priority lansia --source kiosk --source-id kiosk-2"));
  EXPECT_EQ(j["number"], "A-002");
  EXPECT_EQ(j["ticket"]["priority"], "LANSIA");
  EXPECT_EQ(j["ticket"]["priority_granted_by"], "self");
  EXPECT_EQ(Run("operator add ani --pin 1234 --name 'Ani Rahmawati'").exit_code, 0);
  const auto wrong = Run("signin 1 ani --pin 9999");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.out.find("PIN salah; sisa 4 percobaan"), std::string::npos) << wrong.out;
  EXPECT_EQ(Run("signin 1 ani --pin 1234").exit_code, 0);
  j = Json(Run("--json call 1"));
  EXPECT_EQ(j["number"], "A-002");  // priority first
  EXPECT_EQ(j["ticket"]["state"], "CALLED");
  EXPECT_EQ(Json(Run("--json recall 1"))["ticket"]["recall_ms"].size(), 1u);
  EXPECT_EQ(Json(Run("--json start 1"))["ticket"]["state"], "SERVING");
  EXPECT_EQ(Json(Run("--json transfer 1 KK"))["ticket"]["service"], "KK");
  EXPECT_EQ(Json(Run("--json call 1"))["number"], "A-001");
  EXPECT_EQ(Json(Run("--json hold 1"))["ticket"]["state"], "HELD");
  EXPECT_EQ(Json(Run("--json unhold A-001"))["ticket"]["state"], "WAITING");
  EXPECT_EQ(Json(Run("--json cancel A-001"))["ticket"]["state"], "CANCELLED");
  EXPECT_EQ(Json(Run("--json pause 1 --reason Salat"))["counter"]["status"], "ON_BREAK");
  EXPECT_EQ(Json(Run("--json open 1"))["counter"]["status"], "OPEN");
  EXPECT_EQ(Json(Run("--json close 1"))["counter"]["status"], "CLOSED");
  // Counter 4 serves KK: the transferred ticket waits there.
  EXPECT_EQ(Run("open 4 --operator budi").exit_code, 1);  // nobody signed in: needs a PIN
  Run("operator add budi --pin 2222");
  EXPECT_EQ(Run("signin 4 budi --pin 2222").exit_code, 0);
  j = Json(Run("--json call 4"));
  EXPECT_EQ(j["number"], "A-002");
  EXPECT_EQ(j["ticket"]["transferred_from"], "KTP-CETAK");
  EXPECT_EQ(Json(Run("--json noshow 4"))["ticket"]["state"], "NO_SHOW");
  EXPECT_EQ(Run("signout 4").exit_code, 0);

  j = Json(Run("--json snapshot --zone A"));
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["snapshot"]["zone"], "A");
  j = Json(Run("--json status"));
  EXPECT_EQ(j["status"]["tickets_today"], 2);
  EXPECT_EQ(j["status"]["business_day"], "2026-11-30");
  EXPECT_NE(Run("snapshot").out.find("Loket"), std::string::npos);
  EXPECT_NE(Run("catalog").out.find("KTP-REKAM"), std::string::npos);
  EXPECT_NE(Run("status").out.find("business day 2026-11-30"), std::string::npos);
}

TEST_F(MppctlTest, ReportReadsTheLiveDatabaseAndMatchesTheDay) {
  Run("operator add ani --pin 1234");
  Run("signin 1 ani --pin 1234");
  Run("issue KTP-REKAM");
  Run("issue KTP-REKAM --priority lansia --source kiosk --source-id kiosk-1");
  Run("issue KTP-CETAK");
  for (int i = 0; i < 2; ++i) {
    Run("call 1");
    Run("start 1");
    Run("finish 1");
  }
  const json done = Json(Run("--json snapshot"));
  int64_t last = 0;
  for (const auto& c : done["snapshot"]["counters"]) {
    if (c["id"] == 1) last = std::stoll(c["last_finished_ticket"].get<std::string>());
  }
  ASSERT_GT(last, 0);
  EXPECT_EQ(Run("rate " + std::to_string(last) + " 1 4 --skm 4,4,4,4,4,4,4,4,4").exit_code, 0);
  // The report reads the broker's file while the broker runs (WAL readers do not block it).
  const std::string args = "report --db " + broker_.db_path() + " --config " + SampleCatalog() +
                           " --from 2026-11-30 --by operator --format json";
  const json r = Json(Run(args));
  ASSERT_TRUE(r["rows"].is_array()) << r.dump();
  EXPECT_EQ(r["total"]["issued"], 3);
  EXPECT_EQ(r["total"]["served"], 2);
  EXPECT_EQ(r["total"]["priority"], 1);
  EXPECT_EQ(r["total"]["rated_4"], 1);
  EXPECT_EQ(r["total"]["skm_score"], 100.0);
  EXPECT_EQ(r["total"]["skm_grade"], "A Sangat Baik");
  bool ani = false;
  for (const auto& row : r["rows"]) ani |= row["group"] == "ani" && row["served"] == 2;
  EXPECT_TRUE(ani) << r.dump();
  const Result bad = Run("report --db " + broker_.db_path() + " --config " + SampleCatalog() +
                         " --from 2026-12-01 --to 2026-11-30");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("is before --from"), std::string::npos) << bad.out;
}

TEST_F(MppctlTest, RefusalExitsNonZeroWithTheBrokersMessage) {
  Result r = Run("finish 3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAILED_PRECONDITION"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Loket 3"), std::string::npos) << r.out;
  r = Run("--json --lang en issue HAJI");
  EXPECT_EQ(r.exit_code, 1);
  const json j = Json(r);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["code"], "NOT_SERVED_TODAY");
  EXPECT_EQ(j["next_open"], "2026-12-01T08:00:00+07:00");
  EXPECT_NE(j["message"].get<std::string>().find("not served today"), std::string::npos);
  EXPECT_EQ(Run("issue KTP-REKAM --priority vip").exit_code, 2);
}

TEST_F(MppctlTest, PrintFailureIsRecordedAndVisible) {
  Run("issue KTP-REKAM");
  json j = Json(Run("--json printed A-001 --failed \"paper out\""));
  EXPECT_EQ(j["ticket"]["print_failed"], true);
  EXPECT_EQ(j["ticket"]["print_error"], "paper out");
  j = Json(Run("--json printed A-001"));
  EXPECT_EQ(j["ticket"].value("print_failed", false), false);
}

TEST_F(MppctlTest, SameRequestIdIsOneTicket) {
  const json a = Json(Run("--json --client-id kiosk-9 --request-id abc issue KIA"));
  const json b = Json(Run("--json --client-id kiosk-9 --request-id abc issue KIA"));
  EXPECT_EQ(a["number"], b["number"]);
  EXPECT_EQ(Json(Run("--json status"))["status"]["tickets_today"], 1);
}

TEST_F(MppctlTest, WatchPrintsEventsAsJsonLines) {
  Result watched;
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    watched = Run("--json watch --zone A --count 2");
    done = true;
  });
  // Keep issuing until the watcher has printed two zone-A events (it may
  // subscribe after the first ones); zone B tickets must be filtered out.
  for (int i = 0; i < 100 && !done; ++i) {
    Run("issue STNK-TAHUNAN");
    Run("issue KTP-REKAM");
  }
  watcher.join();
  EXPECT_EQ(watched.exit_code, 0);
  std::istringstream lines(watched.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    const json j = json::parse(line);
    EXPECT_EQ(j["type"], "TICKET_ISSUED");
    EXPECT_EQ(j["number"].get<std::string>()[0], 'A');
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST(Mppctl, BrokerDownIsAClearErrorWithinTheTimeout) {
  const auto start = std::chrono::steady_clock::now();
  const Result r = Ctl("tcp://127.0.0.1:9", "--timeout 500 status");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("did not answer within 500 ms"), std::string::npos) << r.out;
  EXPECT_LT(took, std::chrono::seconds(10)) << "mppctl hung";
  EXPECT_EQ(Ctl("not-an-endpoint", "status").exit_code, 2);
}

}  // namespace
}  // namespace mpp::testing
