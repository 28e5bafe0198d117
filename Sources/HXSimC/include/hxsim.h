/*
 * hxsim.h: the C ABI of HXSim, a physics-level simulator of the BrainScaleS-2 (HICANN-X) chip
 * in vector-matrix-multiplication mode.
 *
 * Library: libHXSimC.so, built by `swift build -c release --product HXSimC` (into
 * .build/release/). It links the Swift runtime of the toolchain that built it; the library
 * records that directory as its run path, so a C program or Python finds it without
 * LD_LIBRARY_PATH as long as the toolchain stays where it was.
 *
 * Conventions
 * - Every function except hxsim_abi_version and hxsim_last_error returns an hxsim_status:
 *   HXSIM_OK (0) on success, a non-zero category otherwise. After a non-zero status,
 *   hxsim_last_error() returns a one-line message (UTF-8) naming the operand and the cause. The
 *   message is per thread: it stays valid until the next failing call on the same thread, and
 *   successful calls leave it unchanged. Nothing traps across the boundary: every pointer,
 *   size, handle and enumeration value is checked before any Swift code runs on it.
 * - Out-parameters are written only on success.
 * - Matrices are dense, row-major (C order), with the sizes given beside the pointer. Output
 *   buffers are allocated by the caller; their element count is passed and must equal the
 *   count the call produces, or the call fails without writing.
 * - Handles are opaque 64-bit numbers, never pointers, and never reused: a freed or unknown
 *   handle, or a handle of the wrong kind, gives HXSIM_ERROR_INVALID_HANDLE, never a crash.
 * - Thread safety: every function may be called from any thread. Each handle has a lock;
 *   calls on one handle run one after another, calls on different handles run in parallel.
 * - Determinism: the same seeds and the same sequence of calls give bit-identical outputs,
 *   whatever the number of threads.
 * - Units: inputs 0...31 (5-bit activations), weights -63...63 (6-bit signed), outputs in LSB
 *   of the 8-bit CADC (-128...127), waits in FPGA cycles of 8 ns, times in seconds.
 */
#ifndef HXSIM_H
#define HXSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes; compare with hxsim_abi_version() at run time. A change
 * that breaks a caller compiled against an older header increments it. */
#define HXSIM_ABI_VERSION 1

typedef int32_t hxsim_status;
#define HXSIM_OK 0
#define HXSIM_ERROR_INVALID_ARGUMENT 1 /* a null pointer, a size, a count or an enum value */
#define HXSIM_ERROR_INVALID_HANDLE 2   /* freed, never created, or of another kind */
#define HXSIM_ERROR_IO 3               /* a file: missing, unreadable, malformed */
#define HXSIM_ERROR_PHYSICS 4          /* the chip: a value out of range, a shape, options */
#define HXSIM_ERROR_CALIBRATION 5      /* calibration, or a calibration file of another chip */
#define HXSIM_ERROR_NETWORK 6          /* the network front end: shapes, NaN, settings */
#define HXSIM_ERROR_INTERNAL 7         /* anything else (a bug: please report it) */

/* One simulated chip (hxsim_chip_*) and one execution context (hxsim_context_*). */
typedef uint64_t hxsim_chip;
typedef uint64_t hxsim_context;
typedef uint64_t hxsim_buffer; /* a result the library keeps for the caller */

/* Integrators of hxsim_chip_execute and hxsim_context_create. */
#define HXSIM_INTEGRATOR_FAST 0 /* the fast path (one BLAS product, exact where separable) */
#define HXSIM_INTEGRATOR_GSL 1  /* the GSL odeiv2 reference */

/* Back ends of a context, and of one call (HXSIM_BACKEND_CONTEXT: the context's own). */
#define HXSIM_BACKEND_CONTEXT (-1)
#define HXSIM_BACKEND_SOFTWARE 0 /* the ideal linear model gain * numSends * (x . W) in float */
#define HXSIM_BACKEND_MOCK 1     /* hxtorch's mock: rounding, clamping, Gaussian noise */
#define HXSIM_BACKEND_PHYSICS 2  /* the simulated chips of the context */

/* The ABI version of the loaded library (HXSIM_ABI_VERSION of the header it was built with). */
uint32_t hxsim_abi_version(void);

/* The message of the last failing call on this thread ("" if none); see Conventions. */
const char *hxsim_last_error(void);

/* The limit called `name`, in `*value`: the chip's ranges ("synaptic_weight_min",
 * "synaptic_weight_max", "input_activation_min", "input_activation_max",
 * "output_activation_min", "output_activation_max", "hardware_matrix_height" (signed inputs of
 * one hemisphere), "hardware_matrix_width" (its columns), "num_sends_min", "num_sends_max",
 * "wait_between_events_min", "wait_between_events_max", "wait_between_events_default") and the
 * library's bounds on a request ("max_chips": chips of one context; "parameter_file_bytes": the
 * largest physics-parameter file read; "tensor_elements_max": the most elements of one tensor that
 * crosses the boundary, such as a convolution's result). A binding asks for these instead of
 * restating them. An unknown name is HXSIM_ERROR_INVALID_ARGUMENT, its message listing the
 * names. */
