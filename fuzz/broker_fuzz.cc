// libFuzzer entry: the broker's message handling (fuzz/broker_fuzz_lib.h).
// Built by scripts/fuzz with clang, -fsanitize=fuzzer,address,undefined.
#include "fuzz/broker_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)mpp::fuzz::RunOne(data, size);
  return 0;
}
