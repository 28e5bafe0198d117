// Crash capture for the fuzz harness (hxsim-fuzz): the input being parsed when a signal ends
// the process is written to a file, so that it can be kept as a regression test. Signal
// handlers must only call async-signal-safe functions, which is why this is C.
#ifndef CFUZZSUPPORT_H
#define CFUZZSUPPORT_H

#include <stddef.h>

/// Installs handlers for SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE and SIGABRT that write the
/// current input to `directory`/crash-<target>-<pid>.bin and then end the process with the
/// same signal. Returns 0, or -1 if the directory name is too long.
int hx_fuzz_install_crash_handler(const char *directory);

/// The input of the case about to run: `target` names the parser; the bytes must stay valid
/// until the next call.
void hx_fuzz_set_current(const char *target, const unsigned char *bytes, size_t count);

/// Writes the current input to `directory`/<kind>-<target>-<pid>.bin (for a hang found by the
/// watchdog). Returns 0 on success.
int hx_fuzz_dump(const char *kind);

#endif
