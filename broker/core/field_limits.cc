#include "broker/core/field_limits.h"

#include <map>

namespace mpp::core {
namespace {

namespace pb = google::protobuf;

// Longer than the default: free text people write, and files.
const std::map<std::string, size_t>& Limits() {
  static const std::map<std::string, size_t> kLimits = {
      {"mpp.v1.SetTicker.text", 500},            // what the displays scroll
      {"mpp.v1.PauseCounter.reason", 120},       // "Istirahat salat Jumat"
      {"mpp.v1.ReportPrint.error", 200},         // the printer's complaint
      {"mpp.v1.SetOperator.name", 100},          // a person's full name
      {"mpp.v1.CheckCatalog.toml", 1 << 20},     // a catalog file (kMaxCatalogBytes)
      {"mpp.v1.CheckCatalog.source_name", 256},  // a path
      {"mpp.v1.Device.public_key", 40},          // Z85
  };
  return kLimits;
}

std::optional<FieldTooLong> Check(const pb::Message& m, const std::string& prefix) {
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const std::string name = prefix.empty() ? f->name() : prefix + "." + f->name();
    if (f->type() == pb::FieldDescriptor::TYPE_STRING) {
      const size_t limit = MaxBytesOf(f->full_name());
      if (f->is_repeated()) {
        std::string scratch;
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          const std::string& v = r->GetRepeatedStringReference(m, f, i, &scratch);
          if (v.size() > limit) return FieldTooLong{name, v.size(), limit};
        }
      } else {
        std::string scratch;
        const std::string& v = r->GetStringReference(m, f, &scratch);
        if (v.size() > limit) return FieldTooLong{name, v.size(), limit};
      }
    } else if (f->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          if (auto bad = Check(r->GetRepeatedMessage(m, f, i), name)) return bad;
        }
      } else if (auto bad = Check(r->GetMessage(m, f), name)) {
        return bad;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

size_t MaxBytesOf(const std::string& full_name) {
  auto it = Limits().find(full_name);
  return it == Limits().end() ? kDefaultMaxBytes : it->second;
}

std::optional<FieldTooLong> CheckFieldLimits(const v1::Request& request) {
  return Check(request, "");
}

}  // namespace mpp::core
