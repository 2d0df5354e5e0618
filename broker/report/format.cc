#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

#include "broker/report/report.h"
#include "common/i18n.h"

namespace mpp::report {

namespace {

std::string Min(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ms / 60000.0);
  return buf;
}
std::string Pct(int part, int whole) {
  if (whole == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * part / whole);
  return buf;
}
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> kCols = {"group",
                                                 "name",
                                                 "issued",
                                                 "served",
                                                 "no_show",
                                                 "cancelled",
                                                 "expired",
                                                 "transferred",
                                                 "print_failed",
                                                 "priority",
                                                 "out_of_order",
                                                 "wait_mean_min",
                                                 "wait_median_min",
                                                 "wait_p90_min",
                                                 "wait_max_min",
                                                 "wait_within_pct",
                                                 "service_mean_min",
                                                 "service_median_min",
                                                 "service_p90_min",
                                                 "service_max_min",
                                                 "service_within_pct",
                                                 "estimate_median_error_min",
                                                 "estimate_within_10min_pct",
                                                 "appointments",
                                                 "appointment_wait_median_min",
                                                 "walk_in_wait_median_min",
                                                 "bookings",
                                                 "bookings_kept",
                                                 "bookings_missed",
                                                 "booking_no_show_pct",
                                                 "bookings_cancelled",
                                                 "rated_4",
                                                 "rated_3",
                                                 "rated_2",
                                                 "rated_1",
                                                 "skm_respondents",
                                                 "skm_score",
                                                 "skm_grade"};
  return kCols;
}

std::vector<std::string> Cells(const Row& r) {
  const bool w = r.wait.n > 0, s = r.service.n > 0;
  const bool k = r.skm.respondents > 0;
  return {r.key,
          r.label,
          std::to_string(r.issued),
          std::to_string(r.served),
          std::to_string(r.no_show),
          std::to_string(r.cancelled),
          std::to_string(r.expired),
          std::to_string(r.transferred),
          std::to_string(r.print_failed),
          std::to_string(r.priority),
          std::to_string(r.out_of_order),
          w ? Min(r.wait.mean_ms) : "-",
          w ? Min(static_cast<double>(r.wait.median_ms)) : "-",
          w ? Min(static_cast<double>(r.wait.p90_ms)) : "-",
          w ? Min(static_cast<double>(r.wait.max_ms)) : "-",
          Pct(r.wait_within, r.wait_judged),
          s ? Min(r.service.mean_ms) : "-",
          s ? Min(static_cast<double>(r.service.median_ms)) : "-",
          s ? Min(static_cast<double>(r.service.p90_ms)) : "-",
          s ? Min(static_cast<double>(r.service.max_ms)) : "-",
          Pct(r.service_within, r.service_judged),
          r.estimate_judged ? Min(static_cast<double>(r.estimate_median_error_ms)) : "-",
          Pct(r.estimate_within, r.estimate_judged),
          std::to_string(r.appointments),
          r.appointment_wait.n ? Min(static_cast<double>(r.appointment_wait.median_ms)) : "-",
          r.walk_in_wait.n ? Min(static_cast<double>(r.walk_in_wait.median_ms)) : "-",
          std::to_string(r.bookings),
          std::to_string(r.bookings_kept),
          std::to_string(r.bookings_missed),
          Pct(r.bookings_missed, r.bookings_kept + r.bookings_missed),
          std::to_string(r.bookings_cancelled),
          std::to_string(r.ratings[4]),
          std::to_string(r.ratings[3]),
          std::to_string(r.ratings[2]),
          std::to_string(r.ratings[1]),
          std::to_string(r.skm.respondents),
          k ? Num(r.skm.score) : "-",
          k ? std::string(1, r.skm.grade) + " " + r.skm.label : "-"};
}

