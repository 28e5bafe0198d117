/*
 * A C program against include/hxsim.h: proves that libHXSimC.so loads into a program that is
 * not Swift, computes what `hxsim vmm` computes, reports errors as status + message, survives
 * freed handles and bad arguments, and serves several threads at once.
 *
 * Usage: abi_test DIR. Writes DIR/inputs.csv and DIR/weights.csv and prints the codes of
 * chip 7 for them (numSends 2, wait 3) as CSV on stdout, for scripts/test.sh to compare with
 * `hxsim vmm --inputs DIR/inputs.csv --weights DIR/weights.csv --seed 7 --num-sends 2 --wait 3`.
 * Diagnostics go to stderr; the exit status is the number of failed checks.
 */
#include "hxsim.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 6, ROWS = 40, COLUMNS = 300 };

static int failures = 0;

static void check(int condition, const char *what) {
    if (!condition) {
        fprintf(stderr, "FAIL: %s (last error: %s)\n", what, hxsim_last_error());
        failures++;
    }
}

static void expect_status(hxsim_status got, hxsim_status expected, const char *message_part,
                          const char *what) {
    if (got != expected) {
        fprintf(stderr, "FAIL: %s: status %d, expected %d (%s)\n", what, got, expected,
                hxsim_last_error());
        failures++;
    } else if (message_part && !strstr(hxsim_last_error(), message_part)) {
        fprintf(stderr, "FAIL: %s: message '%s' lacks '%s'\n", what, hxsim_last_error(),
                message_part);
        failures++;
    }
}

static int32_t input_value(int b, int r) { return (b * 7 + r * 3) % 32; }
static int32_t weight_value(int r, int c) { return (r * 5 + c * 11) % 127 - 63; }

static int write_operands(const char *directory) {
    char path[4096];
    snprintf(path, sizeof path, "%s/inputs.csv", directory);
    FILE *file = fopen(path, "w");
    if (!file) return 0;
    for (int b = 0; b < BATCH; b++)
        for (int r = 0; r < ROWS; r++) fprintf(file, "%d%c", input_value(b, r), r + 1 < ROWS ? ',' : '\n');
    fclose(file);
    snprintf(path, sizeof path, "%s/weights.csv", directory);
    file = fopen(path, "w");
    if (!file) return 0;
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLUMNS; c++)
            fprintf(file, "%d%c", weight_value(r, c), c + 1 < COLUMNS ? ',' : '\n');
    fclose(file);
    return 1;
}

/* One thread's work: a software matmul of its own context, checked against the closed form. */
struct job {
    int index;
    int ok;
};

