// The binary's entry point. libsystemc references sc_main (C linkage), so it
// is defined here, in a file of its own. main() is ours rather than
// libsystemc's so the copyright banner can be switched off before the
// SystemC kernel prints it.
#include <cstdlib>

#include <systemc>

#include "apps/qarch/cli.h"

int sc_main(int argc, char* argv[]) { return qarch::cli::run(argc, argv); }

int main(int argc, char* argv[]) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