std::string Csv(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A row as JSON: the columns of Cells(), numbers as numbers ("-" as null),
// then the priorities by reason and the nine SKM element scores.
nlohmann::ordered_json JsonRow(const Row& r) {
  nlohmann::ordered_json o;
  const auto cells = Cells(r);
  const auto& cols = Columns();
  for (size_t i = 0; i < cols.size(); ++i) {
    const bool text = i < 2 || cols[i] == "skm_grade";
    if (cells[i] == "-") {
      o[cols[i]] = nullptr;
    } else if (text) {
      o[cols[i]] = cells[i];
    } else if (cells[i].find('.') != std::string::npos) {
      o[cols[i]] = std::stod(cells[i]);
    } else {
      o[cols[i]] = std::stoll(cells[i]);
    }
  }
  o["priority_by_reason"] = nlohmann::ordered_json::object();
  for (const auto& [reason, n] : r.priority_by_reason) o["priority_by_reason"][reason] = n;
  o["skm_nrr"] = nlohmann::ordered_json::array();
  for (int i = 0; i < 9; ++i) {
    if (r.skm.answered[i]) {
      o["skm_nrr"].push_back(std::stod(Num(r.skm.nrr[i])));  // 2 decimals, as printed
    } else {
      o["skm_nrr"].push_back(nullptr);
    }
  }
  return o;
}

// CSV for Excel with Indonesian regional settings: a UTF-8 byte order mark
// (or the names' accents come out wrong), ';' between fields and a decimal
// comma (',' is the decimal separator there, and '.' separates thousands), CRLF.
std::string ExcelCsv(const std::vector<std::string>& cols,
                     const std::vector<std::vector<std::string>>& table) {
  auto field = [](std::string v, bool number) {
    if (number) std::replace(v.begin(), v.end(), '.', ',');
    if (v.find_first_of(";\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string o = "\xEF\xBB\xBF";
  for (size_t i = 0; i < cols.size(); ++i) o += (i ? ";" : "") + field(cols[i], false);
  o += "\r\n";
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      const bool text = i < 2 || cols[i] == "skm_grade";
      o += (i ? ";" : "") + field(row[i], !text);
    }
    o += "\r\n";
  }
  return o;
}

}  // namespace

std::string Format(const Report& rep, const std::string& format) {
  std::vector<std::vector<std::string>> table;
  for (const Row& r : rep.rows) table.push_back(Cells(r));
  table.push_back(Cells(rep.total));
  const auto& cols = Columns();
  std::ostringstream o;
  if (format == "csv") {
    for (size_t i = 0; i < cols.size(); ++i) o << (i ? "," : "") << cols[i];
    o << "\n";
    for (const auto& row : table) {
      for (size_t i = 0; i < row.size(); ++i) o << (i ? "," : "") << Csv(row[i]);
      o << "\n";
    }
    return o.str();
  }
  if (format == "excel") return ExcelCsv(cols, table);
  if (format == "json") {
    nlohmann::ordered_json j;
    j["from"] = rep.from;
    j["to"] = rep.to;
    j["by"] = GroupByName(rep.by);
    j["rows"] = nlohmann::ordered_json::array();
    for (const Row& r : rep.rows) j["rows"].push_back(JsonRow(r));
    j["total"] = JsonRow(rep.total);
    j["completeness"] = nlohmann::ordered_json::array();
    for (const auto& c : rep.completeness) {
      j["completeness"].push_back(
          {{"service", c.service}, {"present", c.present}, {"missing", c.missing}});
    }
    return j.dump() + "\n";
  }
  // The readable formats show the columns a manager reads first.
  static const size_t kShort[] = {0, 2, 3, 4, 5, 8, 10, 11, 13, 15, 18, 19, 20, 21, 22, 24, 25};
  if (format == "md") {
    o << "# Laporan kepatuhan " << rep.from << " - " << rep.to << " (per " << GroupByName(rep.by)
      << ")\n\n|";
    for (size_t i : kShort) o << " " << cols[i] << " |";
    o << "\n|";
    for (size_t i = 0; i < std::size(kShort); ++i) o << "---|";
    o << "\n";
    for (const auto& row : table) {
      o << "|";
      for (size_t i : kShort) o << " " << row[i] << " |";
      o << "\n";
    }
    o << "\nTimes in minutes; within = share of tickets within the standard in force for each "
         "ticket; SKM per PermenPAN-RB 14/2017.\n";
    return o.str();
  }
  if (format != "table") return "";
  std::vector<size_t> width(cols.size(), 0);
  for (size_t i : kShort) width[i] = cols[i].size();
  for (const auto& row : table) {
    for (size_t i : kShort) width[i] = std::max(width[i], row[i].size());
  }
  o << "Report " << rep.from << " .. " << rep.to << " by " << GroupByName(rep.by)
    << " (times in minutes)\n";
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i : kShort) {
      char buf[128];
      std::snprintf(buf, sizeof buf, i == 0 ? "%-*s " : "%*s ", static_cast<int>(width[i]),
                    cells[i].c_str());
      o << buf;
    }
    o << "\n";
  };
  line(cols);
  for (const auto& row : table) line(row);
  int incomplete = 0;
  for (const auto& c : rep.completeness) incomplete += c.present < 6;
  o << "Published standards complete (6 of 6 components): "
    << rep.completeness.size() - static_cast<size_t>(incomplete) << " of "
    << rep.completeness.size() << " services\n";
  for (const auto& c : rep.completeness) {
    if (c.present == 6) continue;
    o << "  " << c.service << " misses:";
    for (const auto& m : c.missing) o << " " << m;
    o << "\n";
  }
  return o.str();
}

