# Sourced by ./bam and the benchmark scripts: on an AMD processor with AVX-512, builds native/mkl_intel_cpu.c
# (once, into bam-examples/target/native) and adds it to LD_PRELOAD, so that libtorch's MKL uses its AVX-512
# kernels (see the comment in mkl_intel_cpu.c). Does nothing on other processors, without a C compiler, or with
# BAM_MKL_SHIM=0; a failed build is a warning, never an error.
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
