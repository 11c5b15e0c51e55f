package io.github.bamjava.weights;

import java.io.IOException;
import java.util.Optional;

/**
 * A weight file that cannot be read as what it claims to be: truncated, malformed, or holding a tensor this
 * library cannot convert.
 *
 * <p>The message always starts with the file (or resource) name and, where one tensor is at fault, names it, so
 * that a user facing a broken multi-gigabyte checkpoint knows where to look without a debugger.
 */
public final class WeightFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final String tensor;

  /**
   * @param source the file or resource name, as the user would recognise it
   * @param tensor the tensor at fault, or null when the problem is the file as a whole
   * @param problem what is wrong, without the file and tensor names
   */
  public WeightFileException(String source, String tensor, String problem) {
    this(source, tensor, problem, null);
  }

  /** As {@link #WeightFileException(String, String, String)}, keeping the lower-level cause. */
  public WeightFileException(
      String source, String tensor, String problem, Throwable cause) {
    super(format(source, tensor, problem), cause);
    this.source = source;
    this.tensor = tensor;
  }

  /** The file or resource name the problem was found in. */
  public String source() {
    return source;
  }

  /** The tensor at fault, if the problem is about one tensor. */
  public Optional<String> tensor() {
    return Optional.ofNullable(tensor);
  }

  private static String format(String source, String tensor, String problem) {
    return tensor == null
        ? source + ": " + problem
        : source + ": tensor '" + tensor + "': " + problem;
  }
}