Status WriteXlsx(const Report& rep, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Status::Error("cannot create " + path + " (is the folder writable?)");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 13);
  lxw_format* one = workbook_add_format(wb);
  format_set_num_format(one, "0.0");
  lxw_format* two = workbook_add_format(wb);
  format_set_num_format(two, "0.00");
  const std::string range = rep.from == rep.to ? rep.from : rep.from + " - " + rep.to;

  // Sheet 1: every column of the report, numbers as numbers (so any regional
  // setting shows them right), the total last and bold.
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Kepatuhan");
  worksheet_write_string(ws, 0, 0,
                         ("Laporan kepatuhan standar pelayanan " + range + " (per " +
                          GroupByName(rep.by) + "; waktu dalam menit)")
                             .c_str(),
                         title);
  const auto& cols = Columns();
  for (size_t c = 0; c < cols.size(); ++c)
    worksheet_write_string(ws, 2, static_cast<lxw_col_t>(c), cols[c].c_str(), bold);
  std::vector<const Row*> rows;
  for (const Row& r : rep.rows) rows.push_back(&r);
  rows.push_back(&rep.total);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto cells = Cells(*rows[i]);
    const bool total = i + 1 == rows.size();
    const auto row = static_cast<lxw_row_t>(3 + i);
    for (size_t c = 0; c < cells.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const bool text = c < 2 || cols[c] == "skm_grade";
      if (cells[c] == "-") continue;  // nothing to judge: an empty cell
      if (text) {
        worksheet_write_string(ws, row, col,
                               (total && c == 0 ? std::string("TOTAL") : cells[c]).c_str(),
                               total ? bold : nullptr);
      } else {
        const bool fraction = cells[c].find('.') != std::string::npos;
        worksheet_write_number(ws, row, col, std::stod(cells[c]), fraction ? one : nullptr);
      }
    }
  }
  worksheet_set_column(ws, 0, 0, 16, nullptr);
  worksheet_set_column(ws, 1, 1, 34, nullptr);
  worksheet_freeze_panes(ws, 3, 2);

  // Sheet 2: the SKM (PermenPAN-RB 14/2017): respondents, the nine elements'
  // average scores (NRR, 1..4), the index converted to 0..100 and the grade.
  lxw_worksheet* skm = workbook_add_worksheet(wb, "SKM");
  worksheet_write_string(skm, 0, 0, ("Survei Kepuasan Masyarakat " + range).c_str(), title);
  worksheet_write_string(skm, 2, 0, "group", bold);
  worksheet_write_string(skm, 2, 1, "name", bold);
  worksheet_write_string(skm, 2, 2, "Responden", bold);
  for (int e = 0; e < 9; ++e)
    worksheet_write_string(skm, 2, static_cast<lxw_col_t>(3 + e), SkmElement(e, Lang::kId).c_str(),
                           bold);
  worksheet_write_string(skm, 2, 12, "IKM (0-100)", bold);
  worksheet_write_string(skm, 2, 13, "Mutu", bold);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = *rows[i];
    const bool total = i + 1 == rows.size();
    const auto row = static_cast<lxw_row_t>(3 + i);
    worksheet_write_string(skm, row, 0, total ? "TOTAL" : r.key.c_str(), total ? bold : nullptr);
    worksheet_write_string(skm, row, 1, r.label.c_str(), nullptr);
    worksheet_write_number(skm, row, 2, r.skm.respondents, nullptr);
    if (r.skm.respondents == 0) continue;
    for (int e = 0; e < 9; ++e) {
      if (r.skm.answered[e])
        worksheet_write_number(skm, row, static_cast<lxw_col_t>(3 + e), r.skm.nrr[e], two);
    }
    worksheet_write_number(skm, row, 12, r.skm.score, two);
    worksheet_write_string(skm, row, 13, (std::string(1, r.skm.grade) + " " + r.skm.label).c_str(),
                           nullptr);
  }
  worksheet_set_column(skm, 1, 1, 34, nullptr);
  worksheet_set_column(skm, 3, 11, 14, nullptr);
  worksheet_freeze_panes(skm, 3, 2);

  // Sheet 3: which of the six published components each service lacks.
  lxw_worksheet* pub = workbook_add_worksheet(wb, "Kelengkapan");
  worksheet_write_string(pub, 0, 0, "Kelengkapan standar pelayanan yang dipublikasikan", title);
  worksheet_write_string(pub, 2, 0, "service", bold);
  worksheet_write_string(pub, 2, 1, "komponen ada (dari 6)", bold);
  worksheet_write_string(pub, 2, 2, "belum ada", bold);
  for (size_t i = 0; i < rep.completeness.size(); ++i) {
    const auto& c = rep.completeness[i];
    std::string missing;
    for (const auto& m : c.missing) missing += (missing.empty() ? "" : ", ") + m;
    const auto row = static_cast<lxw_row_t>(3 + i);
    worksheet_write_string(pub, row, 0, c.service.c_str(), nullptr);
    worksheet_write_number(pub, row, 1, c.present, nullptr);
    worksheet_write_string(pub, row, 2, missing.c_str(), nullptr);
  }
  worksheet_set_column(pub, 0, 0, 18, nullptr);
  worksheet_set_column(pub, 2, 2, 60, nullptr);

  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    return Status::Error("cannot write " + path + ": " + lxw_strerror(err));
  }
  return Status::Ok();
}

}  // namespace mpp::report
