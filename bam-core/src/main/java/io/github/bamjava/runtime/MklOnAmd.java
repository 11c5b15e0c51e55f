package io.github.bamjava.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the MKL inside libtorch use its AVX-512 kernels on AMD processors that have AVX-512 (Zen 4, Zen 5), without
 * {@code LD_PRELOAD}.
 *
 * <p>Why: MKL picks its kernels by first asking whether the processor is an Intel one ({@code
 * mkl_serv_intel_cpu_true}); on AMD it falls back to generic AVX2 kernels. libtorch exports that function and calls
 * it through the dynamic linker, so a library in the process's global symbol scope before libtorch is loaded
 * answers in its place: its answer "yes" lets MKL choose by the instruction sets the processor reports. On this
 * project's Zen 5 machine that made SGEMM 1.5-2.1x faster (docs/benchmarks.md); numbers change only by the
 * rounding of a different kernel. {@code LD_PRELOAD} of such a library (the launcher's way) and loading one with
 * {@code RTLD_GLOBAL} before DJL loads libtorch ({@link #prepare()}) bind libtorch's reference alike.
 *
 * <p>The library is generated here, 440 bytes of x86-64 ELF holding one function that returns 1, so that no C
 * compiler is needed. {@link #prepare()} must run before the first {@code NDManager} (which loads libtorch); once
 * libtorch is loaded it can only {@link #check()} and say what to do.
 */
public final class MklOnAmd {
  private MklOnAmd() {}

  /** The system property that turns it off: {@code -Dbam.mkl.amd=false}. */
  public static final String PROPERTY = "bam.mkl.amd";
  /** The function MKL asks. */
  static final String SYMBOL = "mkl_serv_intel_cpu_true";

  private static final Logger LOG = LoggerFactory.getLogger(MklOnAmd.class);
  private static volatile boolean warned;
  /** The answering library, held so that it is never closed: see {@link #loadAnswer()}. */
  private static @Nullable NativeLibrary answer;

  /** What {@link #prepare()} or {@link #check()} found. */
  public enum State {
    /** Not an x86-64 Linux AMD processor with AVX-512, or turned off: nothing to do. */
    NOT_NEEDED,
    /** MKL's question is answered "yes" in this process: the AVX-512 kernels are in use. */
    ACTIVE,
    /** libtorch is loaded and answers itself: MKL uses its generic kernels on this processor. */
    TOO_LATE,
    /** The answering library could not be written or loaded (the message says why). */
    FAILED
  }

  /**
   * Puts the answering library into the process's global scope, if this processor needs it and libtorch is not
   * loaded yet; call it before the first {@code NDManager}. Idempotent.
   */
  public static synchronized State prepare() {
    if (!needed()) {
      return State.NOT_NEEDED;
    }
    if (answered()) {
      return State.ACTIVE;
    }
    if (libtorchLoaded()) {
      return State.TOO_LATE;
    }
    try {
      loadAnswer();
      return answered() ? State.ACTIVE : State.FAILED;
    } catch (IOException | UnsatisfiedLinkError e) {
      LOG.warn("could not load the library that lets MKL use AVX-512 on this AMD processor: {}", e.getMessage());
      return State.FAILED;
    }
  }

  /**
   * Whether MKL uses its AVX-512 kernels on this processor, for a process that may have loaded libtorch already;
   * warns once, in one line with the fix, when it does not.
   */
  public static State check() {
    if (!needed()) {
      return State.NOT_NEEDED;
    }
    if (answered()) {
      return State.ACTIVE;
    }
    State state = libtorchLoaded() ? State.TOO_LATE : prepare();
    if (state != State.ACTIVE && !warned) {
      warned = true;
      LOG.warn("MKL runs its generic kernels on this AMD processor, at about half the speed of its AVX-512 ones: call"
          + " io.github.bamjava.runtime.MklOnAmd.prepare() before the first NDManager (or -D{}=false to silence this)",
          PROPERTY);
    }
    return state;
  }

  /**
   * Writes the answering library to a temporary file, opens it into the global scope (JNA opens with {@code
   * RTLD_GLOBAL}) and deletes the file (a loaded library stays mapped). The library is kept open for the life of
   * the process: JNA closes a library ({@code dlclose}) when its {@link NativeLibrary} is garbage-collected, and a
   * collection between this call and libtorch's first MKL call then let libtorch bind its own answer, so MKL ran
   * its generic kernels while this class reported {@link State#ACTIVE} (it happened to BERT-Base, whose start-up
   * collects); a collection after that call would unmap the code libtorch had bound to.
   */
  static synchronized void loadAnswer() throws IOException {
    if (answer != null) {
      return;
    }
    Path file = Files.createTempFile("bam-mkl-amd-", ".so");
    try {
      Files.write(file, sharedObject());
      answer = NativeLibrary.getInstance(file.toString());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** An x86-64 Linux AMD processor with AVX-512, and not turned off. */
  private static boolean needed() {
    String property = System.getProperty(PROPERTY);
    if (property != null && property.equalsIgnoreCase("false")) {
      return false;
    }
    if (!Platform.isLinux() || !Platform.isIntel() || !Platform.is64Bit()) {
      return false;
    }
    try {
      return amdWithAvx512(Files.readString(Path.of("/proc/cpuinfo")));
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code /proc/cpuinfo}'s text is an AMD processor's with AVX-512 Foundation. */
  static boolean amdWithAvx512(String cpuinfo) {
    return cpuinfo.contains("AuthenticAMD") && cpuinfo.matches("(?s).*\\bflags\\s*:[^\\n]*\\bavx512f\\b.*");
  }

  /** Whether a library in the global scope answers MKL's question with 1. */
  private static boolean answered() {
    Function f = globalFunction();
    return f != null && f.invokeInt(new Object[0]) == 1;
  }

  private static @Nullable Function globalFunction() {
    try {
      return NativeLibrary.getProcess().getFunction(SYMBOL);
    } catch (UnsatisfiedLinkError e) {
      return null;
    }
  }

  private static boolean libtorchLoaded() {
    try {
      return Files.readString(Path.of("/proc/self/maps")).contains("libtorch_cpu");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A minimal x86-64 ELF shared object that exports {@value #SYMBOL} as {@code mov eax, 1; ret}: the ELF header,
   * three program headers (one read-and-execute load segment for the whole file, the dynamic section, a
   * non-executable stack), a SysV symbol hash table, the symbol and string tables, the code and the dynamic
   * section. No relocations, no section headers (the dynamic linker needs none).
   */
  static byte[] sharedObject() {
    final int phdrs = 64;
    final int hash = phdrs + 3 * 56; // 232
    final int dynsym = 256;
    final int dynstr = dynsym + 2 * 24; // 304
    byte[] name = (SYMBOL + "\0").getBytes(StandardCharsets.US_ASCII);
    final int strsz = 1 + name.length;
    final int code = 336;
    final int dynamic = 344;
    final int size = dynamic + 6 * 16; // 440
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    // ELF header: 64-bit, little-endian, version 1, System V ABI; a shared object for x86-64.
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
    b.putShort((short) 3).putShort((short) 62).putInt(1).putLong(0).putLong(phdrs).putLong(0).putInt(0)
        .putShort((short) 64).putShort((short) 56).putShort((short) 3).putShort((short) 64).putShort((short) 0)
        .putShort((short) 0);
    // PT_LOAD (R+X) of the whole file at address 0; PT_DYNAMIC; PT_GNU_STACK (RW: no executable stack).
    programHeader(b, 1, 5, 0, size, 0x1000);
    programHeader(b, 2, 4, dynamic, 6 * 16, 8);
    programHeader(b, 0x6474e551, 6, 0, 0, 16);
    // SysV hash: one bucket, pointing at symbol 1; chains end.
    b.position(hash);
    b.putInt(1).putInt(2).putInt(1).putInt(0).putInt(0);
    // Symbols: the null one, then the function (global, STT_FUNC, in a defined section, 6 bytes at `code`).
    b.position(dynsym + 24);
    b.putInt(1).put((byte) 0x12).put((byte) 0).putShort((short) 1).putLong(code).putLong(6);
    b.position(dynstr + 1);
    b.put(name);
    b.position(code);
    b.put(new byte[] {(byte) 0xb8, 1, 0, 0, 0, (byte) 0xc3});
    // Dynamic section: DT_HASH, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT, DT_NULL.
    b.position(dynamic);
    b.putLong(4).putLong(hash).putLong(5).putLong(dynstr).putLong(6).putLong(dynsym).putLong(10).putLong(strsz)
        .putLong(11).putLong(24).putLong(0).putLong(0);
    return b.array();
  }

  private static void programHeader(ByteBuffer b, int type, int flags, long offset, long size, long align) {
    b.putInt(type).putInt(flags).putLong(offset).putLong(offset).putLong(offset).putLong(size).putLong(size)
        .putLong(align);
  }
}
