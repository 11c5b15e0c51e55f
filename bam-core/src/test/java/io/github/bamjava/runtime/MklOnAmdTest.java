package io.github.bamjava.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library that answers MKL's "is this an Intel processor?" on AMD, and when it is needed. */
class MklOnAmdTest {

  @Test
  void onlyAnAmdProcessorWithAvx512NeedsIt() {
    String zen5 = "vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 avx512f avx512bw\n";
    String zen3 = "vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 fma\n";
    String intel = "vendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx2 avx512f\n";
    String notAFlag = "vendor_id\t: AuthenticAMD\nflags\t\t: fpu avx2\nbugs\t\t: avx512f_lookalike\n";
    assertThat(MklOnAmd.amdWithAvx512(zen5)).isTrue();
    assertThat(MklOnAmd.amdWithAvx512(zen3)).isFalse();
    assertThat(MklOnAmd.amdWithAvx512(intel)).isFalse();
    assertThat(MklOnAmd.amdWithAvx512(notAFlag)).isFalse();
  }

  @Test
  void theGeneratedLibraryIsASharedObjectForX8664ExportingTheSymbol() {
    byte[] so = MklOnAmd.sharedObject();
    ByteBuffer b = ByteBuffer.wrap(so).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(so).startsWith(0x7f, 'E', 'L', 'F', 2, 1, 1);
    assertThat(b.getShort(16)).as("e_type ET_DYN").isEqualTo((short) 3);
    assertThat(b.getShort(18)).as("e_machine x86-64").isEqualTo((short) 62);
    assertThat(b.getShort(56)).as("program headers").isEqualTo((short) 3);
    assertThat(new String(so, StandardCharsets.US_ASCII)).contains(MklOnAmd.SYMBOL + "\0");
    // The load segment covers the whole file.
    assertThat(b.getLong(64 + 32)).isEqualTo(so.length);
  }

  @Test
  void theDynamicLinkerLoadsItAndItsFunctionAnswersYes(@TempDir Path dir) throws Exception {
    assumeTrue(Platform.isLinux() && Platform.isIntel() && Platform.is64Bit(), "x86-64 Linux only");
    Path file = dir.resolve("answer.so");
    Files.write(file, MklOnAmd.sharedObject());
    NativeLibrary lib = NativeLibrary.getInstance(file.toString());
    Function f = lib.getFunction(MklOnAmd.SYMBOL);
    assertThat(f.invokeInt(new Object[0])).isEqualTo(1);
  }

  @Test
  void theLoadedAnswerSurvivesGarbageCollectionInTheGlobalScope() throws Exception {
    assumeTrue(Platform.isLinux() && Platform.isIntel() && Platform.is64Bit(), "x86-64 Linux only");
    MklOnAmd.loadAnswer();
    // JNA closed a library whose NativeLibrary was collected: libtorch, loaded after such a collection, bound its
    // own answer and MKL ran its generic kernels.
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Function f = NativeLibrary.getProcess().getFunction(MklOnAmd.SYMBOL);
    assertThat(f.invokeInt(new Object[0])).isEqualTo(1);
  }
}