static void *run_job(void *argument) {
    struct job *job = argument;
    hxsim_context context = 0;
    job->ok = hxsim_context_create(HXSIM_BACKEND_SOFTWARE, 0, NULL, 0, HXSIM_INTEGRATOR_FAST, 0,
                                   0, &context) == HXSIM_OK;
    float x[2 * 3], w[3 * 2], y[2 * 2];
    for (int i = 0; i < 6; i++) {
        x[i] = (float)(i + job->index);
        w[i] = (float)(i % 3 - 1);
    }
    for (int repeat = 0; repeat < 50 && job->ok; repeat++) {
        job->ok = hxsim_matmul(context, HXSIM_BACKEND_CONTEXT, x, 2, 3, w, 2, 1, 5, y, 4) ==
                  HXSIM_OK;
        for (int b = 0; b < 2 && job->ok; b++)
            for (int n = 0; n < 2; n++) {
                double expected = 0;
                for (int k = 0; k < 3; k++) expected += x[b * 3 + k] * w[k * 2 + n];
                job->ok &= fabs(y[b * 2 + n] - 0.002 * expected) < 1e-5;
            }
    }
    job->ok &= hxsim_context_free(context) == HXSIM_OK;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2 || !write_operands(argv[1])) {
        fprintf(stderr, "usage: abi_test WRITABLE-DIRECTORY\n");
        return 100;
    }
    check(hxsim_abi_version() == HXSIM_ABI_VERSION, "ABI version of the library and header");
    int64_t limit = 0;
    check(hxsim_limit("synaptic_weight_max", &limit) == HXSIM_OK && limit == 63,
          "the largest weight is 63");
    check(hxsim_limit("no_such_limit", &limit) == HXSIM_ERROR_INVALID_ARGUMENT,
          "an unknown limit is an invalid argument");

    hxsim_chip chip = 0;
    check(hxsim_chip_create(7, NULL, &chip) == HXSIM_OK, "create chip 7");
    int32_t inputs[BATCH * ROWS], weights[ROWS * COLUMNS];
    for (int b = 0; b < BATCH; b++)
        for (int r = 0; r < ROWS; r++) inputs[b * ROWS + r] = input_value(b, r);
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLUMNS; c++) weights[r * COLUMNS + c] = weight_value(r, c);
    check(hxsim_chip_write_weights(chip, weights, ROWS, COLUMNS) == HXSIM_OK, "write weights");
    int8_t outputs[BATCH * COLUMNS];
    double time = 0;
    check(hxsim_chip_execute(chip, inputs, BATCH, ROWS, 2, 3, HXSIM_INTEGRATOR_FAST, 0, outputs,
                             BATCH * COLUMNS, &time) == HXSIM_OK,
          "execute");
    check(time > 0, "a positive projected time");
    for (int b = 0; b < BATCH; b++)
        for (int c = 0; c < COLUMNS; c++)
            printf("%d%c", outputs[b * COLUMNS + c], c + 1 < COLUMNS ? ',' : '\n');

    /* Errors: a status and a message, never a crash. */
    int32_t bad_weight[1] = {64};
    expect_status(hxsim_chip_write_weights(chip, bad_weight, 1, 1), HXSIM_ERROR_PHYSICS, "64",
                  "a weight of 64");
    expect_status(hxsim_chip_write_weights(chip, NULL, 1, 1), HXSIM_ERROR_INVALID_ARGUMENT,
                  "weights is NULL", "NULL weights");
    expect_status(hxsim_chip_execute(chip, inputs, BATCH, ROWS, 2, 3, 0, 0, outputs, 5, NULL),
                  HXSIM_ERROR_INVALID_ARGUMENT, "outputs holds 5", "a short output buffer");
    expect_status(hxsim_chip_execute(chip, inputs, -3, ROWS, 2, 3, 0, 0, outputs, 5, NULL),
                  HXSIM_ERROR_INVALID_ARGUMENT, "batch is -3", "a negative batch");
    expect_status(hxsim_chip_load_calibration(chip, "/nonexistent/calibration.json"),
                  HXSIM_ERROR_CALIBRATION, "does not exist", "a missing calibration file");
    check(hxsim_chip_free(chip) == HXSIM_OK, "free the chip");
    uint64_t seed = 0;
    expect_status(hxsim_chip_seed(chip, &seed), HXSIM_ERROR_INVALID_HANDLE, "freed",
                  "a freed chip");
    expect_status(hxsim_chip_free(chip), HXSIM_ERROR_INVALID_HANDLE, NULL, "a double free");
    expect_status(hxsim_chip_seed(123456789, &seed), HXSIM_ERROR_INVALID_HANDLE, NULL,
                  "a forged handle");

    hxsim_context context = 0;
    check(hxsim_context_create(HXSIM_BACKEND_MOCK, 1, NULL, 0, 0, 0, 0, &context) == HXSIM_OK,
          "a mock context");
    float x[4] = {1, NAN, 3, 4}, w[4] = {1, 1, 1, 1}, y[4];
    expect_status(hxsim_matmul(context, HXSIM_BACKEND_CONTEXT, x, 2, 2, w, 2, 1, 5, y, 4),
                  HXSIM_ERROR_NETWORK, "NaN", "NaN input");
    expect_status(hxsim_matmul(context, 9, x, 2, 2, w, 2, 1, 5, y, 4),
                  HXSIM_ERROR_INVALID_ARGUMENT, "backend is 9", "an unknown back end");
    expect_status(hxsim_matmul(context, HXSIM_BACKEND_PHYSICS, x, 2, 2, w, 2, 1, 5, y, 4),
                  HXSIM_ERROR_INVALID_ARGUMENT, "physics", "physics without chips");
    expect_status(hxsim_chip_seed(context, &seed), HXSIM_ERROR_INVALID_HANDLE, "not a chip",
                  "a context used as a chip");
    /* A result the library keeps: integers of the mock (floored, clamped), freed once. */
    float ones[4] = {10, 10, 10, 10};
    hxsim_buffer buffer = 0;
    const float *data = NULL;
    int64_t count = 0;
    check(hxsim_matmul_buffer(context, HXSIM_BACKEND_CONTEXT, ones, 2, 2, ones, 2, 1, 5, &buffer,
                              &data, &count) == HXSIM_OK &&
              count == 4 && data != NULL,
          "a kept matmul result");
    for (int64_t i = 0; i < count; i++)
        check(data[i] == floorf(data[i]) && data[i] >= -128 && data[i] <= 127,
              "a mock output is an 8-bit integer");
    check(hxsim_buffer_free(buffer) == HXSIM_OK, "free the kept result");
    expect_status(hxsim_buffer_free(buffer), HXSIM_ERROR_INVALID_HANDLE, NULL,
                  "a double free of a kept result");
    check(hxsim_context_free(context) == HXSIM_OK, "free the context");

    /* Several threads at once, each with its own context. */
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].index = i;
        pthread_create(&threads[i], NULL, run_job, &jobs[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        check(jobs[i].ok, "a thread's matmuls");
    }
    if (failures == 0) fprintf(stderr, "abi_test: all checks passed\n");
    return failures;
}
