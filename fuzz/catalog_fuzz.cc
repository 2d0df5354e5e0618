// libFuzzer entry: the catalog parser (fuzz/catalog_fuzz_lib.h). Built by
// scripts/fuzz with clang, -fsanitize=fuzzer,address,undefined.
#include "fuzz/catalog_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)mpp::fuzz::RunCatalog(data, size);
  return 0;
}
