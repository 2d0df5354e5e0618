#include "broker/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

namespace mpp::report {

bool ParseGroupBy(const std::string& t, GroupBy* by) {
  static const std::pair<const char*, GroupBy> kNames[] = {{"agency", GroupBy::kAgency},
                                                           {"service", GroupBy::kService},
                                                           {"counter", GroupBy::kCounter},
                                                           {"operator", GroupBy::kOperator},
                                                           {"day", GroupBy::kDay},
                                                           {"hour", GroupBy::kHour},
                                                           {"weekday-hour", GroupBy::kWeekdayHour},
                                                           {"mpp", GroupBy::kMpp},
                                                           {"city", GroupBy::kCity},
                                                           {"province", GroupBy::kProvince},
                                                           {"month", GroupBy::kMonth}};
  for (const auto& [name, value] : kNames) {
    if (t == name) {
      *by = value;
      return true;
    }
  }
  return false;
}

const char* GroupByName(GroupBy by) {
  switch (by) {
    case GroupBy::kAgency:
      return "agency";
    case GroupBy::kService:
      return "service";
    case GroupBy::kCounter:
      return "counter";
    case GroupBy::kOperator:
      return "operator";
    case GroupBy::kDay:
      return "day";
    case GroupBy::kHour:
      return "hour";
    case GroupBy::kWeekdayHour:
      return "weekday-hour";
    case GroupBy::kMpp:
      return "mpp";
    case GroupBy::kCity:
      return "city";
    case GroupBy::kProvince:
      return "province";
    case GroupBy::kMonth:
      return "month";
  }
  return "?";
}

bool CentralOnly(GroupBy by) {
  return by == GroupBy::kMpp || by == GroupBy::kCity || by == GroupBy::kProvince ||
         by == GroupBy::kMonth;
}

Distribution Summarize(std::vector<int64_t> v) {
  Distribution d;
  if (v.empty()) return d;
  d.n = static_cast<int64_t>(v.size());
  d.mean_ms = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(d.n);
  // Nearest rank: the smallest value with at least p of the data at or below
  // it. nth_element instead of a full sort (a year of tickets: 1M values).
  auto rank = [&](double p) {
    const auto k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
    const auto nth = v.begin() + static_cast<std::ptrdiff_t>(std::max<size_t>(k, 1) - 1);
    std::nth_element(v.begin(), nth, v.end());
    return *nth;
  };
  d.median_ms = rank(0.5);
  d.p90_ms = rank(0.9);
  d.max_ms = *std::max_element(v.begin(), v.end());
  return d;
}

char Grade(double score, std::string* label) {
  const double s = std::round(score * 100) / 100;
  for (const GradeBand& band : kGradeBands) {
    if (s >= band.min_score) return *label = band.label, band.grade;
  }
  const GradeBand& lowest = kGradeBands[std::size(kGradeBands) - 1];  // a negative score
  return *label = lowest.label, lowest.grade;
}

std::string GradeLegend(char decimal) {
  std::string text;
  for (size_t i = 0; i < std::size(kGradeBands); ++i) {
    const bool last = i + 1 == std::size(kGradeBands);
    char number[16];
    std::snprintf(number, sizeof number, "%.2f",
                  last ? kGradeBands[i - 1].min_score : kGradeBands[i].min_score);
    std::string n = number;
    std::replace(n.begin(), n.end(), '.', decimal);
    if (!text.empty()) text += "  ";
    text += std::string(1, kGradeBands[i].grade) + (last ? " < " : " >= ") + n;
  }
  return text;
}

Skm ComputeSkm(const std::vector<std::array<int, 9>>& forms) {
  int respondents = 0;
  std::array<int, 9> answered{};
  std::array<int64_t, 9> sum{};
  for (const auto& f : forms) {
    bool any = false;
    for (int i = 0; i < 9; ++i) {
      if (f[i] >= 1 && f[i] <= 4) {
        sum[i] += f[i];
        ++answered[i];
        any = true;
      }
    }
    respondents += any;
  }
  return SkmFromSums(respondents, answered, sum);
}

Skm SkmFromSums(int respondents, const std::array<int, 9>& answered,
                const std::array<int64_t, 9>& sum) {
  Skm k;
  k.respondents = respondents;
  k.answered = answered;
  int elements = 0;
  double total = 0;
  for (int i = 0; i < 9; ++i) {
    if (k.answered[i] == 0) continue;
    k.nrr[i] = static_cast<double>(sum[i]) / k.answered[i];
    total += k.nrr[i];
    ++elements;
  }
  if (elements == 0) return k;
  // Weight exactly 1/9 (the regulation prints 0.11); an element nobody
  // answered is left out rather than counted as zero.
  k.ikm = total / elements;
  k.score = std::round(k.ikm * 25 * 100) / 100;
  k.grade = Grade(k.score, &k.label);
  return k;
}

}  // namespace mpp::report
