# The launcher's settings, in one place: sourced by ./bam and by the scripts under bench/ that run Java "as the
# launcher does". `bam_launcher_env ROOT [COMMAND]` exports them; anything already set in the environment wins.
#
# - glibc's malloc keeps freed memory in the process: by default it returns large freed blocks to the system
#   and page-faults them back on the next training step, about a fifth of a CPU step here (docs/benchmarks.md).
#   Not exported for `predict`: bam predict sets the same itself through mallopt (MallocSettings.forPrediction),
#   however it is started; its batches' few fixed shapes keep its memory flat under them.
# - MKL_DYNAMIC=FALSE: same seed, same result; MKL must not drop threads on a busy machine (that reorders sums).
# - OMP_WAIT_POLICY=passive: libtorch's OpenMP threads sleep when they wait instead of spinning first; beside any
#   other busy process, spinning threads take the core from the thread they wait for, and a MiniLM step ran 17x
#   slower on a loaded machine (docs/benchmarks.md).
# - On an AMD processor with AVX-512: native/mkl_intel_cpu.c, built once into bam-examples/target/native and
#   preloaded, lets libtorch's MKL use its AVX-512 kernels (see that file). Not on other processors, not without
#   a C compiler, not with BAM_MKL_SHIM=0; a failed build is a warning, never an error.
bam_launcher_env() {
  local root=$1 command=${2:-}
  if [[ $command != predict ]]; then
    export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-33554432}
    export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-17179869184}
    export MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-268435456}
  fi
  export MKL_DYNAMIC=${MKL_DYNAMIC:-FALSE}
  export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
  bam_mkl_shim "$root"
}

bam_mkl_shim() {
  local root=$1 src lib
  [[ ${BAM_MKL_SHIM:-1} != 0 ]] || return 0
  grep -q -m1 'AuthenticAMD' /proc/cpuinfo 2>/dev/null || return 0
  grep -q -m1 ' avx512f' /proc/cpuinfo 2>/dev/null || return 0
  src=$root/native/mkl_intel_cpu.c
  lib=$root/bam-examples/target/native/libmkl_intel_cpu.so
  if [[ ! -f $lib || $src -nt $lib ]]; then
    command -v cc > /dev/null || return 0
    mkdir -p "$(dirname "$lib")"
    if ! cc -shared -fPIC -O2 -o "$lib.tmp" "$src" 2> /dev/null || ! mv "$lib.tmp" "$lib"; then
      rm -f "$lib.tmp"
      echo "bam: could not build $lib; MKL keeps its generic kernels on this AMD CPU" >&2
      return 0
    fi
  fi
  case ":${LD_PRELOAD:-}:" in
    *":$lib:"*) ;;
    *) export LD_PRELOAD=${LD_PRELOAD:+$LD_PRELOAD:}$lib ;;
  esac
}
