package io.github.bamjava.taskfile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a task's data files are written. */
public enum DataFormat {
  /**
   * Tab-separated values with a header line naming the columns. A tab ends a field and a line ends a row; quotes
   * are text like any other character (as in GLUE's files), so a field can hold neither a tab nor a line break.
   */
  TSV,
  /**
   * Comma-separated values with a header line naming the columns, as RFC 4180 says: a field in double quotes may
   * hold commas, line breaks and doubled quotes ({@code ""} for one {@code "}).
   */
  CSV,
  /** JSON Lines: one JSON object per line, its members the fields; blank lines are skipped. */
  JSONL;

  /** The name in task files: {@code tsv}, {@code csv}, {@code jsonl}. */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format of a task file's name for it; an unknown name is an error listing the known ones. */
  public static DataFormat fromFileName(String name) {
    for (DataFormat f : values()) {
      if (f.fileName().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown format '" + name + "' (known: "
        + Arrays.stream(values()).map(DataFormat::fileName).toList() + ")");
  }

  /** The format a file's extension says: .tsv, .csv, .jsonl or .ndjson; empty for any other. */
  public static Optional<DataFormat> ofExtension(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".tsv")) {
      return Optional.of(TSV);
    } else if (lower.endsWith(".csv")) {
      return Optional.of(CSV);
    } else if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return Optional.of(JSONL);
    }
    return Optional.empty();
  }
}
