// sc_main for Catch2 test binaries that link SystemC. main() is ours, as in
// the qarch binary, so SystemC's banner is off even when the build lists the
// tests (catch_discover_tests runs the binary outside ctest's environment).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

#include <systemc>

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }

int main(int argc, char* argv[]) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
