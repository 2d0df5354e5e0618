// mpp-fuzz-seeds DIR: writes the seed corpus (valid messages for every
// command and role, and a few broken ones) for the broker fuzzer.
#include <cstdio>
#include <fstream>
#include <string>

#include "fuzz/broker_fuzz_lib.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: mpp-fuzz-seeds DIR\n");
    return 2;
  }
  int n = 0;
  for (const auto& seed : mpp::fuzz::SeedInputs()) {
    std::ofstream(std::string(argv[1]) + "/seed-" + std::to_string(n++), std::ios::binary) << seed;
  }
  std::printf("%d seeds written to %s\n", n, argv[1]);
  return 0;
}