hxsim_status hxsim_limit(const char *name, int64_t *value);

/* ---- Chips -------------------------------------------------------------------------------- */

/* Draws chip `seed` (its fixed-pattern mismatch) in the nominal configuration. `parameters_json`
 * is the text of a physics-parameter file (`hxsim chip --json`), or NULL for the defaults. */
hxsim_status hxsim_chip_create(uint64_t seed, const char *parameters_json, hxsim_chip *chip);

/* Frees the chip; the handle is invalid afterwards. */
hxsim_status hxsim_chip_free(hxsim_chip chip);

/* The seed the chip was drawn from. */
hxsim_status hxsim_chip_seed(hxsim_chip chip, uint64_t *seed);

/* Calibrates the chip in place as `hxsim calibrate` does (`quick` non-zero: fewer trials).
 * Writes the result to `result_path` (JSON, atomically) unless it is NULL; the chip keeps the
 * result for digital correction. Takes about a second. */
hxsim_status hxsim_chip_calibrate(hxsim_chip chip, int32_t quick, const char *result_path);

/* Applies a calibration file of `hxsim calibrate` to the chip. A file made for another chip
 * (another seed or other physics parameters) or a damaged file is refused: HXSIM_ERROR_CALIBRATION,
 * the chip unchanged. */
hxsim_status hxsim_chip_load_calibration(hxsim_chip chip, const char *path);

/* Writes signed weights (rows 1...128 x columns 1...512, values -63...63; columns 0...255 on
 * hemisphere 0, the rest on hemisphere 1). They stay written until replaced, as on the chip. */
hxsim_status hxsim_chip_write_weights(hxsim_chip chip, const int32_t *weights, int64_t rows,
                                      int64_t columns);

/* Sends a batch of input vectors (batch x rows, values 0...31, rows = the weights' rows) and
 * reads batch x columns int8 codes into `outputs` (`output_count` = batch x columns), exactly
 * as `hxsim vmm` does: the same seed and inputs give the same codes. numSends 1...255,
 * wait_between_events 1...1023 FPGA cycles. With `digital_correction` non-zero the outputs are
 * corrected with the digital fit of the chip's calibration (as `hxsim vmm --digital-correction`).
 * `projected_time` (may be NULL) receives the batch's time on the real chip, in seconds (the
 * sum over the parts). The batch runs in parts of about 4096 rows, each written to `outputs` as
 * it finishes, with the codes of one execution of the whole batch; a bad shape or value is
 * refused before any part runs, so only a failure inside the simulation (a GSL integration
 * error) can leave earlier parts written. */
hxsim_status hxsim_chip_execute(hxsim_chip chip, const int32_t *inputs, int64_t batch,
                                int64_t rows, int32_t num_sends, int32_t wait_between_events,
                                int32_t integrator, int32_t digital_correction, int8_t *outputs,
                                int64_t output_count, double *projected_time);

/* ---- Execution contexts: hxtorch's operations on a back end --------------------------------- */

/* A context running on `backend` (software, mock or physics). `seed` roots the mock's noise.
 * For physics, the context takes copies of `chips` (chip_count >= 1, in their current state:
 * configured, calibrated) as a physics executor over which layers larger than one hemisphere
 * are partitioned; with `digital_correction` non-zero every chip must hold a calibration and its
 * digital fit corrects the outputs. Software and mock take no chips (chip_count 0, chips NULL).
 * `threads`: worker threads of the physics (0: every core; results do not depend on it). The
 * gain and noise start at hxtorch's defaults (0.002, 2.0 LSB). */
hxsim_status hxsim_context_create(int32_t backend, uint64_t seed, const hxsim_chip *chips,
                                  int64_t chip_count, int32_t integrator, int32_t threads,
                                  int32_t digital_correction, hxsim_context *context);

/* Frees the context; the handle is invalid afterwards. */
hxsim_status hxsim_context_free(hxsim_context context);

/* The linear model of the context (hxtorch's MockParameter): `gain` in (0, 1] LSB per unit of
 * sum(activation x weight) per send, `noise_std` >= 0 LSB. */
hxsim_status hxsim_context_set_mock_parameter(hxsim_context context, double gain,
                                              double noise_std);
hxsim_status hxsim_context_mock_parameter(hxsim_context context, double *gain,
                                          double *noise_std);

/* About how many rows of one VMM call (batch rows, or a convolution's patch rows) the context
 * encodes and runs at once, >= 1 (default 4096; rounded up to a multiple of 128 rows and at
 * least 1024): what a call holds besides its input and result is bounded by it, whatever the
 * batch. hxsim_matmul reads the input and writes the result in place; the convolutions hold
 * one copy of each. The results do not depend on it. */
hxsim_status hxsim_context_set_part_rows(hxsim_context context, int64_t rows);
hxsim_status hxsim_context_part_rows(hxsim_context context, int64_t *rows);

/* Measures gain and noise on the context's first chip as hxtorch's measure_mock_parameter does
 * (physics contexts only); `seed` chooses the random inputs. Does not set them. */
hxsim_status hxsim_context_measure_mock_parameter(hxsim_context context, uint64_t seed,
                                                  double *gain, double *noise_std);

