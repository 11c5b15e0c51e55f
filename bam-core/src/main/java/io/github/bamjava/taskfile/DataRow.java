package io.github.bamjava.taskfile;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One row of a data file: its fields' values as text, and the line it starts on, for errors.
 *
 * @param file the data file
 * @param line the 1-based line the row starts on
 * @param values field name to value; a JSON number or boolean as its JSON text
 * @param structured the fields whose JSON value is an object or a list, which no text or label can be
 */
record DataRow(Path file, int line, Map<String, String> values, Set<String> structured) {

  /** The value of {@code field}, or null when the row has none (absent, or JSON null). */
  @Nullable String get(String field) throws TaskFileException {
    if (structured.contains(field)) {
      throw error(field, "holds a JSON object or list; it must be a string");
    }
    return values.get(field);
  }

  /** An error naming this row's file, line and {@code field}. */
  TaskFileException error(String field, String message) {
    return new TaskFileException(file, line, "field '" + field + "' " + message);
  }
}
