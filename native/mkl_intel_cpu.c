/*
 * Makes the MKL inside libtorch take its AVX-512 code paths on AMD processors that have AVX-512 (Zen 4, Zen 5).
 *
 * Why: MKL picks its kernels by asking whether the processor is an Intel one (mkl_serv_intel_cpu_true) before
 * looking at the instruction sets it supports; on AMD it falls back to generic AVX2 kernels. libtorch_cpu.so
 * exports that function, so a preloaded library that answers "yes" replaces it, and MKL then chooses by the
 * instruction sets the processor reports. On this project's Zen 5 machine that made SGEMM 1.5-2.1x faster
 * (docs/benchmarks.md). It changes no numbers beyond the rounding of a different kernel.
 *
 * Built and preloaded by launcher-env.sh, which ./bam and the benchmarks source.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
