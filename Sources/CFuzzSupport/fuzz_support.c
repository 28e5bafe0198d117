#include "CFuzzSupport.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// The state the handler reads: set once (directory) and per case (target, bytes). Process-wide
// by nature: a signal handler has no other way to find the input.
static char crash_directory[3072];
static const char *volatile current_target = "unknown";
static const unsigned char *volatile current_bytes = 0;
static volatile size_t current_count = 0;

static size_t append(char *buffer, size_t used, size_t size, const char *text) {
    while (*text && used + 1 < size) buffer[used++] = *text++;
    buffer[used] = 0;
    return used;
}

static size_t append_number(char *buffer, size_t used, size_t size, long value) {
    char digits[24];
    int count = 0;
    if (value < 0) value = -value;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && count < 23);
    while (count > 0 && used + 1 < size) buffer[used++] = digits[--count];
    buffer[used] = 0;
    return used;
}

// Writes the concatenation of the `count` strings `parts` into `buffer` of `size` bytes,
// NUL-terminated and cut short where it would not fit; returns its length. Only stores and
// loops, so that the crash handler may call it.
static size_t join(char *buffer, size_t size, const char *const *parts, size_t count) {
    size_t used = 0;
    for (size_t index = 0; index < count; index++) {
        used = append(buffer, used, size, parts[index]);
    }
    return used;
}

int hx_fuzz_dump(const char *kind) {
    char pid[24];
    append_number(pid, 0, sizeof pid, (long)getpid());
    const char *path_parts[] = {crash_directory, "/", kind, "-", current_target, "-", pid, ".bin"};
    char path[4096];
    join(path, sizeof path, path_parts, sizeof path_parts / sizeof path_parts[0]);
    int descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (descriptor < 0) return -1;
    size_t written = 0;
    while (written < current_count) {
        ssize_t count = write(descriptor, current_bytes + written, current_count - written);
        if (count <= 0) break;
        written += (size_t)count;
    }
    close(descriptor);
    const char *message_parts[] = {
        "hxsim-fuzz: ", kind, " in target ", current_target, "; input kept in ", path, "\n"};
    char message[4200];
    size_t length = join(message, sizeof message, message_parts,
                         sizeof message_parts / sizeof message_parts[0]);
    ssize_t ignored = write(2, message, length);
    (void)ignored;
    return written == current_count ? 0 : -1;
}

static void handler(int signal_number) {
    hx_fuzz_dump("crash");
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

// An alternate stack, so that a stack overflow (SIGSEGV on the guard page) is captured too.
static char alternate_stack[1 << 16];

int hx_fuzz_install_crash_handler(const char *directory) {
    if (strlen(directory) + 1 > sizeof crash_directory) return -1;
    strcpy(crash_directory, directory);
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = alternate_stack;
    stack.ss_size = sizeof alternate_stack;
    sigaltstack(&stack, 0);
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT};
    for (size_t index = 0; index < sizeof signals / sizeof signals[0]; index++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = handler;
        action.sa_flags = SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        sigaction(signals[index], &action, 0);
    }
    return 0;
}

void hx_fuzz_set_current(const char *target, const unsigned char *bytes, size_t count) {
    current_target = target;
    current_bytes = bytes;
    current_count = count;
}
