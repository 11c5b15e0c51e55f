package io.github.bamjava.examples;

import io.github.bamjava.runtime.TorchThreads;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --threads N}, on every command that trains or predicts: libtorch's intra-op threads in this process
 * ({@link TorchThreads}). Left out, the library's default: the processors this process may use, at most
 * libtorch's own count.
 */
final class ThreadsOption {

  @Option(names = "--threads", paramLabel = "N",
      description = "Threads per libtorch operation in this process (default: the processors it may use, at most"
          + " the machine's cores; or -Dbam.threads). The same seed gives the same bits with the same count.")
  Integer threads;

  /**
   * Sets the count when the option was given, before the command's first operation; a count below 1 is a usage
   * error naming the option.
   */
  void apply(CommandSpec spec) {
    if (threads == null) {
      return;
    }
    if (threads < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
    }
    TorchThreads.set(threads);
  }
}
