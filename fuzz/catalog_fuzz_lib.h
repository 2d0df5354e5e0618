// The catalog parser under a fuzzer: any bytes as a catalog file. A refusal
// must say where (the source name, and line:col where it has one); an
// accepted catalog must answer the questions the broker asks of it without
// crashing or looping (opening hours, holidays, zones, the next working day).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mpp::fuzz {

// 1 when the bytes are an accepted catalog, 0 when refused. Aborts when a
// refusal does not name the file.
int RunCatalog(const uint8_t* data, size_t size);

}  // namespace mpp::fuzz