/* hxtorch's matmul: input (batch x k, chip units) times weights (k x n, chip units) into
 * `output` (batch x n, LSB). Mock and physics round and clamp to the chip's ranges; physics
 * partitions into 128 x 256 blocks over the context's chips. `backend` overrides the context's
 * (HXSIM_BACKEND_MOCK for hxtorch's mock=True) or is HXSIM_BACKEND_CONTEXT. NaN or infinite
 * values are an error. Forward only: the backward pass is the caller's (gain x numSends). */
hxsim_status hxsim_matmul(hxsim_context context, int32_t backend, const float *input,
                          int64_t batch, int64_t k, const float *weights, int64_t n,
                          int32_t num_sends, int32_t wait_between_events, float *output,
                          int64_t output_count);

/* hxsim_matmul, but the library keeps the result: `*data` points to its `*count` floats
 * (batch x n, row-major), valid and writable until hxsim_buffer_free(*buffer). Saves the copy
 * into a caller's buffer and that buffer's first-touch page faults (what Python uses). */
hxsim_status hxsim_matmul_buffer(hxsim_context context, int32_t backend, const float *input,
                                 int64_t batch, int64_t k, const float *weights, int64_t n,
                                 int32_t num_sends, int32_t wait_between_events,
                                 hxsim_buffer *buffer, const float **data, int64_t *count);

/* Frees a buffer of hxsim_matmul_buffer; its data pointer is invalid afterwards. */
hxsim_status hxsim_buffer_free(hxsim_buffer buffer);

/* hxtorch's conv1d without bias: input [batch, channels, length], weight
 * [out_channels, channels, kernel], output [batch, out_channels, (length + 2 padding - kernel) /
 * stride + 1]. */
hxsim_status hxsim_conv1d(hxsim_context context, int32_t backend, const float *input,
                          int64_t batch, int64_t channels, int64_t length, const float *weight,
                          int64_t out_channels, int64_t kernel, int64_t stride, int64_t padding,
                          int32_t num_sends, int32_t wait_between_events, float *output,
                          int64_t output_count);

/* hxtorch's expanded_conv1d without bias (no padding): output [batch, out_channels,
 * (length - kernel) / stride + 1]. */
hxsim_status hxsim_expanded_conv1d(hxsim_context context, int32_t backend, const float *input,
                                   int64_t batch, int64_t channels, int64_t length,
                                   const float *weight, int64_t out_channels, int64_t kernel,
                                   int64_t stride, int64_t num_expansions, int32_t num_sends,
                                   int32_t wait_between_events, float *output,
                                   int64_t output_count);

/* hxtorch's conv2d without bias: input [batch, channels, height, width], weight
 * [out_channels, channels, kernel_height, kernel_width], zero padding on both sides. */
hxsim_status hxsim_conv2d(hxsim_context context, int32_t backend, const float *input,
                          int64_t batch, int64_t channels, int64_t height, int64_t width,
                          const float *weight, int64_t out_channels, int64_t kernel_height,
                          int64_t kernel_width, int64_t stride_y, int64_t stride_x,
                          int64_t padding_y, int64_t padding_x, int32_t num_sends,
                          int32_t wait_between_events, float *output, int64_t output_count);

/* A measurement aid (benchmarks/bridge): runs the Swift call behind hxsim_matmul, HXNetwork's
 * matmul on tensors built before the clock starts, `repeats` times on the context, and writes
 * each call's wall time and the calling thread's CPU time in seconds to `seconds` and
 * `cpu_seconds` (`repeats` elements each; `cpu_seconds` may be NULL). The difference to the
 * time of hxsim_matmul seen by a caller is what the bridge adds. */
hxsim_status hxsim_benchmark_matmul(hxsim_context context, int32_t backend, const float *input,
                                    int64_t batch, int64_t k, const float *weights, int64_t n,
                                    int32_t num_sends, int32_t wait_between_events,
                                    int64_t repeats, double *seconds, double *cpu_seconds);

/* ---- Model exchange -------------------------------------------------------------------------- */

/* Writes the parameters of the HXNetwork model file at `model_path` (as `ModelFile.save` writes
 * it) to a safetensors file, F32, under the names PyTorch's state_dict() gives a model of the
 * same architecture (torch.nn.Sequential indices: "0.weight", "2.bias", nested "1.0.weight").
 * `prefixes` renames leading parts, "hxnetwork-prefix=pytorch-prefix" pairs separated by commas
 * (for example "0.=features.,2.=classifier."), or NULL. */
hxsim_status hxsim_model_export_safetensors(const char *model_path, const char *safetensors_path,
                                            const char *prefixes);

/* Reads a safetensors state_dict (any numeric dtype) into the model at `model_path` (same
 * architecture, names as for export) and writes the result to `output_model_path`. Every
 * parameter must be present with its shape and finite; unknown names are an error. */
hxsim_status hxsim_model_import_safetensors(const char *model_path, const char *safetensors_path,
                                            const char *prefixes, const char *output_model_path);

#ifdef __cplusplus
}
#endif

#endif /* HXSIM_H */
