// What a reader of the central database sees before any report: the halls
// that ship to it (with their city and province, the regions a report can be
// filtered by) and the days it holds. Plain data, no libpq: the dashboard's
// session holds it (manager/session.h).
#pragma once

#include <string>
#include <vector>

namespace mpp::central {

struct MppInfo {
  std::string id;        // "cilegon": lower-case letters, digits and dashes
  std::string name;      // "Mal Pelayanan Publik Kota Cilegon"
  std::string city;      // "Kota Cilegon"
  std::string province;  // "Banten"
};

struct Overview {
  std::vector<MppInfo> halls;  // by province, city, name
  // The first and last day any hall has shipped ("" when none has yet).
  std::string first_day, last_day;
};

}  // namespace mpp::central
